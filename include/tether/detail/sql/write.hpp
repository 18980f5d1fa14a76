#ifndef TETHER_DETAIL_SQL_WRITE_HPP
#define TETHER_DETAIL_SQL_WRITE_HPP

/// @file
/// The SQL of a model's writes, which depends on nothing but the model (and, for an insert, the row count):
/// every value a parameter, bound in declaration order.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include <tether/detail/sql/dialect.hpp>
#include <tether/detail/sql/identifier.hpp>
#include <tether/detail/sql/statement_text.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail::sql {

/// True when the store is to generate `row`'s id: an integer id left value-initialised (0, or empty).
inline bool id_is_generated(const model_info& m, const void* row) {
  const stored_property& id = m.id();
  if (!id.generated) return false;
  const void* member = m.member(row, m.id_index());
  if (!id.ops->has_value(member)) return true;
  const value given = id.ops->get(member);
  const auto* number = std::get_if<std::int64_t>(&given);
  return number == nullptr || *number == 0;
}

/// `INSERT INTO t (columns) VALUES (...), ...` of `rows` rows; every property a column, in declaration order,
/// but the id when `with_id` is false (the store's default generates it).
inline std::string insert(const dialect& d, const model_info& m, std::size_t rows, bool with_id) {
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

/// `UPDATE t SET ... WHERE id = ...`: binds every property but the id, in declaration order, then the id.
inline std::string update(const dialect& d, const model_info& m) {
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

/// `DELETE FROM t WHERE id = ...`: binds the id.
inline std::string remove(const dialect& d, const model_info& m) {
  std::string sql = "DELETE FROM " + quote_identifier(m.name()) + " WHERE " + quote_identifier(m.id().name) + " = ";
  statement_text::append_placeholder(d, sql, 1);
  return sql;
}

}  // namespace tether::detail::sql

#endif
