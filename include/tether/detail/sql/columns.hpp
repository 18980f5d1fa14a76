#ifndef TETHER_DETAIL_SQL_COLUMNS_HPP
#define TETHER_DETAIL_SQL_COLUMNS_HPP

/// @file
/// Which columns a SQL connector's select reads, in order.

#include <cstddef>
#include <vector>

#include <tether/connector.hpp>
#include <tether/model.hpp>

namespace tether::detail {

/// The property indexes a select reads, in column order: the query's fields (with the id), or every property.
template <class M>
std::vector<std::size_t> selected_properties(const query& q) {
  std::vector<std::size_t> columns = q.fields;
  if (columns.empty()) {
    for (std::size_t i = 0; i < property_count<M>; ++i) columns.push_back(i);
    return columns;
  }
  bool has_id = false;
  for (const auto f : columns) has_id = has_id || f == id_index<M>;
  if (!has_id) columns.insert(columns.begin(), id_index<M>);
  return columns;
}

}  // namespace tether::detail

#endif
