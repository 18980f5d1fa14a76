#ifndef TETHER_DETAIL_SQL_COLUMNS_HPP
#define TETHER_DETAIL_SQL_COLUMNS_HPP

/// @file
/// Which columns a SQL connector's select reads, in order.

#include <cstddef>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/config.hpp>
#include <tether/model_info.hpp>

namespace tether::detail {

/// The property indexes a select reads, in column order: the query's fields (with the id), or every property.
TETHER_DECL std::vector<std::size_t> selected_properties(const model_info& m, const query& q);

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/sql/impl/columns.ipp>
#endif

#endif
