#ifndef TETHER_DETAIL_LIKE_HPP
#define TETHER_DETAIL_LIKE_HPP

/// @file
/// LoopBack's `like` as every connector matches it: on the bytes, case-sensitive, `%` any run, `_` one byte,
/// `\` making the next character literal (a lone trailing `\` is literal). The memory connector evaluates it
/// and SQLite registers it as `tether_like`, so the two agree by construction.

#include <cstddef>
#include <string_view>

namespace tether::detail {

/// Whether `text` matches `pattern`.
inline bool like_match(std::string_view text, std::string_view pattern) {
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
