#ifndef TETHER_DETAIL_POSTGRES_INTEGRITY_HPP
#define TETHER_DETAIL_POSTGRES_INTEGRITY_HPP

/// @file
/// The server enforces the foreign keys and unique indexes and names the constraint it refused. These
/// functions turn such a refusal into the memory connector's message, in the model's terms (which relation,
/// which key), naming the constraint too. Constraints of other tables (a removal refused by a table that
/// references this one) are looked up in the catalog, so tables created by an earlier run count.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <tether/detail/postgres/connection.hpp>
#include <tether/detail/postgres/error.hpp>
#include <tether/detail/postgres/schema.hpp>
#include <tether/detail/sql/identifier.hpp>
#include <tether/error.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// A foreign key constraint in the current schema.
struct postgres_foreign_key {
  std::string name;
  std::string table;          ///< the referencing table (model)
  std::string column;         ///< its key column
  std::string target_table;   ///< the referenced table
  std::string target_column;  ///< the referenced column
  std::string definition;     ///< as pg_get_constraintdef gives it: "FOREIGN KEY (...) REFERENCES ..."
  std::string id_column;      ///< the referencing table's primary key column ("" when it has none)
};

/// The foreign keys of the current schema named `name` (when `by_name`) or referencing table `name`.
inline std::vector<postgres_foreign_key> postgres_foreign_keys(postgres_connection& c, const std::string& name,
                                                               bool by_name) {
  const std::string sql =
      "SELECT k.conname, r.relname, a.attname, t.relname, ta.attname, pg_get_constraintdef(k.oid), "
      "(SELECT pa.attname FROM pg_index i JOIN pg_attribute pa ON pa.attrelid = i.indrelid "
      "AND pa.attnum = i.indkey[0] WHERE i.indrelid = k.conrelid AND i.indisprimary) "
      "FROM pg_constraint k "
      "JOIN pg_class r ON r.oid = k.conrelid "
      "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
      "JOIN pg_class t ON t.oid = k.confrelid "
      "JOIN pg_attribute ta ON ta.attrelid = k.confrelid AND ta.attnum = k.confkey[1] "
      "WHERE k.contype = 'f' AND r.relnamespace = current_schema()::regnamespace AND " +
      std::string(by_name ? "k.conname" : "t.relname") + " = $1 ORDER BY r.relname, k.conname";
  postgres_params params;
  add_text(params, name);
  const auto r = c.query_text(sql, params, "cannot read the foreign keys of " + name);
  std::vector<postgres_foreign_key> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({std::string(r.bytes(i, 0)), std::string(r.bytes(i, 1)), std::string(r.bytes(i, 2)),
                   std::string(r.bytes(i, 3)), std::string(r.bytes(i, 4)), std::string(r.bytes(i, 5)),
                   std::string(r.bytes(i, 6))});
  }
  return out;
}

inline bool postgres_table_exists(postgres_connection& c, const std::string& table) {
  postgres_params params;
  add_text(params, table);
  return c
             .query_text("SELECT 1 FROM pg_class WHERE relname = $1 AND relkind IN ('r', 'p') "
                         "AND relnamespace = current_schema()::regnamespace",
                         params, "cannot look up table " + table)
             .rows() > 0;
}

/// The key value in a detail line such as `Key (id)=(1) is still referenced from table "Order".`
inline std::string postgres_detail_key(const std::string& detail) {
  const auto open = detail.find(")=(");
  const auto close = detail.rfind(") ");
  if (open == std::string::npos || close == std::string::npos || close < open + 3) return "";
  return detail.substr(open + 3, close - open - 3);
}

/// "from 2 rows (Order id 3, ...)": the rows of `k.table` whose key is `key` (as text), for a message.
inline std::string postgres_referencing_rows(postgres_connection& c, const postgres_foreign_key& k,
                                             const std::string& key) {
  if (k.id_column.empty()) return "";
  postgres_params params;
  add_text(params, key);
  const auto r = c.query_text("SELECT " + quote_identifier(k.id_column) + "::text, count(*) OVER () FROM " +
                                  quote_identifier(k.table) + " WHERE " + quote_identifier(k.column) +
                                  "::text = $1 ORDER BY " + quote_identifier(k.id_column) + " LIMIT 1",
                              params, "cannot read the rows that reference " + k.target_table);
  if (r.rows() == 0) return "";
  const std::string count(r.bytes(0, 1));
  return " from " + count + (count == "1" ? " row (" : " rows (") + k.table + " " + k.id_column + " " +
         std::string(r.bytes(0, 0)) + (count == "1" ? ")" : ", ...)");
}

/// Explains a refused removal of m's row `id`: a restrict (here, or below a cascade) that rows still need.
[[noreturn]] inline void explain_postgres_removal(postgres_connection& c, const model_info& m,
                                                  const std::string& shown_id, const postgres_constraint_failure& e) {
  const std::string model(m.name());
  const std::string prefix = "tether: cannot remove " + model + " " + std::string(m.id().name) + " " + shown_id;
  if (e.sqlstate() == "23503") {
    const auto keys = postgres_foreign_keys(c, e.constraint(), true);
    if (!keys.empty()) {
      const auto& k = keys.front();
      std::string blocked = k.target_table == model ? prefix
                                                    : prefix + ": it cascades to " + k.target_table +
                                                          ", and cannot remove " + k.target_table + " " +
                                                          k.target_column + " " + postgres_detail_key(e.detail());
      throw constraint_error(blocked + ": " + k.table + "." + k.column + " references it" +
                             postgres_referencing_rows(c, k, postgres_detail_key(e.detail())) + " (constraint \"" +
                             k.name + "\"); remove or relink them first, or declare on_delete<cascade> or "
                             "on_delete<set_null>");
    }
  }
  throw constraint_error(prefix + ": " + e.what());
}

/// Explains a refused insert or update of `row`, a row of m.
[[noreturn]] inline void explain_postgres_write(postgres_connection& c, const model_info& m, const void* row,
                                                const postgres_constraint_failure& e, std::string_view verb) {
  const std::string model(m.name());
  const std::string constraint = " (constraint \"" + e.constraint() + "\")";
  const std::string shown_id = describe(m.get(row, m.id_index()));
  if (e.sqlstate() == "23503") {
    // One of the row's own keys matches no target...
    for (std::size_t i = 0; i < m.properties().size(); ++i) {
      const stored_property& p = m.property(i);
      if (p.relation == nullptr || postgres_foreign_key_name(m, i) != e.constraint()) continue;
      const model_info& target = p.relation->target();
      const std::string shown = describe(m.get(row, i));
      throw constraint_error("tether: " + model + "." + std::string(p.relation->name) + ": no " +
                             std::string(target.name()) + " has " +
                             std::string(target.property(p.relation->target_property).name) + " " + shown + " (" +
                             std::string(p.name) + " " + shown + ")" + constraint);
    }
    // ...or the update changes a property that rows of another table reference.
    const auto keys = postgres_foreign_keys(c, e.constraint(), true);
    if (!keys.empty() && keys.front().target_table == model) {
      const auto& k = keys.front();
      throw constraint_error("tether: cannot change " + model + "." + k.target_column + " of id " + shown_id + ": " +
                             k.table + "." + k.column + " references it" + constraint);
    }
  }
  if (e.sqlstate() == "23505") {
    if (e.constraint() == postgres_primary_key_name(m))
      throw constraint_error("tether: cannot " + std::string(verb) + " " + model + ": id " + shown_id +
                             " exists already" + constraint);
    for (std::size_t i = 0; i < m.properties().size(); ++i) {
      if (postgres_index_name(model, m.property(i).name, true) != e.constraint()) continue;
      throw constraint_error("tether: " + model + "." + std::string(m.property(i).name) +
                             " must be unique (a foreign key references it), and " + describe(m.get(row, i)) +
                             " is taken" + constraint);
    }
  }
  throw constraint_error("tether: cannot " + std::string(verb) + " " + model + " id " + shown_id + ": " + e.what());
}

/// Refuses to drop `table` while rows of another table reference its rows. Returns the statements that put
/// back the other tables' foreign keys to it, which dropping removes (DROP ... CASCADE).
inline std::vector<std::string> check_postgres_drop(postgres_connection& c, const std::string& table) {
  std::vector<std::string> restore;
  if (!postgres_table_exists(c, table)) return restore;
  for (const auto& k : postgres_foreign_keys(c, table, false)) {
    if (k.table == table) continue;
    postgres_params none;
    const auto r = c.query_text("SELECT " + quote_identifier(k.column) + "::text FROM " + quote_identifier(k.table) +
                                    " WHERE " + quote_identifier(k.column) + " IN (SELECT " +
                                    quote_identifier(k.target_column) + " FROM " + quote_identifier(table) +
                                    ") LIMIT 1",
                                none, "cannot check the rows that reference " + table);
    if (r.rows() > 0) {
      throw constraint_error("tether: cannot drop " + table + ": " + k.table + "." + k.column +
                             " references its row " + std::string(r.bytes(0, 0)) + " (constraint \"" + k.name +
                             "\"); migrate the referencing model together with it");
    }
    restore.push_back("ALTER TABLE " + quote_identifier(k.table) + " ADD CONSTRAINT " + quote_identifier(k.name) +
                      " " + k.definition);
  }
  return restore;
}

}  // namespace tether::detail

#endif
