#ifndef TETHER_DETAIL_PARTITION_PAGING_HPP
#define TETHER_DETAIL_PARTITION_PAGING_HPP

/// @file
/// Paging per group of rows already filtered and sorted: what `query::partition` asks of a select
/// (connector.hpp). The memory connector pages this way, and the datasource does it in place of a connector that
/// does not page per partition itself.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <tether/model_info.hpp>
#include <tether/query.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// True when `q` asks for paging per partition (a partition without limit or skip is the query's own order).
[[nodiscard]] inline bool partition_paged(const query& q) noexcept {
  return q.partition.has_value() && (q.limit.has_value() || q.skip > 0);
}

/// Keeps, of `rows` (rows of m in the query's order), each row whose place among the rows sharing its value of
/// property `partition` is past `skip` and within `limit`; the rows kept stay in order. Rows whose value is null
/// are one group, as SQL's PARTITION BY has them.
inline void page_per_partition(const model_info& m, std::vector<const void*>& rows, std::size_t partition,
                               std::size_t skip, std::optional<std::size_t> limit) {
  const stored_property& property = m.property(partition);
  const value_ops& ops = *property.ops;
  std::size_t nulls = 0;
  // Keys are integers or strings; other kinds group by their rendering, which tells values of one kind apart.
  std::unordered_map<std::int64_t, std::size_t> integers;
  std::unordered_map<std::string_view, std::size_t> strings;
  std::unordered_map<std::string, std::size_t> others;
  auto seen_before = [&](const void* row) -> std::size_t& {
    const void* member = m.member(row, partition);
    if (!ops.has_value(member)) return nulls;
    if (std::int64_t i = 0; ops.as_integer(member, i)) return integers[i];
    if (const std::string* text = ops.text(member)) return strings[*text];
    return others[describe(ops.get(member))];
  };
  std::size_t kept = 0;
  for (const void* row : rows) {
    const std::size_t place = seen_before(row)++;
    if (place >= skip && (!limit || place - skip < *limit)) rows[kept++] = row;
  }
  rows.resize(kept);
}

}  // namespace tether::detail

#endif
