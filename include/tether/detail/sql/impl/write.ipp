#ifndef TETHER_DETAIL_SQL_IMPL_WRITE_IPP
#define TETHER_DETAIL_SQL_IMPL_WRITE_IPP

// The out-of-line definitions of <tether/detail/sql/write.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/sql/write.hpp>

namespace tether::detail::sql {

TETHER_DECL std::string insert(const dialect& d, const model_info& m, std::size_t rows, bool with_id) {
  const auto stored = [&](std::size_t i) { return with_id || i != m.id_index(); };
  std::string sql = "INSERT INTO " + quote_identifier(m.name()) + " (";
  bool first = true;
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    if (!stored(i)) continue;
    if (!std::exchange(first, false)) sql += ", ";
    append_identifier(sql, m.property(i).name);
  }
  sql += ") VALUES ";
  std::size_t n = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    first = true;
    for (std::size_t i = 0; i < m.properties().size(); ++i) {
      if (!stored(i)) continue;
      if (!std::exchange(first, false)) sql += ", ";
      statement_text::append_placeholder(d, sql, ++n);
    }
    sql += ')';
  }
  return sql;
}

TETHER_DECL std::string update(const dialect& d, const model_info& m) {
  std::string sql = "UPDATE " + quote_identifier(m.name()) + " SET ";
  std::size_t n = 0;
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    if (i == m.id_index()) continue;
    if (n > 0) sql += ", ";
    append_identifier(sql, m.property(i).name);
    sql += " = ";
    statement_text::append_placeholder(d, sql, ++n);
  }
  const std::string id = quote_identifier(m.id().name);
  if (n == 0) sql += id + " = " + id;  // a model of an id alone: the update only asks whether the row exists
  sql += " WHERE " + id + " = ";
  statement_text::append_placeholder(d, sql, n + 1);
  return sql;
}

}  // namespace tether::detail::sql

#endif
