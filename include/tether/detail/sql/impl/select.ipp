#ifndef TETHER_DETAIL_SQL_IMPL_SELECT_IPP
#define TETHER_DETAIL_SQL_IMPL_SELECT_IPP

// The out-of-line definitions of <tether/detail/sql/select.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/sql/select.hpp>

namespace tether::detail::sql {

TETHER_DECL std::string escaped_like_pattern(const std::string& pattern) {
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

}  // namespace tether::detail::sql

namespace tether::detail::sql {
namespace predicate_detail {

TETHER_DECL std::string value_list(const dialect& d, const predicate& p, value_kind kind, statement_text& out) {
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
}  // namespace tether::detail::sql

namespace tether::detail::sql {

TETHER_DECL void append_predicate(const dialect& d, const model_info& m, const predicate& p, statement_text& out) {
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

TETHER_DECL void append_order(const dialect& d, const model_info& m, const query& q, std::string& text) {
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

TETHER_DECL statement_text select_per_partition(const dialect& d, const model_info& m, const query& q,
                                                const std::vector<std::size_t>& columns) {
  statement_text out;
  out.text = "SELECT ";
  append_columns(m, columns, out.text);
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
    out.text += d.placeholders == placeholder_style::numbered ? '$' : '?';
    out.text += std::to_string(out.operands.size() + number);
  };
  const auto row_number = [&] { append_identifier(out.text, partition_row_number); };
  // Past the skip, then within the limit counted from the skip (no sum that could overflow a huge limit).
  const auto within_limit = [&](const auto& skip, const auto& limit) {
    row_number();
    out.text += " > ";
    skip();
    out.text += " AND ";
    row_number();
    out.text += " - ";
    skip();
    out.text += " <= ";
    limit();
  };
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  if (!d.limit_in_text) {
    // `LIMIT ? OFFSET ?`'s two parameters: the limit (negative: none), then the skip.
    if (q.limit) {
      within_limit([&] { paging_parameter(2); }, [&] { paging_parameter(1); });
    } else {
      row_number();
      out.text += " > ";
      paging_parameter(2);
    }
  } else if (q.skip == 0) {
    // The limit is text, the skip a parameter when there is one.
    row_number();
    out.text += " <= " + std::to_string(std::min(*q.limit, most));
  } else if (q.limit) {
    within_limit([&] { paging_parameter(1); }, [&] { out.text += std::to_string(std::min(*q.limit, most)); });
  } else {
    row_number();
    out.text += " > ";
    paging_parameter(1);
  }
  out.text += " ORDER BY ";
  append_order(d, m, q, out.text);
  return out;
}

TETHER_DECL statement_text select(const dialect& d, const model_info& m, const query& q,
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

}  // namespace tether::detail::sql

#endif
