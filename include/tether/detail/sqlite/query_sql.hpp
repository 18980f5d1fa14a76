#ifndef TETHER_DETAIL_SQLITE_QUERY_SQL_HPP
#define TETHER_DETAIL_SQLITE_QUERY_SQL_HPP

/// @file
/// A checked `tether::query` as SQLite SQL. Every operand is a parameter, never text; the clauses reproduce the
/// memory connector's semantics (detail/memory/evaluate.hpp) exactly:
///   - a null property matches only `eq null`: `neq v` is `<> ?`, `nin` adds `IS NOT NULL`;
///   - `inq []` matches nothing, `nin []` every non-null row; a null inside a list matches nothing;
///   - `like` is `tether_like`, the memory connector's matcher (bytes, case-sensitive, `\` escapes);
///   - order: nulls first ascending (last descending), ties by id ascending; JSON properties do not sort.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/sql/columns.hpp>
#include <tether/detail/sql/identifier.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// SQL text and the operands its `?` stand for, in order.
struct sqlite_sql {
  std::string text;
  std::vector<const value*> operands;
};

inline void append_predicate(const model_info& m, const predicate& p, sqlite_sql& out) {
  if (p.op == operator_kind::and_ || p.op == operator_kind::or_) {
    if (p.children.empty()) {
      out.text += p.op == operator_kind::and_ ? "1" : "0";
      return;
    }
    out.text += '(';
    for (std::size_t i = 0; i < p.children.size(); ++i) {
      if (i > 0) out.text += p.op == operator_kind::and_ ? " AND " : " OR ";
      append_predicate(m, p.children[i], out);
    }
    out.text += ')';
    return;
  }
  const stored_property& info = m.property(p.property);
  const std::string column = quote_identifier(info.name);
  const auto is_null = [](const value& v) { return std::holds_alternative<std::nullptr_t>(v); };
  const bool null_operand = !p.values.empty() && is_null(p.values[0]);
  if (p.op == operator_kind::eq && null_operand) {
    out.text += column + " IS NULL";
    return;
  }
  // An object property compares with nothing but null (the resolver refuses the rest).
  if (info.kind == value_kind::json) {
    out.text += '0';
    return;
  }
  auto compare = [&](const char* sql_operator) {
    if (null_operand) {
      out.text += '0';
      return;
    }
    out.text += column + sql_operator + "?";
    out.operands.push_back(&p.values[0]);
  };
  auto list = [&] {
    std::string text = "(";
    for (const auto& v : p.values) {
      if (is_null(v)) continue;
      if (text.size() > 1) text += ',';
      text += '?';
      out.operands.push_back(&v);
    }
    return text + ")";
  };
  switch (p.op) {
    case operator_kind::eq: compare(" = "); return;
    case operator_kind::neq:
      if (null_operand) out.text += column + " IS NOT NULL";
      else compare(" <> ");
      return;
    case operator_kind::gt: compare(" > "); return;
    case operator_kind::gte: compare(" >= "); return;
    case operator_kind::lt: compare(" < "); return;
    case operator_kind::lte: compare(" <= "); return;
    case operator_kind::between:
      out.text += column + " BETWEEN ? AND ?";
      out.operands.push_back(&p.values[0]);
      out.operands.push_back(&p.values[1]);
      return;
    case operator_kind::inq: {
      const std::string values = list();
      out.text += values == "()" ? "0" : column + " IN " + values;
      return;
    }
    case operator_kind::nin: {
      const std::string values = list();
      out.text += "(" + column + " IS NOT NULL";
      if (values != "()") out.text += " AND " + column + " NOT IN " + values;
      out.text += ')';
      return;
    }
    case operator_kind::like:
    case operator_kind::nlike:
      if (info.kind != value_kind::string || null_operand) {
        out.text += '0';
        return;
      }
      out.text += std::string(p.op == operator_kind::nlike ? "NOT " : "") + "tether_like(" + column + ", ?)";
      out.operands.push_back(&p.values[0]);
      return;
    case operator_kind::and_:
    case operator_kind::or_: return;
  }
}

inline void append_where(const model_info& m, const query& q, sqlite_sql& out) {
  if (!q.where) return;
  out.text += " WHERE ";
  append_predicate(m, *q.where, out);
}

/// SELECT of the given columns with where, and nothing after it.
inline sqlite_sql select_where_sql(const model_info& m, const query& q, const std::vector<std::size_t>& columns) {
  sqlite_sql out;
  out.text = "SELECT ";
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k > 0) out.text += ", ";
    append_identifier(out.text, m.property(columns[k]).name);
  }
  out.text += " FROM ";
  append_identifier(out.text, m.name());
  append_where(m, q, out);
  return out;
}

/// SELECT of the given columns with where, order, and LIMIT ? OFFSET ? (the last two parameters) when paged.
inline sqlite_sql select_sql(const model_info& m, const query& q, const std::vector<std::size_t>& columns) {
  sqlite_sql out = select_where_sql(m, q, columns);
  out.text += " ORDER BY ";
  bool id_sorted = false;
  for (const auto& key : q.order) {
    const stored_property& info = m.property(key.property);
    if (info.kind == value_kind::json) continue;
    append_identifier(out.text, info.name);
    out.text += key.descending ? " DESC, " : " ASC, ";
    id_sorted = id_sorted || key.property == m.id_index();
  }
  if (id_sorted) out.text.resize(out.text.size() - 2);
  else append_identifier(out.text, m.id().name);
  if (q.limit || q.skip > 0) out.text += " LIMIT ? OFFSET ?";
  return out;
}

/// True for the shape of every relation load: every column, one property equal to a non-null value, no order,
/// no offset, at most a limit.
inline bool is_lookup(const model_info& m, const query& q) {
  if (!q.fields.empty() || !q.order.empty() || q.skip != 0 || !q.where) return false;
  const predicate& p = *q.where;
  return p.op == operator_kind::eq && p.children.empty() && p.values.size() == 1 &&
         !std::holds_alternative<std::nullptr_t>(p.values[0]) && m.property(p.property).kind != value_kind::json;
}

inline sqlite_sql count_sql(const model_info& m, const query& q) {
  sqlite_sql out;
  out.text = "SELECT count(*) FROM ";
  append_identifier(out.text, m.name());
  append_where(m, q, out);
  return out;
}

/// A lookup's SQL (see `sqlite_model_sql`): by the id, at most one row can match, so the text has no ORDER BY
/// and no LIMIT (`paged` is false, and the caller binds no limit); by another property it keeps them when the
/// query has a limit.
struct lookup_statement {
  const std::string& text;
  bool paged;
  std::size_t index;  ///< of the text among the model's lookups (0 to 2 * properties - 1), for a memo per text
};

/// The SQL of one model that no query shapes: its writes, and the lookup of every property, with a limit and
/// without. Built once per model on its first use and kept by the connector, so a write or a relation's load
/// builds no SQL (and, through the connector's statement slots, does not even hash a text to find its
/// prepared statement).
class sqlite_model_sql {
public:
  explicit sqlite_model_sql(const model_info& m)
      : insert_(insert_sql(m)), update_(update_sql(m)), remove_(remove_sql(m)), id_(m.id_index()) {
    const std::size_t count = m.properties().size();
    lookups_.resize(2 * count);
    const value placeholder = std::int64_t{0};  // never bound: only the text is kept
    for (std::size_t i = 0; i < count; ++i) {
      query q;
      q.where = predicate{i, operator_kind::eq, {placeholder}, {}};
      const auto columns = selected_properties(m, q);
      if (i == id_) {
        lookups_[2 * i] = lookups_[2 * i + 1] = select_where_sql(m, q, columns).text;
        continue;
      }
      lookups_[2 * i] = select_sql(m, q, columns).text;
      q.limit = 1;
      lookups_[2 * i + 1] = select_sql(m, q, columns).text;
    }
  }

  /// Binds every property, in declaration order.
  [[nodiscard]] const std::string& insert() const noexcept { return insert_; }
  /// Binds every property but the id, in declaration order, then the id.
  [[nodiscard]] const std::string& update() const noexcept { return update_; }
  /// Binds the id.
  [[nodiscard]] const std::string& remove() const noexcept { return remove_; }
  /// Reads every property, column i into property i; binds the key, then a limit and an offset when paged.
  [[nodiscard]] lookup_statement lookup(std::size_t property, bool limited) const noexcept {
    const std::size_t index = 2 * property + (limited ? 1 : 0);
    return {lookups_[index], limited && property != id_, index};
  }
  [[nodiscard]] std::size_t lookup_count() const noexcept { return lookups_.size(); }

private:
  static std::string insert_sql(const model_info& m) {
    std::string columns;
    std::string values;
    for (std::size_t i = 0; i < m.properties().size(); ++i) {
      if (i > 0) {
        columns += ", ";
        values += ", ";
      }
      append_identifier(columns, m.property(i).name);
      values += '?';
    }
    return "INSERT INTO " + quote_identifier(m.name()) + " (" + columns + ") VALUES (" + values + ")";
  }

  static std::string update_sql(const model_info& m) {
    std::string sql = "UPDATE " + quote_identifier(m.name()) + " SET ";
    bool first = true;
    for (std::size_t i = 0; i < m.properties().size(); ++i) {
      if (i == m.id_index()) continue;
      if (!first) sql += ", ";
      first = false;
      append_identifier(sql, m.property(i).name);
      sql += " = ?";
    }
    const std::string id = quote_identifier(m.id().name);
    if (first) sql += id + " = " + id;  // a model of an id alone: the update only asks whether the row exists
    return sql + " WHERE " + id + " = ?";
  }

  static std::string remove_sql(const model_info& m) {
    return "DELETE FROM " + quote_identifier(m.name()) + " WHERE " + quote_identifier(m.id().name) + " = ?";
  }

  std::string insert_;
  std::string update_;
  std::string remove_;
  std::size_t id_;
  std::vector<std::string> lookups_;
};

/// A size_t as a SQLite integer, saturating (a limit beyond int64 means no limit).
inline std::int64_t sqlite_count(std::size_t n) noexcept {
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(n > most ? most : n);
}

}  // namespace tether::detail

#endif
