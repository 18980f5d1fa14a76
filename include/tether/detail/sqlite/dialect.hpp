#ifndef TETHER_DETAIL_SQLITE_DIALECT_HPP
#define TETHER_DETAIL_SQLITE_DIALECT_HPP

/// @file
/// SQLite's SQL, as the one SQL builder (detail/sql/) asks for it: `?` parameters, booleans and times as
/// integers, strings already ordered as bytes (BINARY), nulls already first ascending, LIKE through
/// `tether_like` (detail/sqlite/connection.hpp registers detail/like.hpp), a parameter per key of a list.

#include <cstddef>

#include <tether/detail/sql/dialect.hpp>
#include <tether/model.hpp>

namespace tether::detail::sqlite {

inline const char* column_type(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::integer:
    case value_kind::boolean:
    case value_kind::time: return "INTEGER";
    case value_kind::real: return "REAL";
    case value_kind::string:
    case value_kind::json: return "TEXT";
  }
  return "BLOB";
}

inline const char* column_default(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::integer:
    case value_kind::boolean:
    case value_kind::time: return "0";
    case value_kind::real: return "0.0";
    case value_kind::string: return "''";
    case value_kind::json: return "'null'";
  }
  return "NULL";
}

/// SQLite's dialect for a connection that binds at most `parameter_limit` values a statement: key lists are
/// padded to powers of two within it, so includes of any length are a few statement texts.
constexpr sql::dialect dialect(std::size_t parameter_limit) noexcept {
  return {
      .placeholders = sql::placeholder_style::question_mark,
      .true_literal = "1",
      .false_literal = "0",
      .byte_order = "",
      .key_lists = sql::key_list_style::one_per_value,
      .like = sql::like_style::tether_like,
      .places_nulls = false,
      .limit_in_text = false,
      .column_type = &column_type,
      .column_default = &column_default,
      // An integer id is the rowid; AUTOINCREMENT never hands out an id again, as the memory connector does not.
      .generated_id = " PRIMARY KEY AUTOINCREMENT",
      .given_id = " PRIMARY KEY NOT NULL",
      .names_foreign_keys = false,
      .identifier_limit = 0,
      .list_limit = parameter_limit,
  };
}

}  // namespace tether::detail::sqlite

#endif
