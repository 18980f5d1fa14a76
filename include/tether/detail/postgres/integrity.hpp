#ifndef TETHER_DETAIL_POSTGRES_INTEGRITY_HPP
#define TETHER_DETAIL_POSTGRES_INTEGRITY_HPP

/// @file
/// The server enforces the foreign keys and unique indexes and names the constraint it refused (the error field
/// PG_DIAG_CONSTRAINT_NAME). These functions find out the rest in the model's terms (which relation, which key,
/// which rows) from the row being written, the id being removed, the catalog and the tables, and report it as a
/// constraint_failure. They never read the server's message, which is in the server's language
/// (lc_messages). Constraints of other tables (a removal refused by a table that references this one) are
/// looked up in the catalog, so tables created by an earlier run count.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/constraint_failure.hpp>
#include <tether/detail/one_to_one.hpp>
#include <tether/detail/postgres/connection.hpp>
#include <tether/detail/postgres/error.hpp>
#include <tether/detail/postgres/schema.hpp>
#include <tether/detail/postgres/values.hpp>
#include <tether/detail/sql/identifier.hpp>
#include <tether/detail/sql/schema.hpp>
#include <tether/error.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail::postgres {

/// A foreign key constraint in the current schema.
struct foreign_key {
  std::string name;
  std::string table;          ///< the referencing table (model)
  std::string column;         ///< its key column
  std::string target_table;   ///< the referenced table
  std::string target_column;  ///< the referenced column
  std::string definition;     ///< as pg_get_constraintdef gives it: "FOREIGN KEY (...) REFERENCES ..."
  std::string id_column;      ///< the referencing table's primary key column ("" when it has none)
  std::string target_id_column;  ///< the referenced table's primary key column ("" when it has none)
  char on_delete = 'a';       ///< pg_constraint.confdeltype: 'a' no action, 'r' restrict, 'c' cascade, 'n' set null
};

/// The foreign keys of the current schema that reference `table`; or, when `constraint` is given, the one of that
/// name that `table` holds (the referencing table: a constraint's name is unique on its table only).
inline std::vector<foreign_key> foreign_keys(connection& c, const std::string& table,
                                             const std::string* constraint = nullptr) {
  const auto primary_key_of = [](const char* table) {
    return std::string("(SELECT pa.attname FROM pg_index i JOIN pg_attribute pa ON pa.attrelid = i.indrelid "
                       "AND pa.attnum = i.indkey[0] WHERE i.indrelid = ") +
           table + " AND i.indisprimary)";
  };
  const std::string sql =
      "SELECT k.conname, r.relname, a.attname, t.relname, ta.attname, pg_get_constraintdef(k.oid), " +
      primary_key_of("k.conrelid") + ", " + primary_key_of("k.confrelid") + ", k.confdeltype "
      "FROM pg_constraint k "
      "JOIN pg_class r ON r.oid = k.conrelid "
      "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
      "JOIN pg_class t ON t.oid = k.confrelid "
      "JOIN pg_attribute ta ON ta.attrelid = k.confrelid AND ta.attnum = k.confkey[1] "
      "WHERE k.contype = 'f' AND r.relnamespace = current_schema()::regnamespace AND " +
      std::string(constraint != nullptr ? "r.relname = $1 AND k.conname = $2" : "t.relname = $1") +
      " ORDER BY r.relname, k.conname";
  parameters params;
  add_text(params, table);
  if (constraint != nullptr) add_text(params, *constraint);
  const auto r = c.query_text(sql, params, "cannot read the foreign keys of " + table);
  std::vector<foreign_key> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({std::string(r.bytes(i, 0)), std::string(r.bytes(i, 1)), std::string(r.bytes(i, 2)),
                   std::string(r.bytes(i, 3)), std::string(r.bytes(i, 4)), std::string(r.bytes(i, 5)),
                   std::string(r.bytes(i, 6)), std::string(r.bytes(i, 7)), r.bytes(i, 8).front()});
  }
  return out;
}

inline bool table_exists(connection& c, const std::string& table) {
  parameters params;
  add_text(params, table);
  return c
             .query_text("SELECT 1 FROM pg_class WHERE relname = $1 AND relkind IN ('r', 'p') "
                         "AND relnamespace = current_schema()::regnamespace",
                         params, "cannot look up table " + table)
             .rows() > 0;
}

inline bool index_exists(connection& c, const std::string& index) {
  parameters params;
  add_text(params, index);
  return c
             .query_text("SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = 'i' "
                         "AND relnamespace = current_schema()::regnamespace",
                         params, "cannot look up index " + index)
             .rows() > 0;
}

/// A value of a text result, by its column's type: integers, reals and booleans as such, anything else as its
/// text (keys and ids are integers or strings).
inline value text_value(const result& r, int row, int column) {
  if (r.is_null(row, column)) return nullptr;
  const std::string_view text = r.bytes(row, column);
  const auto number = [&](auto parsed) -> value {
    const auto [end, failed] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (failed != std::errc{} || end != text.data() + text.size()) return std::string(text);
    return parsed;
  };
  switch (r.type(column)) {
    case oid::int2:
    case oid::int4:
    case oid::int8:
      return number(std::int64_t{});
    case oid::float4:
    case oid::float8:
      return number(0.0);
    case oid::boolean:
      return text == "t";
    default:
      return std::string(text);
  }
}

/// `key` as the text PostgreSQL casts it to (`column::text`), to compare with keys of any column type.
inline std::string key_text(const value& key) {
  if (const auto* text = std::get_if<std::string>(&key)) return *text;
  if (const auto* number = std::get_if<std::int64_t>(&key)) return std::to_string(*number);
  return describe(key);
}

/// The values as one text[] parameter.
inline void add_texts(parameters& params, const std::vector<std::string>& texts) {
  std::vector<value> values(texts.begin(), texts.end());
  add_operand_array(params, values, value_kind::string);
}

/// Gives m's table the unique index of each one-to-one key it lacks (a table made before the has_one was
/// declared), refusing, with the key, when rows already share one. Asked before the index is made: a failed
/// CREATE INDEX would abort the transaction the migration runs in, leaving no way to ask which key.
inline void add_one_to_one_indexes(connection& c, const model_info& m,
                                   const std::function<void(const std::string&)>& migrate) {
  for (const auto& index : sql::one_to_one_indexes(postgres::dialect, m)) {
    if (index_exists(c, index.name)) continue;
    parameters none;
    const auto repeated = c.query_text(sql::repeated_value(m.name(), m.property(index.property).name), none,
                                       "cannot look for keys " + std::string(m.name()) + " rows share");
    if (repeated.rows() > 0)
      throw_constraint_failure(one_to_one_duplicates(m, index.property, *index.reflection, text_value(repeated, 0, 0)));
    migrate(index.sql);
  }
}

/// The rows a removal reaches: the removed one and, through the ON DELETE CASCADE foreign keys of the catalog,
/// every row below it. Ids as text, by table.
using removal = std::map<std::string, std::set<std::string>>;

inline removal rows_removed(connection& c, const std::string& table,
                            const std::string& id_column, const value& id) {
  removal reached;
  reached[table].insert(key_text(id));
  struct step {
    std::string table;
    std::string id_column;
    std::vector<std::string> ids;
  };
  std::vector<step> pending{{table, id_column, {key_text(id)}}};
  while (!pending.empty()) {
    const step at = std::move(pending.back());
    pending.pop_back();
    for (const auto& k : foreign_keys(c, at.table)) {
      if (k.on_delete != 'c' || k.id_column.empty()) continue;
      parameters params;
      add_texts(params, at.ids);
      const auto r = c.query_text("SELECT " + quote_identifier(k.id_column) + "::text FROM " +
                                      quote_identifier(k.table) + " WHERE " + quote_identifier(k.column) +
                                      " IN (SELECT " + quote_identifier(k.target_column) + " FROM " +
                                      quote_identifier(at.table) + " WHERE " + quote_identifier(at.id_column) +
                                      "::text = ANY($1))",
                                  params, "cannot read the rows a removal cascades to");
      step next{k.table, k.id_column, {}};
      for (int i = 0; i < r.rows(); ++i) {
        std::string cascaded(r.bytes(i, 0));
        if (reached[k.table].insert(cascaded).second) next.ids.push_back(std::move(cascaded));
      }
      if (!next.ids.empty()) pending.push_back(std::move(next));
    }
  }
  return reached;
}

/// Reports a refused removal of m's row `id`: a restrict (here, or below a cascade) that rows still need. The
/// server names the foreign key it enforced; which row of its target could not go, and which rows hold on to
/// it, is asked of the tables, among the rows the removal reaches.
[[noreturn]] inline void explain_removal(connection& c, const model_info& m, const value& id,
                                         const constraint_violation& e) {
  const cascade_origin origin{std::string(m.name()), std::string(m.id().name), id};
  const auto keys = e.sqlstate() == "23503" ? foreign_keys(c, e.table(), &e.constraint())
                                            : std::vector<foreign_key>{};
  if (!keys.empty() && !keys.front().id_column.empty()) {
    const auto& k = keys.front();
    const auto reached = rows_removed(c, origin.model, origin.id_property, id);
    const auto& target_id = k.target_id_column;
    const auto blocked = reached.find(k.target_table);
    if (!target_id.empty() && blocked != reached.end()) {
      // The first row of the target that the removal reaches and rows outside it reference.
      const auto referencing = reached.find(k.table);
      parameters params;
      add_texts(params, {blocked->second.begin(), blocked->second.end()});
      add_texts(params, referencing == reached.end()
                            ? std::vector<std::string>{}
                            : std::vector<std::string>{referencing->second.begin(), referencing->second.end()});
      const std::string target_key = "t." + quote_identifier(k.target_column);
      const std::string target_row = "t." + quote_identifier(target_id);
      const std::string referrer = "r." + quote_identifier(k.id_column);
      const auto r = c.query_text(
          "SELECT " + target_key + ", " + target_row + "::text, " + referrer + ", count(*) OVER (PARTITION BY " +
              target_row + ") FROM " + quote_identifier(k.target_table) + " t JOIN " + quote_identifier(k.table) +
              " r ON r." + quote_identifier(k.column) + " = " + target_key + " WHERE " + target_row +
              "::text = ANY($1) AND NOT " + referrer + "::text = ANY($2) ORDER BY " + target_row + ", " + referrer +
              " LIMIT 1",
          params, "cannot read the rows that reference " + k.target_table);
      if (r.rows() > 0) {
        constraint_failure refused(constraint_kind::still_referenced, k.target_table);
        refused.property = k.target_column;
        refused.key = text_value(r, 0, 0);
        const auto count = std::get<std::int64_t>(text_value(r, 0, 3));
        refused.referring = referring_rows{k.table, k.column, k.id_column, text_value(r, 0, 2),
                                           static_cast<std::size_t>(count)};
        if (k.target_table != origin.model || std::string(r.bytes(0, 1)) != key_text(id))
          refused.cascaded_from = origin;
        refused.constraint = k.name;
        throw_constraint_failure(refused);
      }
    }
  }
  throw_constraint_failure(unexplained_failure("remove", origin.model, origin.id_property, id, e.what()));
}

/// The row of a refused create the server refused: of a batch, the first row whose key matches no target (a
/// foreign key), or whose value a stored row or an earlier row of the batch has (the id, a unique property).
inline const void* culprit(connection& c, const model_info& m, row_span rows,
                           const constraint_violation& e) {
  if (rows.size() == 1) return rows[0];
  const std::string model(m.name());
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    const stored_property& p = m.property(i);
    const bool dangling = e.sqlstate() == "23503" && p.relation != nullptr && p.relation->enforced &&
                          foreign_key_name(m, i) == e.constraint();
    const bool repeated = e.sqlstate() == "23505" && (i == m.id_index() ? primary_key_name(m)
                                                      : index_name(model, p.name, true)) ==
                                                         e.constraint();
    if (!dangling && !repeated) continue;
    std::vector<value> keys;
    for (std::size_t r = 0; r < rows.size(); ++r) keys.push_back(m.get(rows[r], i));
    // The keys the table in question holds: the relation's target for a foreign key, m's own for a repeat.
    const model_info& holder = dangling ? p.relation->target() : m;
    const std::string column(dangling ? holder.property(p.relation->target_property).name : p.name);
    parameters params;
    add_operand_array(params, keys, p.kind);
    const auto r = c.query_text("SELECT " + quote_identifier(column) + " FROM " + quote_identifier(holder.name()) +
                                    " WHERE " + quote_identifier(column) + " = ANY($1)",
                                params, "cannot look for the row " + model + " was refused for");
    std::unordered_set<std::string> held;  // the keys, as describe() shows them
    for (int k = 0; k < r.rows(); ++k) held.insert(describe(text_value(r, k, 0)));
    // A row of the batch may be the target of another's key (a self-reference), as the server checks it.
    if (dangling && &holder == &m) {
      for (std::size_t row = 0; row < rows.size(); ++row)
        held.insert(describe(m.get(rows[row], p.relation->target_property)));
    }
    // An id the server is to generate (0) is no repeat.
    const bool generated = i == m.id_index() && m.id().generated;
    for (std::size_t row = 0; row < rows.size(); ++row) {
      if (std::holds_alternative<std::nullptr_t>(keys[row])) continue;
      if (generated && keys[row] == value{std::int64_t{0}}) continue;
      std::string key = describe(keys[row]);
      const bool known = held.contains(key);
      if (dangling ? !known : known) return rows[row];
      if (repeated) held.insert(std::move(key));
    }
  }
  return rows[0];
}

/// Reports a refused insert or update of `row`, a row of m, from the constraint the server names.
[[noreturn]] inline void explain_write(connection& c, const model_info& m, const void* row,
                                       const constraint_violation& e, std::string_view verb) {
  const std::string model(m.name());
  if (e.sqlstate() == "23503") {
    // One of the row's own keys matches no target...
    for (std::size_t i = 0; i < m.properties().size(); ++i) {
      const stored_property& p = m.property(i);
      if (p.relation == nullptr || foreign_key_name(m, i) != e.constraint()) continue;
      const model_info& target = p.relation->target();
      constraint_failure refused(constraint_kind::dangling_key, model);
      refused.property = p.name;
      refused.key = m.get(row, i);
      refused.relation = p.relation->name;
      refused.target_model = target.name();
      refused.target_property = target.property(p.relation->target_property).name;
      refused.constraint = e.constraint();
      throw_constraint_failure(refused);
    }
    // ...or the update changes a property that rows of another table reference.
    const auto keys = foreign_keys(c, e.table(), &e.constraint());
    if (!keys.empty() && keys.front().target_table == model) {
      const auto& k = keys.front();
      constraint_failure refused(constraint_kind::referenced_changed, model);
      refused.property = k.target_column;
      refused.id = m.get(row, m.id_index());
      refused.referring = referring_rows{k.table, k.column, k.id_column, std::nullopt, 0};
      refused.constraint = k.name;
      throw_constraint_failure(refused);
    }
  }
  if (e.sqlstate() == "23505") {
    for (std::size_t i = 0; i < m.properties().size(); ++i) {
      if (i == m.id_index() && e.constraint() == primary_key_name(m)) {
        constraint_failure refused(constraint_kind::duplicate_id, model);
        refused.operation = verb;
        refused.id = m.get(row, i);
        refused.constraint = e.constraint();
        throw_constraint_failure(refused);
      }
      if (index_name(model, m.property(i).name, true) != e.constraint()) continue;
      if (const reflection_info* reflection = one_to_one(m, i)) {
        // The refused statement was undone (a savepoint or the write's own transaction), so the holder is a row
        // written before it; of a bulk create refused as a whole, it may be an earlier row of the batch, no
        // longer in the table.
        const bool updating = verb == "update";
        parameters params;
        add_member(params, m.property(i), m.member(row, i));
        if (updating) add_member(params, m.id(), m.member(row, m.id_index()));
        const auto holder = c.query_text(sql::holder_of(postgres::dialect, m, i, updating), params,
                                         "cannot look for the row that holds " + model + "." +
                                             std::string(m.property(i).name));
        std::optional<value> holder_id;
        if (holder.rows() > 0) holder_id = text_value(holder, 0, 0);
        auto refused = one_to_one_refusal(m, i, *reflection, m.get(row, i), std::move(holder_id));
        refused.constraint = e.constraint();
        throw_constraint_failure(refused);
      }
      constraint_failure refused(constraint_kind::duplicate_unique, model);
      refused.property = m.property(i).name;
      refused.key = m.get(row, i);
      refused.constraint = e.constraint();
      throw_constraint_failure(refused);
    }
  }
  throw_constraint_failure(unexplained_failure(verb, model, m.id().name, m.get(row, m.id_index()), e.what()));
}

/// Refuses to drop `table` while rows of another table reference its rows. Returns the statements that put
/// back the other tables' foreign keys to it, which dropping removes (DROP ... CASCADE).
inline std::vector<std::string> check_drop(connection& c, const std::string& table) {
  std::vector<std::string> restore;
  if (!table_exists(c, table)) return restore;
  for (const auto& k : foreign_keys(c, table)) {
    if (k.table == table) continue;
    parameters none;
    const auto r = c.query_text("SELECT " + quote_identifier(k.column) + " FROM " + quote_identifier(k.table) +
                                    " WHERE " + quote_identifier(k.column) + " IN (SELECT " +
                                    quote_identifier(k.target_column) + " FROM " + quote_identifier(table) +
                                    ") LIMIT 1",
                                none, "cannot check the rows that reference " + table);
    if (r.rows() > 0) {
      constraint_failure refused(constraint_kind::drop_refused, table);
      refused.key = text_value(r, 0, 0);
      refused.referring = referring_rows{k.table, k.column, k.id_column, std::nullopt, 0};
      refused.constraint = k.name;
      throw_constraint_failure(refused);
    }
    restore.push_back("ALTER TABLE " + quote_identifier(k.table) + " ADD CONSTRAINT " + quote_identifier(k.name) +
                      " " + k.definition);
  }
  return restore;
}

}  // namespace tether::detail::postgres

#endif
