#ifndef TETHER_DETAIL_REFLECTION_HPP
#define TETHER_DETAIL_REFLECTION_HPP

/// @file
/// Which belongs_to a has_many or has_one reflects, worked out at compile time from the two models' Hana
/// descriptors. The key lives on the belongsTo side only: a reflection declared in Owner reflects the target's
/// one `belongs_to` back to Owner, or the one `inverse<"member">` names. The other way round, a reflection
/// member finds the model it is declared in among the models its target belongs to: a member does not know the
/// object that holds it, and its type alone names only the target.

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include <tether/detail/fixed_string.hpp>
#include <tether/model.hpp>

namespace tether::detail {

// The diagnostics name the models involved as these templates' arguments.
template <class Owner, class Target>
struct no_belongs_to_back : std::false_type {};
template <class Owner, class Target>
struct several_belongs_to_back : std::false_type {};
template <class Target, class Options>
struct inverse_names_no_belongs_to_back : std::false_type {};
template <class Owner>
struct reflection_owner_without_id : std::false_type {};

/// The rows a reflection of type R hands out: its target as stored (`with_id<T>` for a target without id).
template <class R>
using reflection_target = persisted<typename R::declared_target>;

/// A distinct address per type, to compare types inside constant evaluation.
template <class T>
inline constexpr char type_tag = 0;

/// True when stored property I of M is the key of a belongs_to whose target is Owner.
template <class M, std::size_t I, class Owner>
constexpr bool points_back() noexcept {
  if constexpr (I == no_property) {
    return false;
  } else if constexpr (is_foreign_key<M, I>) {
    return std::is_same_v<typename member_type<M, stored_member<M, I>>::declared_target, Owner>;
  } else {
    return false;
  }
}

/// The foreign keys of Target (complete, as stored) that point back to Owner.
template <class Owner, class Target>
struct back_keys {
  template <std::size_t... I>
  static constexpr std::array<bool, sizeof...(I)> flags(std::index_sequence<I...>) noexcept {
    return {points_back<Target, I, Owner>()...};
  }
  static constexpr auto back = flags(std::make_index_sequence<property_count<Target>>{});
  static constexpr std::size_t count = [] {
    std::size_t n = 0;
    for (const bool b : back) n += b ? 1 : 0;
    return n;
  }();
  static constexpr std::size_t first = [] {
    for (std::size_t i = 0; i < back.size(); ++i)
      if (back[i]) return i;
    return no_property;
  }();
};

/// The foreign key of Target that a reflection declared in Owner reflects: the one back to Owner, or the one
/// `inverse<>` names. After a failed check property 0 stands in, so that no further error follows the sentence.
template <class Owner, class Target, class Options>
struct reflected_key {
  static constexpr std::size_t value = [] {
    if constexpr (Options::inverse.empty()) {
      using back = back_keys<Owner, Target>;
      static_assert(back::count > 0 || no_belongs_to_back<Owner, Target>::value,
                    "tether::has_many / has_one: the target has no belongs_to back to this model; declare one in "
                    "the target (tether::belongs_to<ThisModel>), which holds the key");
      static_assert(back::count <= 1 || several_belongs_to_back<Owner, Target>::value,
                    "tether::has_many / has_one: the target belongs to this model more than once; say which "
                    "belongs_to member this reflects with tether::inverse<\"member\">");
      return back::count == 0 ? 0 : back::first;
    } else {
      constexpr std::size_t named = property_index<Target>(Options::inverse);
      constexpr bool found = points_back<Target, named, Owner>();
      static_assert(found || inverse_names_no_belongs_to_back<Target, Options>::value,
                    "tether::inverse<\"member\">: the target has no belongs_to member of that name whose target is "
                    "this model; name the target's belongs_to member that points back here");
      return found ? named : 0;
    }
  }();
};

/// True when model O has a member of type R.
template <class O, class R>
constexpr bool declares_member() noexcept {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    return (false || ... || std::is_same_v<member_type<O, I>, R>);
  }(std::make_index_sequence<member_count<O>>{});
}

/// Reflection J (in member order) of O whose member type is R; no_property when none.
template <class O, class R>
constexpr std::size_t reflection_index() noexcept {
  constexpr auto& at = member_layout<O>::reflections;
  return []<std::size_t... J>(std::index_sequence<J...>) {
    std::size_t found = no_property;
    ((found = found == no_property && std::is_same_v<member_type<O, at[J]>, R> ? J : found), ...);
    return found;
  }(std::make_index_sequence<at.size()>{});
}

/// The model that holds a reflection member of type R (R's target complete): among the models R's target
/// belongs to (through the key `inverse<>` names, if given), those that declare a member of type R. `unique` is
/// true when there is one, known at compile time; otherwise the reflection learns its owner at run time, when
/// the owner passes through a datasource or JSON.
template <class R>
struct reflection_owner {
  using target = persisted<typename R::declared_target>;

  template <std::size_t I>
  static constexpr const char* candidate_tag() noexcept {
    if constexpr (!is_foreign_key<target, I>) {
      return nullptr;
    } else {
      using owner = typename member_type<target, stored_member<target, I>>::declared_target;
      if constexpr (!R::inverse_option.empty() && property_index<target>(R::inverse_option) != I) return nullptr;
      else if constexpr (!model<owner> || !declares_member<owner, R>()) return nullptr;
      else return &type_tag<owner>;
    }
  }
  template <std::size_t... I>
  static constexpr std::array<const char*, sizeof...(I)> tags(std::index_sequence<I...>) noexcept {
    return {candidate_tag<I>()...};
  }
  static constexpr auto candidates = tags(std::make_index_sequence<property_count<target>>{});

  /// The foreign key of the first candidate.
  static constexpr std::size_t first = [] {
    for (std::size_t i = 0; i < candidates.size(); ++i)
      if (candidates[i] != nullptr) return i;
    return no_property;
  }();
  /// True when exactly one model holds members of type R.
  static constexpr bool unique = [] {
    if (first == no_property) return false;
    for (const char* tag : candidates)
      if (tag != nullptr && tag != candidates[first]) return false;
    return true;
  }();
};

}  // namespace tether::detail

#endif
