#ifndef TETHER_DETAIL_FIXED_STRING_HPP
#define TETHER_DETAIL_FIXED_STRING_HPP

#include <cstddef>
#include <string_view>

namespace tether::detail {

/// A string literal usable as a template argument (`foreign_key<"ownerId">`). Structural: public members only.
template <std::size_t N>
struct fixed_string {
  char chars[N]{};

  constexpr fixed_string(const char (&text)[N]) noexcept {  // NOLINT: implicit on purpose, for literals
    for (std::size_t i = 0; i < N; ++i) chars[i] = text[i];
  }
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {chars, N - 1}; }
};

/// A compile-time string with static storage, for names computed at compile time (`customerId`).
template <std::size_t N>
struct static_string {
  char chars[N + 1]{};
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {chars, N}; }
};

/// `Source::value` followed by "Id", with static storage: the default foreign key of a relation.
template <class Source>
struct with_id_suffix {
  static constexpr std::string_view source = Source::value;
  static constexpr auto value = [] {
    static_string<source.size() + 2> s;
    for (std::size_t i = 0; i < source.size(); ++i) s.chars[i] = source[i];
    s.chars[source.size()] = 'I';
    s.chars[source.size() + 1] = 'd';
    return s;
  }();
};

/// Turns a name computed at compile time into a fixed_string, so it can show in a diagnostic as a template argument.
template <class Source>
constexpr auto to_fixed_string() noexcept {
  constexpr std::string_view text = Source::value;
  char chars[text.size() + 1]{};
  for (std::size_t i = 0; i < text.size(); ++i) chars[i] = text[i];
  return fixed_string<text.size() + 1>(chars);
}

}  // namespace tether::detail

#endif
