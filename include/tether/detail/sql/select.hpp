#ifndef TETHER_DETAIL_SQL_SELECT_HPP
#define TETHER_DETAIL_SQL_SELECT_HPP

/// @file
/// A checked `tether::query` as SQL: its predicate, SELECT and count. Every operand is a parameter, never text;
/// the clauses reproduce the memory connector's semantics (detail/memory/evaluate.hpp) on every dialect:
///   - a null property matches only `eq null`: `neq v` is `<> v`, `nin` adds `IS NOT NULL`;
///   - `inq []` matches nothing, `nin []` every non-null row; a null inside a list matches nothing;
///   - `like` compares bytes, case-sensitive, `\` escaping (detail/like.hpp);
///   - strings compare by order and sort as bytes;
///   - order: nulls first ascending (last descending), ties by id ascending; JSON properties do not sort.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/partition_paging.hpp>
#include <tether/detail/sql/dialect.hpp>
#include <tether/detail/sql/identifier.hpp>
#include <tether/detail/sql/statement_text.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail::sql {

/// The memory connector's pattern as a server's LIKE reads it: `\` before a character escapes it in both; a
/// lone trailing `\` is literal there and an error on the server, so it is escaped.
inline std::string escaped_like_pattern(const std::string& pattern) {
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

namespace predicate_detail {

inline bool is_null(const value& v) noexcept { return std::holds_alternative<std::nullptr_t>(v); }

/// `(?,?,...)` for the non-null values of a list, padded as the dialect asks; "" when none is left.
inline std::string value_list(const dialect& d, const predicate& p, value_kind kind, statement_text& out) {
  std::vector<const value*> present;
  present.reserve(p.values.size());
  for (const auto& v : p.values)
    if (!is_null(v)) present.push_back(&v);
  if (present.empty()) return {};
  const std::size_t padded = std::bit_ceil(present.size());
  if (out.operands.size() + padded <= d.list_limit) present.resize(padded, present.back());
  std::string text = "(";
  for (const value* v : present) {
    if (text.size() > 1) text += ',';
    out.operands.push_back({kind, v, nullptr, operand::no_pattern});
    statement_text::append_placeholder(d, text, out.operands.size());
  }
  return text + ")";
}

}  // namespace predicate_detail

inline void append_predicate(const dialect& d, const model_info& m, const predicate& p, statement_text& out) {
  if (p.op == operator_kind::and_ || p.op == operator_kind::or_) {
    if (p.children.empty()) {
      out.text += p.op == operator_kind::and_ ? d.true_literal : d.false_literal;
      return;
    }
    out.text += '(';
    for (std::size_t i = 0; i < p.children.size(); ++i) {
      if (i > 0) out.text += p.op == operator_kind::and_ ? " AND " : " OR ";
      append_predicate(d, m, p.children[i], out);
    }
    out.text += ')';
    return;
  }
  using predicate_detail::is_null;
  const stored_property& info = m.property(p.property);
  const std::string column = quote_identifier(info.name);
  const std::string ordered = info.kind == value_kind::string ? column + d.byte_order : column;
  const bool null_operand = !p.values.empty() && is_null(p.values[0]);
  if (p.op == operator_kind::eq && null_operand) {
    out.text += column + " IS NULL";
    return;
  }
  // An object property compares with nothing but null (the resolver refuses the rest).
  if (info.kind == value_kind::json) {
    out.text += d.false_literal;
    return;
  }
  const auto one = [&](const value& v) { out.parameter(d, {info.kind, &v, nullptr, operand::no_pattern}); };
  const auto compare = [&](const std::string& lhs, const char* sql_operator) {
    if (null_operand) {
      out.text += d.false_literal;
      return;
    }
    out.text += lhs + sql_operator;
    one(p.values[0]);
  };
  const bool array = d.key_lists == key_list_style::array;
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
      if (array) {
        out.text += column + " = ANY(";
        out.parameter(d, {info.kind, nullptr, &p.values, operand::no_pattern});
        out.text += ')';
      } else {
        const std::string values = predicate_detail::value_list(d, p, info.kind, out);
        out.text += values.empty() ? std::string(d.false_literal) : column + " IN " + values;
      }
      return;
    case operator_kind::nin:
      out.text += "(" + column + " IS NOT NULL";
      if (array) {
        out.text += " AND " + column + " <> ALL(";
        out.parameter(d, {info.kind, nullptr, &p.values, operand::no_pattern});
        out.text += ')';
      } else if (const std::string values = predicate_detail::value_list(d, p, info.kind, out); !values.empty()) {
        out.text += " AND " + column + " NOT IN " + values;
      }
      out.text += ')';
      return;
    case operator_kind::like:
    case operator_kind::nlike:
      if (info.kind != value_kind::string || null_operand) {
        out.text += d.false_literal;
        return;
      }
      if (p.op == operator_kind::nlike) out.text += "NOT ";
      if (d.like == like_style::tether_like) {
        out.text += "tether_like(" + column + ", ";
        one(p.values[0]);
        out.text += ')';
      } else {
        // LIKE on the UTF-8 bytes: text LIKE counts `_` in characters.
        out.text += "(convert_to(" + column + ", 'UTF8') LIKE convert_to(";
        out.patterns.push_back(escaped_like_pattern(std::get<std::string>(p.values[0])));
        out.parameter(d, {value_kind::string, nullptr, nullptr, out.patterns.size() - 1});
        out.text += ", 'UTF8'))";
      }
      return;
    case operator_kind::and_:
    case operator_kind::or_: return;
  }
}

inline void append_where(const dialect& d, const model_info& m, const query& q, statement_text& out) {
  if (!q.where) return;
  out.text += " WHERE ";
  append_predicate(d, m, *q.where, out);
}

/// SELECT of the given columns with where, and nothing after it.
inline statement_text select_where(const dialect& d, const model_info& m, const query& q,
                                   const std::vector<std::size_t>& columns) {
  statement_text out;
  out.text = "SELECT ";
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k > 0) out.text += ", ";
    append_identifier(out.text, m.property(columns[k]).name);
  }
  out.text += " FROM ";
  append_identifier(out.text, m.name());
  append_where(d, m, q, out);
  return out;
}

/// The sort of `q`: its terms, then the id (unless a term sorts by it), so ties come by id ascending.
inline void append_order(const dialect& d, const model_info& m, const query& q, std::string& text) {
  bool id_sorted = false;
  for (const auto& key : q.order) {
    const stored_property& info = m.property(key.property);
    if (info.kind == value_kind::json) continue;
    append_identifier(text, info.name);
    if (info.kind == value_kind::string) text += d.byte_order;
    text += key.descending ? " DESC" : " ASC";
    if (d.places_nulls) text += key.descending ? " NULLS LAST" : " NULLS FIRST";
    text += ", ";
    id_sorted = id_sorted || key.property == m.id_index();
  }
  if (id_sorted) text.resize(text.size() - 2);
  else append_identifier(text, m.id().name);
}

/// The name of the row number the per-partition SELECT pages by (no property may take it).
inline constexpr const char* partition_row_number = "tether_row_number";

/// `q` paged within each group of rows sharing the value of `q.partition` (see `query::partition`): the rows
/// numbered in the query's order within their group by a window function, then the numbers kept, one statement
/// for every group:
///   SELECT <columns> FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY "customerId" ORDER BY <order>, "id") AS
///   "tether_row_number" FROM "Order" WHERE ...) AS "tether_ranked" WHERE "tether_row_number" > <skip> AND
///   "tether_row_number" <= <skip> + <limit> ORDER BY <order>, "id"
/// The paging values are the parameters `select` would have for `LIMIT ... OFFSET ...`, in the same places, so a
/// connector binds them the same way: numbered placeholders use the skip's twice.
inline statement_text select_per_partition(const dialect& d, const model_info& m, const query& q,
                                           const std::vector<std::size_t>& columns) {
  statement_text out;
  out.text = "SELECT ";
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k > 0) out.text += ", ";
    append_identifier(out.text, m.property(columns[k]).name);
  }
  out.text += " FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ";
  append_identifier(out.text, m.property(*q.partition).name);
  out.text += " ORDER BY ";
  append_order(d, m, q, out.text);
  out.text += ") AS ";
  append_identifier(out.text, partition_row_number);
  out.text += " FROM ";
  append_identifier(out.text, m.name());
  append_where(d, m, q, out);
  out.text += ") AS ";
  append_identifier(out.text, "tether_ranked");
  out.text += " WHERE ";
  // The placeholder of paging parameter `number` (from 1, after the operands), which may stand twice in the text.
  const auto paging_parameter = [&](std::size_t number) {
    (out.text += d.placeholders == placeholder_style::numbered ? '$' : '?') += std::to_string(out.operands.size() + number);
  };
  const auto row_number = [&] { append_identifier(out.text, partition_row_number); };
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  if (!d.limit_in_text) {
    // `LIMIT ? OFFSET ?`'s two parameters: the limit (negative: none), then the skip.
    row_number();
    out.text += " > ";
    paging_parameter(2);
    if (q.limit) {
      out.text += " AND ";
      row_number();
      out.text += " <= ";
      paging_parameter(2);
      out.text += " + ";
      paging_parameter(1);
    }
  } else {
    // The limit is text, the skip a parameter when there is one.
    if (q.skip > 0) {
      row_number();
      out.text += " > ";
      paging_parameter(1);
    }
    if (q.limit) {
      if (q.skip > 0) out.text += " AND ";
      row_number();
      out.text += " <= ";
      if (q.skip > 0) {
        paging_parameter(1);
        out.text += " + ";
      }
      out.text += std::to_string(std::min(*q.limit, most));
    }
  }
  out.text += " ORDER BY ";
  append_order(d, m, q, out.text);
  return out;
}

/// SELECT of the given columns with where, order and paging. Paging as the dialect says: `LIMIT n` in the text
/// and `OFFSET` the parameter after the operands, or `LIMIT ? OFFSET ?` the two parameters after them; the
/// caller binds those. A query paged per partition is `select_per_partition`'s, with the same parameters.
inline statement_text select(const dialect& d, const model_info& m, const query& q,
                             const std::vector<std::size_t>& columns) {
  if (partition_paged(q)) return select_per_partition(d, m, q, columns);
  statement_text out = select_where(d, m, q, columns);
  out.text += " ORDER BY ";
  append_order(d, m, q, out.text);
  if (!d.limit_in_text) {
    if (q.limit || q.skip > 0) {
      out.text += " LIMIT ";
      statement_text::append_placeholder(d, out.text, out.operands.size() + 1);
      out.text += " OFFSET ";
      statement_text::append_placeholder(d, out.text, out.operands.size() + 2);
    }
    return out;
  }
  // Few distinct limits are used (1 for a relation load, page sizes); the skip varies with the page.
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  if (q.limit) out.text += " LIMIT " + std::to_string(std::min(*q.limit, most));
  if (q.skip > 0) {
    out.text += " OFFSET ";
    statement_text::append_placeholder(d, out.text, out.operands.size() + 1);
  }
  return out;
}

inline statement_text count(const dialect& d, const model_info& m, const query& q) {
  statement_text out;
  out.text = "SELECT count(*) FROM ";
  append_identifier(out.text, m.name());
  append_where(d, m, q, out);
  return out;
}

/// True for the shape of every relation load: every column, one property equal to a non-null value, no order,
/// no offset, at most a limit.
inline bool is_lookup(const model_info& m, const query& q) {
  if (!q.fields.empty() || !q.order.empty() || q.skip != 0 || q.partition || !q.where) return false;
  const predicate& p = *q.where;
  return p.op == operator_kind::eq && p.children.empty() && p.values.size() == 1 &&
         !std::holds_alternative<std::nullptr_t>(p.values[0]) && m.property(p.property).kind != value_kind::json;
}

/// A size_t as a bound integer, saturating (a limit beyond int64 means no limit).
inline std::int64_t bound_count(std::size_t n) noexcept {
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(n > most ? most : n);
}

}  // namespace tether::detail::sql

#endif
