#ifndef TETHER_DETAIL_POSTGRES_SCHEMA_HPP
#define TETHER_DETAIL_POSTGRES_SCHEMA_HPP

/// @file
/// The names the server gives the schema objects the SQL builder (detail/sql/schema.hpp) makes from a model: a
/// refusal names its constraint or index, and these lead back to the model, property or relation.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <tether/detail/postgres/dialect.hpp>
#include <tether/detail/sql/schema.hpp>
#include <tether/model_info.hpp>

namespace tether::detail::postgres {

/// A name as the server stores it: identifiers are cut to 63 bytes (NAMEDATALEN - 1).
inline std::string name_of(std::string name) { return sql::stored_name(postgres::dialect, std::move(name)); }

/// The name of the foreign key constraint of m's property `index`.
inline std::string foreign_key_name(const model_info& m, std::size_t index) {
  return sql::foreign_key_name(postgres::dialect, m, index);
}

/// The name of the primary key constraint of m's table (the server's own default).
inline std::string primary_key_name(const model_info& m) {
  return name_of(std::string(m.name()) + "_pkey");
}

inline std::string index_name(std::string_view table, std::string_view column, bool unique) {
  return sql::index_name(postgres::dialect, table, column, unique);
}

/// A string as an SQL literal.
inline std::string literal(std::string_view text) {
  std::string sql = "'";
  for (const char c : text) {
    if (c == '\'') sql += '\'';
    sql += c;
  }
  return sql + "'";
}

}  // namespace tether::detail::postgres

#endif
