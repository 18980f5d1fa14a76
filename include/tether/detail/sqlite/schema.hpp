#ifndef TETHER_DETAIL_SQLITE_SCHEMA_HPP
#define TETHER_DETAIL_SQLITE_SCHEMA_HPP

/// @file
/// The DDL a model's descriptor implies: the table with a column per stored property, its foreign keys, and
/// the indexes they need. The table is named after the model, each column after its property.

#include <string>
#include <string_view>
#include <vector>

#include <tether/belongs_to.hpp>
#include <tether/detail/sql/identifier.hpp>
#include <tether/fwd.hpp>
#include <tether/model.hpp>

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

/// The column definition of property I, as CREATE TABLE or ALTER TABLE ADD COLUMN writes it. `adding` gives a
/// non-optional column the default that existing rows take.
template <class M, std::size_t I>
std::string sqlite_column_definition(bool adding) {
  const property_info& info = properties<M>()[I];
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
  if constexpr (is_foreign_key<M, I>) {
    using ref = reference<M, I>;
    if constexpr (ref::enforced) {
      sql += " REFERENCES ";
      append_identifier(sql, model_name<typename ref::target>);
      sql += '(';
      append_identifier(sql, property_name<typename ref::target, ref::target_property>);
      sql += ") ON DELETE ";
      sql += sqlite_delete_action(ref::on_delete);
    }
  }
  return sql;
}

template <class M>
std::string sqlite_create_table() {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote_identifier(model_name<M>) + " (";
  for_each_property<M>([&](auto i) {
    if (i > 0) sql += ", ";
    sql += sqlite_column_definition<M, i>(false);
  });
  return sql + ")";
}

inline std::string sqlite_create_index(std::string_view table, std::string_view column, bool unique) {
  const std::string name = std::string(table) + "_" + std::string(column) + (unique ? "_unique" : "_index");
  return std::string(unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX") + " IF NOT EXISTS " + quote_identifier(name) +
         " ON " + quote_identifier(table) + " (" + quote_identifier(column) + ")";
}

/// The indexes M's foreign keys need: one on each key (loose ones too), and a unique one on each referenced
/// target property that is not the target's id (SQLite requires it of a foreign key's parent).
struct sqlite_index {
  std::string_view table;  ///< the table the index is on
  std::string sql;
};

template <class M>
std::vector<sqlite_index> sqlite_key_indexes() {
  std::vector<sqlite_index> out;
  for_each_property<M>([&](auto i) {
    if constexpr (is_foreign_key<M, i>) {
      using ref = reference<M, i>;
      using target = typename ref::target;
      out.push_back({model_name<M>, sqlite_create_index(model_name<M>, property_name<M, i>, false)});
      if constexpr (ref::target_property != id_index<target>)
        out.push_back({model_name<target>,
                       sqlite_create_index(model_name<target>, property_name<target, ref::target_property>, true)});
    }
  });
  return out;
}

}  // namespace tether::detail

#endif
