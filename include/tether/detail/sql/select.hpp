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
#include <tether/detail/config.hpp>
#include <tether/detail/partition_paging.hpp>
#include <tether/detail/sql/dialect.hpp>
#include <tether/detail/sql/identifier.hpp>
#include <tether/detail/sql/statement_text.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail::sql {

/// The memory connector's pattern as a server's LIKE reads it: `\` before a character escapes it in both; a
/// lone trailing `\` is literal there and an error on the server, so it is escaped.
TETHER_DECL std::string escaped_like_pattern(const std::string& pattern);

namespace predicate_detail {

inline bool is_null(const value& v) noexcept { return std::holds_alternative<std::nullptr_t>(v); }

/// `(?,?,...)` for the non-null values of a list, padded as the dialect asks; "" when none is left.
TETHER_DECL std::string value_list(const dialect& d, const predicate& p, value_kind kind, statement_text& out);

}  // namespace predicate_detail

TETHER_DECL void append_predicate(const dialect& d, const model_info& m, const predicate& p, statement_text& out);

inline void append_where(const dialect& d, const model_info& m, const query& q, statement_text& out) {
  if (!q.where) return;
  out.text += " WHERE ";
  append_predicate(d, m, *q.where, out);
}

/// The given columns, comma-separated.
inline void append_columns(const model_info& m, const std::vector<std::size_t>& columns, std::string& text) {
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k > 0) text += ", ";
    append_identifier(text, m.property(columns[k]).name);
  }
}

/// SELECT of the given columns with where, and nothing after it.
inline statement_text select_where(const dialect& d, const model_info& m, const query& q,
                                   const std::vector<std::size_t>& columns) {
  statement_text out;
  out.text = "SELECT ";
  append_columns(m, columns, out.text);
  out.text += " FROM ";
  append_identifier(out.text, m.name());
  append_where(d, m, q, out);
  return out;
}

/// The sort of `q`: its terms, then the id (unless a term sorts by it), so ties come by id ascending.
TETHER_DECL void append_order(const dialect& d, const model_info& m, const query& q, std::string& text);

/// The name of the row number the per-partition SELECT pages by (no property may take it).
inline constexpr const char* partition_row_number = "tether_row_number";

/// `q` paged within each group of rows sharing the value of `q.partition` (see `query::partition`): the rows
/// numbered in the query's order within their group by a window function, then the numbers kept, one statement
/// for every group:
///   SELECT <columns> FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY "customerId" ORDER BY <order>, "id") AS
///   "tether_row_number" FROM "Order" WHERE ...) AS "tether_ranked" WHERE "tether_row_number" > <skip> AND
///   "tether_row_number" - <skip> <= <limit> ORDER BY <order>, "id"
/// The paging values are the parameters `select` would have for `LIMIT ... OFFSET ...`, in the same places, so a
/// connector binds them the same way: numbered placeholders use the skip's twice.
TETHER_DECL statement_text select_per_partition(const dialect& d, const model_info& m, const query& q,
                                                const std::vector<std::size_t>& columns);

/// SELECT of the given columns with where, order and paging. Paging as the dialect says: `LIMIT n` in the text
/// and `OFFSET` the parameter after the operands, or `LIMIT ? OFFSET ?` the two parameters after them; the
/// caller binds those. A query paged per partition is `select_per_partition`'s, with the same parameters.
TETHER_DECL statement_text select(const dialect& d, const model_info& m, const query& q,
                                  const std::vector<std::size_t>& columns);

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

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/sql/impl/select.ipp>
#endif

#endif
