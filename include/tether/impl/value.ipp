#ifndef TETHER_IMPL_VALUE_IPP
#define TETHER_IMPL_VALUE_IPP

// The out-of-line definitions of <tether/value.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/value.hpp>

namespace tether {
namespace detail {

TETHER_DECL std::string describe(const value& v) {
  struct render {
    std::string operator()(std::nullptr_t) const { return "null"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    // The shortest text that reads back as the same double, whatever the locale (std::to_string has six
    // decimals, so 1e-7 would read 0.0, and the C locale's decimal point).
    std::string operator()(double d) const {
      std::array<char, 32> text{};
      const auto end = std::to_chars(text.data(), text.data() + text.size(), d).ptr;
      return std::string(text.data(), end);
    }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const std::string& s) const {
      std::string quoted = "\"";
      for (const char c : s) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
      }
      return quoted + '"';
    }
    std::string operator()(time_point t) const { return '"' + format_iso8601(t) + '"'; }
  };
  return std::visit(render{}, v);
}

}  // namespace detail
}  // namespace tether

#endif
