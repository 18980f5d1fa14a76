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

#include <tether/detail/config.hpp>
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
TETHER_DECL std::string insert(const dialect& d, const model_info& m, std::size_t rows, bool with_id);

/// `UPDATE t SET ... WHERE id = ...`: binds every property but the id, in declaration order, then the id.
TETHER_DECL std::string update(const dialect& d, const model_info& m);

/// `DELETE FROM t WHERE id = ...`: binds the id.
inline std::string remove(const dialect& d, const model_info& m) {
  std::string sql = "DELETE FROM " + quote_identifier(m.name()) + " WHERE " + quote_identifier(m.id().name) + " = ";
  statement_text::append_placeholder(d, sql, 1);
  return sql;
}

}  // namespace tether::detail::sql

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/sql/impl/write.ipp>
#endif

#endif
