#ifndef TETHER_VALUE_HPP
#define TETHER_VALUE_HPP

/// @file
/// `tether::value`: one operand of a filter condition. Filters are the one place values travel untyped (they
/// come from JSON or from a caller's literal); rows never do.

#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <variant>

#include <tether/detail/config.hpp>
#include <tether/detail/time.hpp>
#include <tether/model.hpp>

namespace tether {

/// @brief An operand in a condition: null, an integer, a real, a boolean, a string or a time.
using value = std::variant<std::nullptr_t, std::int64_t, double, bool, std::string, time_point>;

namespace detail {

/// Converts a C++ literal or property value to a tether::value (integers widen, optionals may be null).
template <class V>
value to_value(const V& v) {
  if constexpr (std::is_same_v<V, value>) return v;
  else if constexpr (std::is_same_v<V, std::nullptr_t> || std::is_same_v<V, std::nullopt_t>) return nullptr;
  else if constexpr (is_optional<V>::value) return v ? to_value(*v) : value{nullptr};
  else if constexpr (std::is_same_v<V, bool>) return v;
  else if constexpr (std::is_integral_v<V>) return static_cast<std::int64_t>(v);
  else if constexpr (std::is_floating_point_v<V>) return static_cast<double>(v);
  else if constexpr (std::is_same_v<V, time_point>) return v;
  else if constexpr (std::is_convertible_v<const V&, std::string>) return std::string(v);
  else static_assert(sizeof(V) == 0, "tether: a filter value must be null, a number, a bool, a string or a time_point");
}

/// Renders a value for an error message or a query log: strings quoted, like JSON.
TETHER_DECL std::string describe(const value& v);

}  // namespace detail
}  // namespace tether

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/impl/value.ipp>
#endif

#endif
