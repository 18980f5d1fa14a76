#ifndef TETHER_DETAIL_SQLITE_SCHEMA_HPP
#define TETHER_DETAIL_SQLITE_SCHEMA_HPP

/// @file
/// The DDL a model's description implies: the table with a column per stored property, its foreign keys, and
/// the indexes they need. The table is named after the model, each column after its property.

#include <string>
#include <string_view>
#include <vector>

#include <tether/detail/sql/identifier.hpp>
#include <tether/fwd.hpp>
#include <tether/model_info.hpp>

namespace tether::detail {

inline const char* sqlite_column_type(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::integer:
    case value_kind::boolean:
    case value_kind::time: return "INTEGER";
    case value_kind::real: return "REAL";
    case value_kind::string:
    case value_kind::json: return "TEXT";
  }
  return "BLOB";
}

/// What a non-optional column holds when it is added to a table that has rows: the value-initialised value.
inline const char* sqlite_column_default(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::integer:
    case value_kind::boolean:
    case value_kind::time: return "0";
    case value_kind::real: return "0.0";
    case value_kind::string: return "''";
    case value_kind::json: return "'null'";
  }
  return "NULL";
}

inline const char* sqlite_delete_action(delete_action action) noexcept {
  switch (action) {
    case delete_action::restrict: return "RESTRICT";
    case delete_action::cascade: return "CASCADE";
    case delete_action::set_null: return "SET NULL";
  }
  return "RESTRICT";
}

/// The column definition of property `index` of m, as CREATE TABLE or ALTER TABLE ADD COLUMN writes it.
/// `adding` gives a non-optional column the default that existing rows take.
inline std::string sqlite_column_definition(const model_info& m, std::size_t index, bool adding) {
  const stored_property& info = m.property(index);
  std::string sql = quote_identifier(info.name);
  sql += ' ';
  sql += sqlite_column_type(info.kind);
  if (info.is_id) {
    // An integer id is the rowid; AUTOINCREMENT never hands out an id again, as the memory connector does not.
    sql += info.kind == value_kind::integer ? " PRIMARY KEY AUTOINCREMENT" : " PRIMARY KEY NOT NULL";
    return sql;
  }
  if (!info.nullable) {
    sql += " NOT NULL";
    if (adding) sql += std::string(" DEFAULT ") + sqlite_column_default(info.kind);
  }
  if (const relation_info* relation = info.relation; relation != nullptr && relation->enforced) {
    const model_info& target = relation->target();
    sql += " REFERENCES ";
    append_identifier(sql, target.name());
    sql += '(';
    append_identifier(sql, target.property(relation->target_property).name);
    sql += ") ON DELETE ";
    sql += sqlite_delete_action(relation->on_delete);
  }
  return sql;
}

inline std::string sqlite_create_table(const model_info& m) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote_identifier(m.name()) + " (";
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    if (i > 0) sql += ", ";
    sql += sqlite_column_definition(m, i, false);
  }
  return sql + ")";
}

inline std::string sqlite_create_index(std::string_view table, std::string_view column, bool unique) {
  const std::string name = std::string(table) + "_" + std::string(column) + (unique ? "_unique" : "_index");
  return std::string(unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX") + " IF NOT EXISTS " + quote_identifier(name) +
         " ON " + quote_identifier(table) + " (" + quote_identifier(column) + ")";
}

/// The indexes m's foreign keys need: one on each key (loose ones too), and a unique one on each referenced
/// target property that is not the target's id (SQLite requires it of a foreign key's parent).
struct sqlite_index {
  std::string_view table;  ///< the table the index is on
  std::string sql;
};

inline std::vector<sqlite_index> sqlite_key_indexes(const model_info& m) {
  std::vector<sqlite_index> out;
  for (const stored_property& p : m.properties()) {
    if (p.relation == nullptr) continue;
    const model_info& target = p.relation->target();
    out.push_back({m.name(), sqlite_create_index(m.name(), p.name, false)});
    if (p.relation->target_property != target.id_index()) {
      out.push_back({target.name(),
                     sqlite_create_index(target.name(), target.property(p.relation->target_property).name, true)});
    }
  }
  return out;
}

}  // namespace tether::detail

#endif
