#ifndef TETHER_FWD_HPP
#define TETHER_FWD_HPP

/// @file
/// Cheap declarations: the relation templates, their option tags and the error types, for headers that only name
/// them.

#include <tether/detail/fixed_string.hpp>
#include <tether/error.hpp>

namespace tether {

/// @brief What removing a referenced target does to the rows that reference it.
enum class delete_action { restrict, cascade, set_null };

/// @brief Refuse to remove a target that rows still reference (the default).
struct restrict {
  static constexpr delete_action action = delete_action::restrict;
};
/// @brief Remove the referencing rows with the target.
struct cascade {
  static constexpr delete_action action = delete_action::cascade;
};
/// @brief Clear the referencing rows' keys.
struct set_null {
  static constexpr delete_action action = delete_action::set_null;
};

/// @brief Option: the name of the foreign key property (default: relation name + "Id").
template <detail::fixed_string Name>
struct foreign_key {};

/// @brief Option: the target property the key references (default: the target's id).
template <detail::fixed_string Name>
struct primary_key {};

/// @brief Option: what removing a referenced target does (`restrict`, `cascade` or `set_null`).
template <class Action>
struct on_delete {};

/// @brief Option: the key type, for a target that is still incomplete (a self-reference, a cycle).
template <class K>
struct key_type {};

/// @brief Option: LoopBack's loose link: no integrity check, dangling keys allowed.
struct no_constraint {};

/// @brief Option of has_many and has_one: the target's `belongs_to` member that the reflection reflects (needed
/// when the target belongs to this model more than once).
template <detail::fixed_string Member>
struct inverse {};

/// @brief Option for `get`: load again whatever is cached.
struct refresh_t {
  explicit constexpr refresh_t() = default;
};
inline constexpr refresh_t refresh{};

template <class Target, class... Options>
class belongs_to;

template <class Target, class... Options>
class has_many;

template <class Target, class... Options>
class has_one;

template <class M>
class repository;

class filter;

}  // namespace tether

#endif
