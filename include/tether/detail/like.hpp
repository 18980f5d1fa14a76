#ifndef TETHER_DETAIL_LIKE_HPP
#define TETHER_DETAIL_LIKE_HPP

/// @file
/// LoopBack's `like` as every connector matches it: on the bytes, case-sensitive, `%` any run, `_` one byte,
/// `\` making the next character literal (a lone trailing `\` is literal). The memory connector evaluates it
/// and SQLite registers it as `tether_like`, so the two agree by construction.

#include <cstddef>
#include <string_view>

#include <tether/detail/config.hpp>

namespace tether::detail {

/// Whether `text` matches `pattern`.
TETHER_DECL bool like_match(std::string_view text, std::string_view pattern);

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/like.ipp>
#endif

#endif
