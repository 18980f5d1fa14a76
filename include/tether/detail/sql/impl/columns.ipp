#ifndef TETHER_DETAIL_SQL_IMPL_COLUMNS_IPP
#define TETHER_DETAIL_SQL_IMPL_COLUMNS_IPP

// The out-of-line definitions of <tether/detail/sql/columns.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/sql/columns.hpp>

namespace tether::detail {

TETHER_DECL std::vector<std::size_t> selected_properties(const model_info& m, const query& q) {
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
