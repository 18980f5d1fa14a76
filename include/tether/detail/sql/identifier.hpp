#ifndef TETHER_DETAIL_SQL_IDENTIFIER_HPP
#define TETHER_DETAIL_SQL_IDENTIFIER_HPP

/// @file
/// Identifiers in SQL text, for every SQL connector: always double-quoted, quotes inside doubled, so `Order` or `a"b` are names too.

#include <string>
#include <string_view>

namespace tether::detail {

inline void append_identifier(std::string& sql, std::string_view name) {
  sql += '"';
  for (const char c : name) {
    if (c == '"') sql += '"';
    sql += c;
  }
  sql += '"';
}

inline std::string quote_identifier(std::string_view name) {
  std::string sql;
  append_identifier(sql, name);
  return sql;
}

}  // namespace tether::detail

#endif
