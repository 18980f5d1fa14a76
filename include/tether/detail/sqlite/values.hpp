#ifndef TETHER_DETAIL_SQLITE_VALUES_HPP
#define TETHER_DETAIL_SQLITE_VALUES_HPP

/// @file
/// Property values to statement parameters and columns back to property values, typed, with no JSON on the
/// way except for nlohmann::json properties. The stored forms:
///   integers, bool   INTEGER (bool as 0/1)
///   floating point   REAL
///   std::string      TEXT, bytes as given
///   time_point       INTEGER, nanoseconds since 1970-01-01 UTC: exact, and sorts and compares as time does
///   nlohmann::json   TEXT, the value's dump() (a JSON null is the text "null", unlike an empty optional)

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include <nlohmann/json.hpp>

#include <tether/detail/sqlite/statement.hpp>
#include <tether/model.hpp>
#include <tether/value.hpp>

namespace tether::detail {

inline std::int64_t sqlite_time(time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// Binds a property value (plain or optional) to parameter `index`. Text is bound without a copy, so `v` must
/// outlive the run of the statement.
template <class T>
void bind_property(sqlite_statement& s, int index, const T& v) {
  if constexpr (is_optional<T>::value) {
    if (v) bind_property(s, index, *v);
    else s.bind_null(index);
  } else if constexpr (std::is_same_v<T, bool>) {
    s.bind_int(index, v ? 1 : 0);
  } else if constexpr (std::is_integral_v<T>) {
    s.bind_int(index, static_cast<std::int64_t>(v));
  } else if constexpr (std::is_floating_point_v<T>) {
    s.bind_real(index, static_cast<double>(v));
  } else if constexpr (std::is_same_v<T, std::string>) {
    s.bind_text(index, v);
  } else if constexpr (std::is_same_v<T, time_point>) {
    s.bind_int(index, sqlite_time(v));
  } else {
    static_assert(std::is_same_v<T, nlohmann::json>);
    s.bind_owned_text(index, v.dump());
  }
}

/// Binds a filter operand (already of the property's kind) to parameter `index`.
inline void bind_operand(sqlite_statement& s, int index, const value& v) {
  std::visit(
      [&](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, std::nullptr_t>) s.bind_null(index);
        else bind_property(s, index, x);
      },
      v);
}

/// Reads column `column` as a value of property type T.
template <class T>
T read_column(const sqlite_statement& s, int column) {
  if constexpr (is_optional<T>::value) {
    if (s.is_null(column)) return std::nullopt;
    return T(read_column<typename T::value_type>(s, column));
  } else if constexpr (std::is_same_v<T, bool>) {
    return s.column_int(column) != 0;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(s.column_int(column));
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(s.column_real(column));
  } else if constexpr (std::is_same_v<T, std::string>) {
    return std::string(s.column_text(column));
  } else if constexpr (std::is_same_v<T, time_point>) {
    return time_point(std::chrono::duration_cast<time_point::duration>(std::chrono::nanoseconds(s.column_int(column))));
  } else {
    static_assert(std::is_same_v<T, nlohmann::json>);
    if (s.is_null(column)) return nlohmann::json();
    return nlohmann::json::parse(s.column_text(column));
  }
}

/// Reads column `column` of M's property I into the row.
template <class M, std::size_t I>
void read_property(const sqlite_statement& s, int column, M& row) {
  set_property<I>(row, read_column<property_type<M, I>>(s, column));
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
