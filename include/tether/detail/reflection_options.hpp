#ifndef TETHER_DETAIL_REFLECTION_OPTIONS_HPP
#define TETHER_DETAIL_REFLECTION_OPTIONS_HPP

/// @file
/// Reads the options of has_many and has_one (extra template arguments): `inverse<"member">` is the only one.

#include <string_view>
#include <type_traits>

#include <tether/fwd.hpp>

namespace tether::detail {

/// An option has_many and has_one do not know; named in the diagnostic as its template argument.
template <class Option>
struct unknown_reflection_option : std::false_type {};

template <class Option>
struct reflection_option_traits {
  static constexpr bool known = false;
  static constexpr std::string_view inverse{};
};

template <fixed_string Member>
struct reflection_option_traits<tether::inverse<Member>> {
  static constexpr bool known = true;
  static constexpr std::string_view inverse = Member.view();
};

template <class Option>
constexpr bool check_reflection_option() {
  static_assert(reflection_option_traits<Option>::known || unknown_reflection_option<Option>::value,
                "tether::has_many / has_one: unknown option; the only option is tether::inverse<\"member\">, the "
                "target's belongs_to member that the reflection reflects");
  return true;
}

template <class... Options>
struct reflection_options {
  static constexpr bool all_checked = (true && ... && check_reflection_option<Options>());
  static_assert((0 + ... + int{!reflection_option_traits<Options>::inverse.empty()}) <= 1,
                "tether::has_many / has_one: give inverse<\"...\"> once");
  /// The target's belongs_to member named by inverse<>, or "" to find the one back to the owner.
  static constexpr std::string_view inverse = [] {
    std::string_view named;
    ((named = reflection_option_traits<Options>::inverse.empty() ? named : reflection_option_traits<Options>::inverse),
     ...);
    return named;
  }();
};

}  // namespace tether::detail

#endif
