#ifndef TETHER_DETAIL_IMPL_DESCRIBE_JSON_IPP
#define TETHER_DETAIL_IMPL_DESCRIBE_JSON_IPP

// The out-of-line definitions of <tether/detail/describe_json.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/describe_json.hpp>

namespace tether::detail {

TETHER_DECL std::string describe_json(const nlohmann::json& value) {
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
