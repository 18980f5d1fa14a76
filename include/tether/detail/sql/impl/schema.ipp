#ifndef TETHER_DETAIL_SQL_IMPL_SCHEMA_IPP
#define TETHER_DETAIL_SQL_IMPL_SCHEMA_IPP

// The out-of-line definitions of <tether/detail/sql/schema.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/sql/schema.hpp>

namespace tether::detail::sql {

TETHER_DECL std::string column_definition(const dialect& d, const model_info& m, std::size_t index, bool adding) {
  const stored_property& info = m.property(index);
  std::string sql = quote_identifier(info.name);
  sql += ' ';
  sql += d.column_type(info.kind);
  if (info.is_id) {
    sql += info.kind == value_kind::integer ? d.generated_id : d.given_id;
    return sql;
  }
  if (!info.nullable) {
    sql += " NOT NULL";
    if (adding) sql += std::string(" DEFAULT ") + d.column_default(info.kind);
  }
  if (const relation_info* relation = info.relation; relation != nullptr && relation->enforced) {
    const model_info& target = relation->target();
    if (d.names_foreign_keys) {
      sql += " CONSTRAINT ";
      append_identifier(sql, foreign_key_name(d, m, index));
    }
    sql += " REFERENCES ";
    append_identifier(sql, target.name());
    sql += " (";
    append_identifier(sql, target.property(relation->target_property).name);
    sql += ") ON DELETE ";
    sql += delete_action_sql(relation->on_delete);
  }
  return sql;
}

TETHER_DECL std::vector<index> target_indexes(const dialect& d, const model_info& m) {
  std::vector<index> out;
  for (const auto& p : m.properties()) {
    if (p.relation == nullptr) continue;
    const model_info& target = p.relation->target();
    if (p.relation->target_property == target.id_index()) continue;
    out.push_back(
        {target.name(), create_index(d, target.name(), target.property(p.relation->target_property).name, true)});
  }
  return out;
}

TETHER_DECL std::vector<one_to_one_index> one_to_one_indexes(const dialect& d, const model_info& m) {
  std::vector<one_to_one_index> out;
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    if (const reflection_info* reflection = one_to_one(m, i)) {
      const std::string_view column = m.property(i).name;
      out.push_back({i, reflection, index_name(d, m.name(), column, true), create_index(d, m.name(), column, true)});
    }
  }
  return out;
}

TETHER_DECL std::string holder_of(const dialect& d, const model_info& m, std::size_t index, bool other_than_id) {
  const std::string id = quote_identifier(m.id().name);
  std::string sql = "SELECT " + id + " FROM " + quote_identifier(m.name()) + " WHERE " +
                    quote_identifier(m.property(index).name) + " = ";
  statement_text::append_placeholder(d, sql, 1);
  if (other_than_id) {
    sql += " AND " + id + " <> ";
    statement_text::append_placeholder(d, sql, 2);
  }
  return sql + " ORDER BY " + id + " LIMIT 1";
}

}  // namespace tether::detail::sql

#endif
