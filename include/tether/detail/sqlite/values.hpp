#ifndef TETHER_DETAIL_SQLITE_VALUES_HPP
#define TETHER_DETAIL_SQLITE_VALUES_HPP

/// @file
/// Property values to statement parameters and columns back to property values, straight from and into the
/// row through the property's value_ops (model_info.hpp), with no JSON on the way except for nlohmann::json
/// properties. The stored forms:
///   integers, bool   INTEGER (bool as 0/1)
///   floating point   REAL
///   std::string      TEXT, bytes as given
///   time_point       INTEGER, nanoseconds since 1970-01-01 UTC: exact, and sorts and compares as time does
///   nlohmann::json   TEXT, the value's dump() (a JSON null is the text "null", unlike an empty optional)

#include <chrono>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>

#include <nlohmann/json.hpp>

#include <tether/detail/sqlite/statement.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

inline std::int64_t sqlite_time(time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

inline time_point sqlite_time_point(std::int64_t nanoseconds) noexcept {
  return time_point(std::chrono::duration_cast<time_point::duration>(std::chrono::nanoseconds(nanoseconds)));
}

/// Binds a value (a filter operand, already of the property's kind, or a property's value) to parameter
/// `index`. Text is bound without a copy, so `v` must outlive the run of the statement.
inline void bind_operand(sqlite_statement& s, int index, const value& v) {
  std::visit(
      [&](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, std::nullptr_t>) s.bind_null(index);
        else if constexpr (std::is_same_v<X, bool>) s.bind_int(index, x ? 1 : 0);
        else if constexpr (std::is_same_v<X, std::int64_t>) s.bind_int(index, x);
        else if constexpr (std::is_same_v<X, double>) s.bind_real(index, x);
        else if constexpr (std::is_same_v<X, std::string>) s.bind_text(index, x);
        else s.bind_int(index, sqlite_time(x));
      },
      v);
}

/// Binds property `p` of a row (`member`, its address there; plain or optional) to parameter `index`. Text is
/// bound without a copy, so the row must outlive the run of the statement.
inline void bind_member(sqlite_statement& s, int index, const stored_property& p, const void* member) {
  switch (p.kind) {
    case value_kind::string:
      if (const std::string* text = p.ops->text(member)) s.bind_text(index, *text);
      else s.bind_null(index);
      return;
    case value_kind::json:
      if (const nlohmann::json* document = p.ops->json(member)) s.bind_owned_text(index, document->dump());
      else s.bind_null(index);
      return;
    case value_kind::integer:
    case value_kind::real:
    case value_kind::boolean:
    case value_kind::time:
      // A number or a time has no text to bind from the row, so a value of its own costs no allocation.
      bind_operand(s, index, p.ops->get(member));
      return;
  }
}

/// Reads column `column` into property `p` of a value-initialised row (`member`, its address there). A NULL
/// leaves the member as value-initialisation made it: an empty optional, or the plain type's zero, as SQLite
/// reads NULL for a number or a text.
inline void read_member(const sqlite_statement& s, int column, const stored_property& p, void* member) {
  if ((p.nullable || p.kind == value_kind::json) && s.is_null(column)) return;
  const value_ops& ops = *p.ops;
  switch (p.kind) {
    case value_kind::integer: ops.set(member, value(std::in_place_type<std::int64_t>, s.column_int(column))); return;
    case value_kind::boolean: ops.set(member, value(std::in_place_type<bool>, s.column_int(column) != 0)); return;
    case value_kind::real: ops.set(member, value(std::in_place_type<double>, s.column_real(column))); return;
    case value_kind::string:
      ops.set(member, value(std::in_place_type<std::string>, s.column_text(column)));
      return;
    case value_kind::time:
      ops.set(member, value(std::in_place_type<time_point>, sqlite_time_point(s.column_int(column))));
      return;
    case value_kind::json: ops.set_json(member, nlohmann::json::parse(s.column_text(column))); return;
  }
}

/// Reads a column as an untyped value: for messages about rows of tables the caller only knows by name.
inline value read_any(const sqlite_statement& s, int column) {
  switch (s.type(column)) {
    case SQLITE_NULL: return nullptr;
    case SQLITE_INTEGER: return s.column_int(column);
    case SQLITE_FLOAT: return s.column_real(column);
    default: return std::string(s.column_text(column));
  }
}

}  // namespace tether::detail

#endif
