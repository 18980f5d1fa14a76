#ifndef TETHER_DETAIL_RELATION_OPTIONS_HPP
#define TETHER_DETAIL_RELATION_OPTIONS_HPP

/// @file
/// Reads belongs_to's options (extra template arguments, in any order) into one set of constants.

#include <initializer_list>
#include <string_view>
#include <type_traits>

#include <tether/fwd.hpp>

namespace tether::detail {

struct no_key_type {};

/// Which option a template argument is, so that each can be counted.
enum class option_kind { unknown, foreign_key, primary_key, on_delete, key_type, no_constraint };

template <class Option>
struct option_traits {
  static constexpr option_kind kind = option_kind::unknown;
  static constexpr std::string_view foreign_key{};
  static constexpr std::string_view primary_key{};
  static constexpr delete_action action = delete_action::restrict;
  static constexpr bool known_action = true;
  using key = no_key_type;
};

template <fixed_string Name>
struct option_traits<tether::foreign_key<Name>> : option_traits<void> {
  static constexpr option_kind kind = option_kind::foreign_key;
  static constexpr std::string_view foreign_key = Name.view();
};

template <fixed_string Name>
struct option_traits<tether::primary_key<Name>> : option_traits<void> {
  static constexpr option_kind kind = option_kind::primary_key;
  static constexpr std::string_view primary_key = Name.view();
};

template <class Action>
struct option_traits<tether::on_delete<Action>> : option_traits<void> {
  static constexpr option_kind kind = option_kind::on_delete;
  static constexpr bool known_action =
      std::is_same_v<Action, restrict> || std::is_same_v<Action, cascade> || std::is_same_v<Action, set_null>;
  // An unknown Action is refused by check_belongs_to_option; restrict stands in so that nothing else fails.
  static constexpr delete_action action = [] {
    if constexpr (known_action) return Action::action;
    else return delete_action::restrict;
  }();
};

template <class K>
struct option_traits<tether::key_type<K>> : option_traits<void> {
  static constexpr option_kind kind = option_kind::key_type;
  using key = K;
};

template <>
struct option_traits<tether::no_constraint> : option_traits<void> {
  static constexpr option_kind kind = option_kind::no_constraint;
};

/// True when Option is one of belongs_to's options. A string literal cannot name the option, so the check below
/// is made where the compilers print it: clang++ in the requirement on the error line
/// (`requirement 'is_belongs_to_option<tether::cascade>'`), g++ on the line that introduces the error
/// (`In instantiation of ... [with Option = tether::cascade]`).
template <class Option>
inline constexpr bool is_belongs_to_option = option_traits<Option>::kind != option_kind::unknown;

template <class Option>
constexpr bool check_belongs_to_option() {
  static_assert(is_belongs_to_option<Option>,
                "tether::belongs_to<Target, Options...>: unknown option; the options are foreign_key<\"...\">, "
                "primary_key<\"...\">, on_delete<restrict|cascade|set_null>, key_type<K> and no_constraint");
  static_assert(option_traits<Option>::known_action,
                "tether::on_delete<Action>: Action must be tether::restrict, tether::cascade or tether::set_null");
  return true;
}

constexpr std::string_view first_named(std::initializer_list<std::string_view> names) {
  for (const auto name : names)
    if (!name.empty()) return name;
  return {};
}

template <class... Keys>
struct first_key {
  using type = no_key_type;
};
template <class Key, class... Rest>
struct first_key<Key, Rest...> {
  using type = std::conditional_t<std::is_same_v<Key, no_key_type>, typename first_key<Rest...>::type, Key>;
};

/// The primary_key option among Options, to name it in a diagnostic; void when there is none.
template <class... Options>
struct primary_key_option {
  using type = void;
};
template <class Option, class... Rest>
struct primary_key_option<Option, Rest...> : primary_key_option<Rest...> {};
template <fixed_string Name, class... Rest>
struct primary_key_option<tether::primary_key<Name>, Rest...> {
  using type = tether::primary_key<Name>;
};

template <class... Options>
struct relation_options {
  /// How many of Options are of kind K.
  template <option_kind K>
  static constexpr int given = (0 + ... + int{option_traits<Options>::kind == K});

  /// The checks of the options alone, in the order a user would fix them; belongs_to runs them. A failed
  /// static_assert in a class body makes clang++ mark the class invalid, and every use of it (the model's Hana
  /// descriptor first) an error of its own; in a function body it stays the only error. So the checks live
  /// here, and every constant below has a harmless value whatever the options.
  static constexpr bool check() {
    static_cast<void>((true && ... && check_belongs_to_option<Options>()));
    // Of a repeated option only one could count, and the other would be ignored without a word: each is given
    // at most once.
    static_assert(given<option_kind::foreign_key> <= 1, "tether::belongs_to: give foreign_key<\"...\"> once");
    static_assert(given<option_kind::primary_key> <= 1, "tether::belongs_to: give primary_key<\"...\"> once");
    static_assert(given<option_kind::on_delete> <= 1, "tether::belongs_to: give on_delete<...> once");
    static_assert(given<option_kind::key_type> <= 1, "tether::belongs_to: give key_type<K> once");
    static_assert(given<option_kind::no_constraint> <= 1, "tether::belongs_to: give no_constraint once");
    static_assert(!(loose && delete_options > 0),
                  "tether::belongs_to: no_constraint turns integrity off, so on_delete has nothing to act on; keep "
                  "one of them");
    return true;
  }

  static constexpr std::string_view foreign_key = first_named({std::string_view{}, option_traits<Options>::foreign_key...});
  static constexpr std::string_view primary_key = first_named({std::string_view{}, option_traits<Options>::primary_key...});
  static constexpr int delete_options = given<option_kind::on_delete>;
  static constexpr bool loose = given<option_kind::no_constraint> > 0;
  static constexpr delete_action action = [] {
    delete_action chosen = delete_action::restrict;
    ((chosen = option_traits<Options>::kind == option_kind::on_delete ? option_traits<Options>::action : chosen), ...);
    return chosen;
  }();
  using key = typename first_key<typename option_traits<Options>::key...>::type;
  static constexpr bool has_key = !std::is_same_v<key, no_key_type>;
  using primary_key_type = typename primary_key_option<Options...>::type;
};

}  // namespace tether::detail

#endif
