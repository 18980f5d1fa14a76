#ifndef TETHER_DETAIL_POSTGRES_QUERY_SQL_HPP
#define TETHER_DETAIL_POSTGRES_QUERY_SQL_HPP

/// @file
/// A checked `tether::query` as PostgreSQL SQL with `$n` parameters. Every operand is a parameter, never text;
/// the clauses reproduce the memory connector's semantics (detail/memory/evaluate.hpp):
///   - a null property matches only `eq null`: `neq v` is `<> $n`, `nin` adds `IS NOT NULL`;
///   - `inq` is `= ANY($n)` and `nin` `<> ALL($n)` with the list as one array parameter (nulls in it match
///     nothing), so a list of any length is one parameter;
///   - `like` compares bytes, case-sensitive, `\` escaping (a lone trailing `\` is literal): LIKE on the UTF-8
///     bytes (`convert_to`), since text LIKE counts `_` in characters;
///   - strings compare and sort as bytes (COLLATE "C"), whatever the database's collation;
///   - order: nulls first ascending (last descending), ties by id ascending; JSON properties do not sort.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/sql/identifier.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// What a `$n` stands for: one operand, a list of them as an array, or a LIKE pattern rewritten for the server.
struct postgres_operand {
  value_kind kind = value_kind::integer;
  const value* single = nullptr;
  const std::vector<value>* list = nullptr;
  std::string pattern;
  bool is_pattern = false;
};

/// SQL text and the operands its `$1`, `$2`, ... stand for, in order.
struct postgres_sql {
  std::string text;
  std::vector<postgres_operand> operands;

  /// Appends `$n` for a new operand.
  void parameter(postgres_operand operand) {
    operands.push_back(std::move(operand));
    text += '$';
    text += std::to_string(operands.size());
  }
};

/// The memory connector's pattern as the server's: `\` before a character escapes it in both; a trailing lone
/// `\` is literal there and an error here, so it is escaped.
inline std::string postgres_like_pattern(const std::string& pattern) {
  std::string out;
  out.reserve(pattern.size() + 1);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    out += pattern[i];
    if (pattern[i] == '\\') {
      if (i + 1 < pattern.size()) out += pattern[++i];
      else out += '\\';
    }
  }
  return out;
}

inline void append_postgres_predicate(const model_info& m, const predicate& p, postgres_sql& out) {
  if (p.op == operator_kind::and_ || p.op == operator_kind::or_) {
    if (p.children.empty()) {
      out.text += p.op == operator_kind::and_ ? "TRUE" : "FALSE";
      return;
    }
    out.text += '(';
    for (std::size_t i = 0; i < p.children.size(); ++i) {
      if (i > 0) out.text += p.op == operator_kind::and_ ? " AND " : " OR ";
      append_postgres_predicate(m, p.children[i], out);
    }
    out.text += ')';
    return;
  }
  const property_info& info = m.property(p.property);
  const std::string column = quote_identifier(info.name);
  // Strings order as bytes, as on the memory connector.
  const std::string ordered = info.kind == value_kind::string ? column + " COLLATE \"C\"" : column;
  const auto is_null = [](const value& v) { return std::holds_alternative<std::nullptr_t>(v); };
  const bool null_operand = !p.values.empty() && is_null(p.values[0]);
  if (p.op == operator_kind::eq && null_operand) {
    out.text += column + " IS NULL";
    return;
  }
  // An object property compares with nothing but null (the resolver refuses the rest).
  if (info.kind == value_kind::json) {
    out.text += "FALSE";
    return;
  }
  const auto one = [&](const value& v) { out.parameter({info.kind, &v, nullptr, {}, false}); };
  auto compare = [&](const std::string& lhs, const char* sql_operator) {
    if (null_operand) {
      out.text += "FALSE";
      return;
    }
    out.text += lhs + sql_operator;
    one(p.values[0]);
  };
  switch (p.op) {
    case operator_kind::eq: compare(column, " = "); return;
    case operator_kind::neq:
      if (null_operand) out.text += column + " IS NOT NULL";
      else compare(column, " <> ");
      return;
    case operator_kind::gt: compare(ordered, " > "); return;
    case operator_kind::gte: compare(ordered, " >= "); return;
    case operator_kind::lt: compare(ordered, " < "); return;
    case operator_kind::lte: compare(ordered, " <= "); return;
    case operator_kind::between:
      out.text += ordered + " BETWEEN ";
      one(p.values[0]);
      out.text += " AND ";
      one(p.values[1]);
      return;
    case operator_kind::inq:
      out.text += column + " = ANY(";
      out.parameter({info.kind, nullptr, &p.values, {}, false});
      out.text += ')';
      return;
    case operator_kind::nin:
      out.text += "(" + column + " IS NOT NULL AND " + column + " <> ALL(";
      out.parameter({info.kind, nullptr, &p.values, {}, false});
      out.text += "))";
      return;
    case operator_kind::like:
    case operator_kind::nlike:
      if (info.kind != value_kind::string || null_operand) {
        out.text += "FALSE";
        return;
      }
      out.text += std::string(p.op == operator_kind::nlike ? "NOT " : "") + "(convert_to(" + column +
                  ", 'UTF8') LIKE convert_to(";
      out.parameter({value_kind::string, nullptr, nullptr,
                     postgres_like_pattern(std::get<std::string>(p.values[0])), true});
      out.text += ", 'UTF8'))";
      return;
    case operator_kind::and_:
    case operator_kind::or_: return;
  }
}

inline void append_postgres_where(const model_info& m, const query& q, postgres_sql& out) {
  if (!q.where) return;
  out.text += " WHERE ";
  append_postgres_predicate(m, *q.where, out);
}

/// SELECT of the given columns with where, order, LIMIT n when limited, and OFFSET $n (the last parameter)
/// when skipping.
inline postgres_sql postgres_select_sql(const model_info& m, const query& q, const std::vector<std::size_t>& columns) {
  postgres_sql out;
  out.text = "SELECT ";
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k > 0) out.text += ", ";
    append_identifier(out.text, m.property(columns[k]).name);
  }
  out.text += " FROM ";
  append_identifier(out.text, m.name());
  append_postgres_where(m, q, out);
  out.text += " ORDER BY ";
  bool id_sorted = false;
  for (const auto& key : q.order) {
    const property_info& info = m.property(key.property);
    if (info.kind == value_kind::json) continue;
    append_identifier(out.text, info.name);
    if (info.kind == value_kind::string) out.text += " COLLATE \"C\"";
    out.text += key.descending ? " DESC NULLS LAST, " : " ASC NULLS FIRST, ";
    id_sorted = id_sorted || key.property == m.id_index();
  }
  if (id_sorted) out.text.resize(out.text.size() - 2);
  else append_identifier(out.text, m.id().name);
  // The limit is part of the text: few distinct limits are used (1 for a relation load, page sizes), and the
  // server plans `LIMIT 1` much better than `LIMIT $n`; the skip varies with the page, so it is a parameter.
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  if (q.limit) out.text += " LIMIT " + std::to_string(std::min(*q.limit, most));
  if (q.skip > 0) out.text += " OFFSET $" + std::to_string(out.operands.size() + 1);
  return out;
}

inline postgres_sql postgres_count_sql(const model_info& m, const query& q) {
  postgres_sql out;
  out.text = "SELECT count(*) FROM ";
  append_identifier(out.text, m.name());
  append_postgres_where(m, q, out);
  return out;
}

}  // namespace tether::detail

#endif
