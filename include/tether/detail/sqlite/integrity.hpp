#ifndef TETHER_DETAIL_SQLITE_INTEGRITY_HPP
#define TETHER_DETAIL_SQLITE_INTEGRITY_HPP

/// @file
/// SQLite enforces the foreign keys (REFERENCES ... ON DELETE ...); it says only "FOREIGN KEY constraint
/// failed". When it does, these functions find out, inside the same transaction, which relation and key were
/// to blame, and report them as a constraint_failure (worded where every connector's are). The referencing tables
/// are read from the schema (pragma_foreign_key_list), so a table created by an earlier run counts too.

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tether/detail/constraint_failure.hpp>
#include <tether/detail/one_to_one.hpp>
#include <tether/detail/sql/dialect.hpp>
#include <tether/detail/sql/identifier.hpp>
#include <tether/detail/sql/schema.hpp>
#include <tether/detail/sqlite/error.hpp>
#include <tether/detail/sqlite/statement.hpp>
#include <tether/detail/sqlite/values.hpp>
#include <tether/error.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail::sqlite {

/// A foreign key in the schema that references some table.
struct referrer {
  std::string table;          ///< the referencing table (model)
  std::string column;         ///< its key column
  std::string id_column;      ///< its primary key column
  std::string target_column;  ///< the referenced column of the target
  std::string on_delete;      ///< "RESTRICT", "CASCADE", "SET NULL", ...
};

inline std::vector<referrer> referrers_of(connection& c, std::string_view table) {
  statement s(c,
              "SELECT m.name, k.\"from\", k.\"to\", k.on_delete, "
              "(SELECT t.name FROM pragma_table_info(m.name) t WHERE t.pk = 1) "
              "FROM sqlite_schema m, pragma_foreign_key_list(m.name) k "
              "WHERE m.type = 'table' AND k.\"table\" = ? ORDER BY m.name, k.id",
              false);
  s.bind_text(1, table);
  std::vector<referrer> out;
  while (s.step()) {
    out.push_back({std::string(s.column_text(0)), std::string(s.column_text(1)), std::string(s.column_text(4)),
                   std::string(s.column_text(2)), std::string(s.column_text(3))});
  }
  return out;
}

inline bool table_exists(connection& c, std::string_view table) {
  statement s(c, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", false);
  s.bind_text(1, table);
  return s.step();
}

inline bool index_exists(connection& c, std::string_view index) {
  statement s(c, "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?", false);
  s.bind_text(1, index);
  return s.step();
}

/// Gives m's table the unique index of each one-to-one key it lacks (a table made before the has_one was
/// declared), refusing, with the key, when rows already share one.
inline void add_one_to_one_indexes(connection& c, const sql::dialect& d, const model_info& m,
                                   const std::function<void(const std::string&)>& migrate) {
  for (const auto& index : sql::one_to_one_indexes(d, m)) {
    if (index_exists(c, index.name)) continue;
    statement repeated(c, sql::repeated_value(m.name(), m.property(index.property).name), false);
    if (repeated.step())
      throw_constraint_failure(one_to_one_duplicates(m, index.property, *index.reflection, read_any(repeated, 0)));
    migrate(index.sql);
  }
}

/// Reports the first enforced key of `row` (a row of m) that matches no target.
inline void check_keys(connection& c, const model_info& m, const void* row) {
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    const stored_property& p = m.property(i);
    const relation_info* relation = p.relation;
    const void* key = m.member(row, i);
    if (relation == nullptr || !relation->enforced || !p.ops->has_value(key)) continue;
    const model_info& target = relation->target();
    const std::string target_column(target.property(relation->target_property).name);
    bool found = false;
    if (table_exists(c, target.name())) {
      statement s(c,
                  "SELECT 1 FROM " + quote_identifier(target.name()) + " WHERE " +
                             quote_identifier(target_column) + " = ? LIMIT 1",
                         false);
      bind_member(s, 1, p, key);
      found = s.step();
    }
    if (!found) {
      constraint_failure refused(constraint_kind::dangling_key, m.name());
      refused.property = p.name;
      refused.key = p.ops->get(key);
      refused.relation = relation->name;
      refused.target_model = target.name();
      refused.target_property = target_column;
      throw_constraint_failure(refused);
    }
  }
}

/// Ids of the rows of `r.table` whose key equals `key`.
inline std::vector<value> referencing_ids(connection& c, const referrer& r, const value& key) {
  statement s(c,
              "SELECT " + quote_identifier(r.id_column) + " FROM " + quote_identifier(r.table) + " WHERE " +
                         quote_identifier(r.column) + " = ? ORDER BY 1",
                     false);
  bind_operand(s, 1, key);
  std::vector<value> ids;
  while (s.step()) ids.push_back(read_any(s, 0));
  return ids;
}

/// The value of `column` in the row of `table` whose `id_column` is `id`.
inline value column_of(connection& c, const std::string& table, const std::string& id_column,
                       const std::string& column, const value& id) {
  statement s(c,
              "SELECT " + quote_identifier(column) + " FROM " + quote_identifier(table) + " WHERE " +
                         quote_identifier(id_column) + " = ?",
                     false);
  bind_operand(s, 1, id);
  return s.step() ? read_any(s, 0) : value{nullptr};
}

/// Walks what removing row `id` of `table` would do, as SQLite's ON DELETE actions would, and reports the first
/// restrict that refuses it. `origin` is the removal asked for, which cascaded to this one unless it is this one.
inline void find_restrict(connection& c, const std::string& table, const std::string& id_column,
                          const value& id, const cascade_origin& origin,
                          std::set<std::pair<std::string, std::string>>& visited) {
  if (!visited.emplace(table, describe(id)).second) return;
  for (const auto& r : referrers_of(c, table)) {
    const value key = column_of(c, table, id_column, r.target_column, id);
    if (std::holds_alternative<std::nullptr_t>(key)) continue;
    auto ids = referencing_ids(c, r, key);
    std::erase_if(ids, [&](const value& v) { return r.table == table && describe(v) == describe(id); });
    if (ids.empty()) continue;
    if (r.on_delete == "CASCADE") {
      for (const auto& referencing : ids)
        find_restrict(c, r.table, r.id_column, referencing, origin, visited);
    } else if (r.on_delete != "SET NULL" && r.on_delete != "SET DEFAULT") {
      constraint_failure refused(constraint_kind::still_referenced, table);
      refused.property = r.target_column;
      refused.key = key;
      refused.referring = referring_rows{r.table, r.column, r.id_column, ids.front(), ids.size()};
      if (table != origin.model || describe(id) != describe(origin.id)) refused.cascaded_from = origin;
      throw_constraint_failure(refused);
    }
  }
}

/// Reports a constraint SQLite refused while removing m's row `id`.
[[noreturn]] inline void explain_removal(connection& c, const model_info& m, const value& id,
                                         const constraint_violation& e) {
  const cascade_origin origin{std::string(m.name()), std::string(m.id().name), id};
  // RESTRICT reports itself as SQLITE_CONSTRAINT_TRIGGER, NO ACTION as SQLITE_CONSTRAINT_FOREIGNKEY.
  if (e.code() == SQLITE_CONSTRAINT_FOREIGNKEY || e.code() == SQLITE_CONSTRAINT_TRIGGER) {
    std::set<std::pair<std::string, std::string>> visited;
    find_restrict(c, origin.model, origin.id_property, id, origin, visited);
  }
  throw_constraint_failure(unexplained_failure("remove", origin.model, origin.id_property, id, e.what()));
}

/// Reports it when `row` (a row of m) changes a property that rows of another table reference.
inline void explain_change(connection& c, const model_info& m, const void* row) {
  const std::string table(m.name());
  const std::string id_column(m.id().name);
  const value id = m.get(row, m.id_index());
  for (const auto& r : referrers_of(c, table)) {
    const value old_key = column_of(c, table, id_column, r.target_column, id);
    if (std::holds_alternative<std::nullptr_t>(old_key) || referencing_ids(c, r, old_key).empty()) continue;
    bool changed = false;
    for (std::size_t i = 0; i < m.properties().size(); ++i)
      if (m.property(i).name == r.target_column) changed = describe(m.get(row, i)) != describe(old_key);
    if (changed) {
      constraint_failure refused(constraint_kind::referenced_changed, table);
      refused.property = r.target_column;
      refused.id = id;
      refused.referring = referring_rows{r.table, r.column, r.id_column, std::nullopt, 0};
      throw_constraint_failure(refused);
    }
  }
}

/// Refuses to drop `table` while rows of another table reference its rows (dropping would run the ON DELETE
/// actions on them, or fail half-way).
inline void check_drop(connection& c, const std::string& table) {
  if (!table_exists(c, table)) return;
  for (const auto& r : referrers_of(c, table)) {
    if (r.table == table) continue;
    statement s(c,
                "SELECT " + quote_identifier(r.column) + " FROM " + quote_identifier(r.table) + " WHERE " +
                           quote_identifier(r.column) + " IN (SELECT " + quote_identifier(r.target_column) +
                           " FROM " + quote_identifier(table) + ") LIMIT 1",
                       false);
    if (s.step()) {
      constraint_failure refused(constraint_kind::drop_refused, table);
      refused.key = read_any(s, 0);
      refused.referring = referring_rows{r.table, r.column, r.id_column, std::nullopt, 0};
      throw_constraint_failure(refused);
    }
  }
}

/// Reports a constraint SQLite refused while writing `row` (a row of m; `verb` is "create" or "update").
[[noreturn]] inline void explain_write(connection& c, const sql::dialect& d, const model_info& m, const void* row,
                                       const constraint_violation& e, std::string_view verb) {
  const int code = e.code();
  if (code == SQLITE_CONSTRAINT_FOREIGNKEY || code == SQLITE_CONSTRAINT_TRIGGER) {
    check_keys(c, m, row);
    explain_change(c, m, row);
  }
  // The property whose value another row has: SQLite names a unique one, in English whatever the locale:
  // "UNIQUE constraint failed: Customer.email".
  std::optional<std::size_t> repeated;
  if (code == SQLITE_CONSTRAINT_PRIMARYKEY) repeated = m.id_index();
  if (code == SQLITE_CONSTRAINT_UNIQUE) {
    const std::string_view message = sqlite3_errmsg(c.handle());
    for (std::size_t i = 0; i < m.properties().size() && !repeated; ++i)
      if (message.ends_with(std::string(m.name()) + "." + std::string(m.property(i).name))) repeated = i;
  }
  if (repeated == m.id_index()) {
    constraint_failure refused(constraint_kind::duplicate_id, m.name());
    refused.operation = verb;
    refused.id = m.get(row, m.id_index());
    throw_constraint_failure(refused);
  }
  if (repeated) {
    if (const reflection_info* reflection = one_to_one(m, *repeated)) {
      // The statement failed, and the rows written before it in this write are still there: an earlier row of the
      // same bulk create may be the one that holds the key.
      const bool updating = verb == "update";
      statement holder(c, sql::holder_of(d, m, *repeated, updating), false);
      bind_member(holder, 1, m.property(*repeated), m.member(row, *repeated));
      if (updating) bind_member(holder, 2, m.id(), m.member(row, m.id_index()));
      std::optional<value> holder_id;
      if (holder.step()) holder_id = read_any(holder, 0);
      throw_constraint_failure(one_to_one_refusal(m, *repeated, *reflection, m.get(row, *repeated), holder_id));
    }
    constraint_failure refused(constraint_kind::duplicate_unique, m.name());
    refused.property = m.property(*repeated).name;
    refused.key = m.get(row, *repeated);
    throw_constraint_failure(refused);
  }
  throw_constraint_failure(unexplained_failure(verb, m.name(), m.id().name, std::nullopt, e.what()));
}

}  // namespace tether::detail::sqlite

#endif
