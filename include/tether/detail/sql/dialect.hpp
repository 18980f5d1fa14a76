#ifndef TETHER_DETAIL_SQL_DIALECT_HPP
#define TETHER_DETAIL_SQL_DIALECT_HPP

/// @file
/// What a SQL connector's server says differently: the one SQL builder (detail/sql/) writes every statement
/// from a model and a query and asks the dialect only how to spell its parameters, literals and column types.
/// Each SQL connector describes its server in one constant (detail/sqlite/dialect.hpp,
/// detail/postgres/dialect.hpp); nothing else about SQL is written per connector.

#include <cstddef>

#include <tether/model.hpp>

namespace tether::detail::sql {

/// How a parameter stands in the text.
enum class placeholder_style {
  question_mark,  ///< `?`
  numbered,       ///< `$1`, `$2`, ... in the order of the operands
};

/// How `inq` and `nin` bind their list.
enum class key_list_style {
  one_per_value,  ///< `IN (?, ?, ...)`: a parameter per non-null value, the list padded (see `list_limit`)
  array,          ///< `= ANY($n)` and `<> ALL($n)`: the whole list one array parameter
};

/// How `like` compares: on the bytes, case-sensitive, `\` escaping, as detail/like.hpp does.
enum class like_style {
  tether_like,  ///< the connector registers detail/like.hpp as the SQL function `tether_like(text, pattern)`
  utf8_bytes,   ///< `convert_to(column, 'UTF8') LIKE convert_to($n, 'UTF8')`, a lone trailing `\` escaped
};

/// A server's SQL, as the builder needs it.
struct dialect {
  placeholder_style placeholders;
  const char* true_literal;
  const char* false_literal;
  /// Appended to a string column that is ordered or compared by order, so strings order as bytes ("" when the
  /// server's default already does).
  const char* byte_order;
  key_list_style key_lists;
  like_style like;
  /// Whether ORDER BY spells `NULLS FIRST` ascending and `NULLS LAST` descending (false: the server's default
  /// already puts nulls there).
  bool places_nulls;
  /// Whether a limit is text (`LIMIT 1`, which a server plans better than a parameter; the offset stays a
  /// parameter), or both are parameters (`LIMIT ? OFFSET ?`, bound by the caller after the operands).
  bool limit_in_text;
  const char* (*column_type)(value_kind) noexcept;
  /// What a non-optional column holds when it is added to a table that has rows: the value-initialised value.
  const char* (*column_default)(value_kind) noexcept;
  /// The column constraints of an integer id the store generates, and of any other id.
  const char* generated_id;
  const char* given_id;
  /// Whether a foreign key is a named constraint (`<table>_<column>_fkey`), so a refusal can be traced back.
  bool names_foreign_keys;
  /// The longest identifier the server keeps (longer ones it cuts); 0: no limit.
  std::size_t identifier_limit;
  /// With one parameter per value: a list of n values is padded (its last value repeated) to the next power of
  /// two as long as that stays within this many parameters, so lists of any length are a few statement texts.
  std::size_t list_limit;
};

}  // namespace tether::detail::sql

#endif
