#ifndef TETHER_DETAIL_DESCRIBE_JSON_HPP
#define TETHER_DETAIL_DESCRIBE_JSON_HPP

/// @file
/// A JSON value as an error message shows it. Containers are named, never printed: printing recurses, and a
/// hostile document nested a hundred thousand levels deep would exhaust the stack. Long strings are cut, and
/// invalid UTF-8 is replaced rather than thrown on.

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace tether::detail {

inline std::string describe_json(const nlohmann::json& value) {
  constexpr std::size_t longest = 60;
  switch (value.type()) {
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::binary: return "binary data";
    case nlohmann::json::value_t::discarded: return "nothing";
    case nlohmann::json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      if (text.size() <= longest) break;
      return nlohmann::json(text.substr(0, longest)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
             "...";
    }
    default: break;
  }
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tether::detail

#endif
