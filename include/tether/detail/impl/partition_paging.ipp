#ifndef TETHER_DETAIL_IMPL_PARTITION_PAGING_IPP
#define TETHER_DETAIL_IMPL_PARTITION_PAGING_IPP

// The out-of-line definitions of <tether/detail/partition_paging.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/partition_paging.hpp>

namespace tether::detail {

TETHER_DECL void page_per_partition(const model_info& m, std::vector<const void*>& rows, std::size_t partition,
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
