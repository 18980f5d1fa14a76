#ifndef TETHER_DETAIL_IMPL_TIME_IPP
#define TETHER_DETAIL_IMPL_TIME_IPP

// The out-of-line definitions of <tether/detail/time.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/time.hpp>

namespace tether::detail {

TETHER_DECL std::string format_iso8601(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> clock{ms - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

TETHER_DECL std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text) {
  using namespace std::chrono;
  auto digits = [&](std::size_t pos, std::size_t count, int& out) {
    if (pos + count > text.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits(0, 4, y) || text.size() < 19 || text[4] != '-' || !digits(5, 2, mo) || text[7] != '-' ||
      !digits(8, 2, d) || (text[10] != 'T' && text[10] != ' ') || !digits(11, 2, h) || text[13] != ':' ||
      !digits(14, 2, mi) || text[16] != ':' || !digits(17, 2, s))
    return std::nullopt;
  std::size_t pos = 19;
  long long fraction_ms = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int scale = 100;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction_ms += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  const std::string_view zone = text.substr(pos);
  if (zone != "Z" && zone != "+00:00" && zone != "+0000") return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  // system_clock counts nanoseconds in 64 bits (about 1678 to 2262); a date outside would overflow.
  static constexpr auto earliest = ceil<days>(system_clock::time_point::min()) + days{1};
  static constexpr auto latest = floor<days>(system_clock::time_point::max()) - days{1};
  const sys_days date{ymd};
  if (date < earliest || date > latest) return std::nullopt;
  return date + hours{h} + minutes{mi} + seconds{s} + milliseconds{fraction_ms};
}

}  // namespace tether::detail

#endif
