#ifndef TETHER_DETAIL_JSON_VALUE_HPP
#define TETHER_DETAIL_JSON_VALUE_HPP

/// @file
/// One property value to and from JSON, per C++ property type: the part of instance JSON that needs the type
/// (integer ranges, dates as ISO-8601). Malformed input throws `tether::validation_error` naming the model,
/// the property and the value.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include <tether/detail/describe_json.hpp>
#include <tether/detail/time.hpp>
#include <tether/error.hpp>
#include <tether/model.hpp>

namespace tether::detail {

template <class V>
nlohmann::json write_value(const V& v) {
  if constexpr (is_optional<V>::value) {
    return v ? write_value(*v) : nlohmann::json(nullptr);
  } else if constexpr (std::is_same_v<V, time_point>) {
    return format_iso8601(v);
  } else {
    return nlohmann::json(v);
  }
}

template <class V>
V read_value(const nlohmann::json& j, std::string_view model, std::string_view property) {
  auto refuse = [&](const char* expected) -> V {
    throw validation_error("tether: " + std::string(model) + "." + std::string(property) + " expects " + expected +
                           ", got " + describe_json(j));
  };
  if constexpr (is_optional<V>::value) {
    if (j.is_null()) return std::nullopt;
    return read_value<typename V::value_type>(j, model, property);
  } else if constexpr (std::is_same_v<V, bool>) {
    if (!j.is_boolean()) return refuse("a boolean");
    return j.get<bool>();
  } else if constexpr (std::is_integral_v<V>) {
    if (j.is_number_unsigned()) {
      const auto u = j.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<V>::max())) return refuse("an integer in range");
      return static_cast<V>(u);
    }
    if (!j.is_number_integer()) return refuse("an integer");
    const auto i = j.get<std::int64_t>();
    if constexpr (std::is_signed_v<V>) {
      if (i < std::numeric_limits<V>::min() || i > std::numeric_limits<V>::max()) return refuse("an integer in range");
    } else {
      if (i < 0) return refuse("a non-negative integer");
      if (static_cast<std::uint64_t>(i) > std::numeric_limits<V>::max()) return refuse("an integer in range");
    }
    return static_cast<V>(i);
  } else if constexpr (std::is_floating_point_v<V>) {
    if (!j.is_number()) return refuse("a number");
    return j.get<V>();
  } else if constexpr (std::is_same_v<V, std::string>) {
    if (!j.is_string()) return refuse("a string");
    return j.get<std::string>();
  } else if constexpr (std::is_same_v<V, time_point>) {
    if (!j.is_string()) return refuse("a date (ISO-8601 string)");
    auto t = parse_iso8601(j.get_ref<const std::string&>());
    if (!t) return refuse("a date (ISO-8601 string)");
    return *t;
  } else {
    static_assert(std::is_same_v<V, nlohmann::json>);
    return j;
  }
}

}  // namespace tether::detail

#endif
