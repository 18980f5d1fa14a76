#ifndef TETHER_DETAIL_SQL_COLUMNS_HPP
#define TETHER_DETAIL_SQL_COLUMNS_HPP

/// @file
/// Which columns a SQL connector's select reads, in order.

#include <cstddef>
#include <vector>

#include <tether/connector.hpp>
#include <tether/model_info.hpp>

namespace tether::detail {

/// The property indexes a select reads, in column order: the query's fields (with the id), or every property.
inline std::vector<std::size_t> selected_properties(const model_info& m, const query& q) {
  std::vector<std::size_t> columns = q.fields;
  if (columns.empty()) {
    for (std::size_t i = 0; i < m.properties().size(); ++i) columns.push_back(i);
    return columns;
  }
  bool has_id = false;
  for (const auto f : columns) has_id = has_id || f == m.id_index();
  if (!has_id) columns.insert(columns.begin(), m.id_index());
  return columns;
}

}  // namespace tether::detail

#endif
