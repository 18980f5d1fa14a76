#ifndef TETHER_DETAIL_TIME_HPP
#define TETHER_DETAIL_TIME_HPP

/// @file
/// ISO-8601 UTC with milliseconds ("2026-11-25T10:30:00.250Z"), the form LoopBack and JavaScript's Date use.

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <tether/detail/config.hpp>

namespace tether::detail {

TETHER_DECL std::string format_iso8601(std::chrono::system_clock::time_point t);

/// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (also "+00:00"); nullopt for anything else.
TETHER_DECL std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/time.ipp>
#endif

#endif
