#ifndef TETHER_DETAIL_SQL_SCHEMA_HPP
#define TETHER_DETAIL_SQL_SCHEMA_HPP

/// @file
/// The DDL a model's description implies: the table with a column per stored property, its foreign keys, and
/// the indexes they need. The table is named after the model, each column after its property; every name is
/// quoted, and cut as the server cuts it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <tether/detail/config.hpp>
#include <tether/detail/one_to_one.hpp>
#include <tether/detail/sql/dialect.hpp>
#include <tether/detail/sql/identifier.hpp>
#include <tether/detail/sql/statement_text.hpp>
#include <tether/fwd.hpp>
#include <tether/model_info.hpp>

namespace tether::detail::sql {

inline const char* delete_action_sql(delete_action action) noexcept {
  switch (action) {
    case delete_action::restrict: return "RESTRICT";
    case delete_action::cascade: return "CASCADE";
    case delete_action::set_null: return "SET NULL";
  }
  return "RESTRICT";
}

/// A name as the server stores it.
inline std::string stored_name(const dialect& d, std::string name) {
  if (d.identifier_limit > 0 && name.size() > d.identifier_limit) name.resize(d.identifier_limit);
  return name;
}

/// The name of the foreign key constraint of m's property `index` (where the dialect names them).
inline std::string foreign_key_name(const dialect& d, const model_info& m, std::size_t index) {
  return stored_name(d, std::string(m.name()) + "_" + std::string(m.property(index).name) + "_fkey");
}

inline std::string index_name(const dialect& d, std::string_view table, std::string_view column, bool unique) {
  return stored_name(d, std::string(table) + "_" + std::string(column) + (unique ? "_unique" : "_index"));
}

/// The column definition of m's property `index`, as CREATE TABLE or ALTER TABLE ADD COLUMN writes it. `adding`
/// gives a non-optional column the default that existing rows take.
TETHER_DECL std::string column_definition(const dialect& d, const model_info& m, std::size_t index, bool adding);

inline std::string create_table(const dialect& d, const model_info& m) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote_identifier(m.name()) + " (";
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    if (i > 0) sql += ", ";
    sql += column_definition(d, m, i, false);
  }
  return sql + ")";
}

inline std::string add_column(const dialect& d, const model_info& m, std::size_t index) {
  return "ALTER TABLE " + quote_identifier(m.name()) + " ADD COLUMN " + column_definition(d, m, index, true);
}

inline std::string create_index(const dialect& d, std::string_view table, std::string_view column, bool unique) {
  return std::string(unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX") + " IF NOT EXISTS " +
         quote_identifier(index_name(d, table, column, unique)) + " ON " + quote_identifier(table) + " (" +
         quote_identifier(column) + ")";
}

/// An index m's foreign keys need.
struct index {
  std::string_view table;  ///< the table the index is on
  std::string sql;
};

/// The unique indexes on referenced target properties that are not the target's id: a server requires one of
/// a foreign key's parent, so they come before m's table (when the target's table exists).
TETHER_DECL std::vector<index> target_indexes(const dialect& d, const model_info& m);

/// An index on each of m's foreign keys (loose ones too), for include and for the server's ON DELETE checks; a
/// one-to-one key has its unique index instead (one_to_one_indexes), which serves them as well.
inline std::vector<std::string> key_indexes(const dialect& d, const model_info& m) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    const stored_property& p = m.property(i);
    if (p.relation != nullptr && one_to_one(m, i) == nullptr) out.push_back(create_index(d, m.name(), p.name, false));
  }
  return out;
}

/// The unique index of a one-to-one key (one_to_one.hpp): made with the table, and added to a table made before
/// the has_one was declared, once the connector has made sure no two rows share a key.
struct one_to_one_index {
  std::size_t property;               ///< m's key property
  const reflection_info* reflection;  ///< the has_one that makes it one-to-one
  std::string name;                   ///< the index's name, as the server stores it
  std::string sql;
};

TETHER_DECL std::vector<one_to_one_index> one_to_one_indexes(const dialect& d, const model_info& m);

/// The first value that more than one row of `table` holds in `column` (nulls never count), as one bound-free
/// statement: the check a unique index needs before it is added to a table that has rows.
inline std::string repeated_value(std::string_view table, std::string_view column) {
  const std::string quoted = quote_identifier(column);
  return "SELECT " + quoted + " FROM " + quote_identifier(table) + " WHERE " + quoted + " IS NOT NULL GROUP BY " +
         quoted + " HAVING COUNT(*) > 1 ORDER BY " + quoted + " LIMIT 1";
}

/// The id of a row of m whose property `index` holds a given value (the first parameter): which row holds the
/// one-to-one key a write was refused for. An update's row is in the table, so `other_than_id` leaves it out (its
/// id the second parameter).
TETHER_DECL std::string holder_of(const dialect& d, const model_info& m, std::size_t index, bool other_than_id);

}  // namespace tether::detail::sql

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/sql/impl/schema.ipp>
#endif

#endif
