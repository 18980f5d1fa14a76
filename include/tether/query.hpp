#ifndef TETHER_QUERY_HPP
#define TETHER_QUERY_HPP

/// @file
/// What a connector is asked to read or count: a where tree whose property names are already resolved to
/// indexes and whose values already fit the property types, sort keys and paging. The datasource makes one from
/// a `tether::filter` (detail/resolve.hpp); a connector reads nothing else, so this header needs no JSON.

#include <cstddef>
#include <optional>
#include <vector>

#include <tether/value.hpp>

namespace tether {

/// @brief LoopBack's where operators; `and_`/`or_` combine conditions.
enum class operator_kind { eq, neq, gt, gte, lt, lte, inq, nin, between, like, nlike, and_, or_ };

/// @brief A where tree whose property names are resolved to indexes and whose values fit the property types
/// (an integer property gets `std::int64_t` operands, a real one `double`, a time one `time_point`).
struct predicate {
  std::size_t property = 0;  ///< index into the model's properties; unused for and_/or_
  operator_kind op = operator_kind::and_;
  std::vector<value> values;         ///< operands: one, two for between, any number for inq/nin
  std::vector<predicate> children;   ///< for and_/or_
};

/// @brief One term of a sort.
struct sort_key {
  std::size_t property = 0;
  bool descending = false;
};

/// @brief What a connector is asked to read or count, connector-neutral and checked against the model.
struct query {
  std::optional<predicate> where;      ///< none: every row
  std::vector<std::size_t> fields;     ///< property indexes to read; empty: all. The id is always among them.
  std::vector<sort_key> order;         ///< empty: by id ascending
  std::optional<std::size_t> limit;
  std::size_t skip = 0;
  /// A property index: `order`, `limit` and `skip` then apply within each group of rows that share this
  /// property's value (an include's per-parent paging), and the rows come in `order` as a whole. Only a connector
  /// that declares `pages_per_partition` is given one (see connector.hpp).
  std::optional<std::size_t> partition;
};

}  // namespace tether

#endif
