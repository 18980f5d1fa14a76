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

#include <tether/detail/config.hpp>
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
TETHER_DECL void page_per_partition(const model_info& m, std::vector<const void*>& rows, std::size_t partition,
                                    std::size_t skip, std::optional<std::size_t> limit);

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/partition_paging.ipp>
#endif

#endif
