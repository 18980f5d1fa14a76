#ifndef TETHER_DETAIL_IMPL_LIKE_IPP
#define TETHER_DETAIL_IMPL_LIKE_IPP

// The out-of-line definitions of <tether/detail/like.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/like.hpp>

namespace tether::detail {

TETHER_DECL bool like_match(std::string_view text, std::string_view pattern) {
  std::size_t t = 0, p = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = p++;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      char expected = pattern[p];
      std::size_t width = 1;
      bool any = expected == '_';
      if (expected == '\\' && p + 1 < pattern.size()) {
        expected = pattern[p + 1];
        width = 2;
        any = false;
      }
      if (any || expected == text[t]) {
        p += width;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

}  // namespace tether::detail

#endif
