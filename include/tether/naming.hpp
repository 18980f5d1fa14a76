#ifndef TETHER_NAMING_HPP
#define TETHER_NAMING_HPP

/// @file
/// LoopBack's naming rules, at compile time: the default relation name of a target model is its camelized model
/// name (`OrderItem` -> `orderItem`), and a belongsTo's foreign key is the relation name plus `Id`.

#include <cstddef>
#include <string_view>

#include <tether/detail/fixed_string.hpp>
#include <tether/model.hpp>

namespace tether {
namespace detail {

constexpr char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char to_upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

/// inflection.camelize(text, true) as LoopBack calls it: split on '_'; the first part keeps its letters but
/// lower-cases its first one; every later part is lower-cased, then its first letter upper-cased.
/// Writes to `out` when given; returns the length either way.
constexpr std::size_t camelize(std::string_view text, char* out = nullptr) noexcept {
  std::size_t length = 0;
  bool first_part = true;
  bool part_start = true;
  for (const char c : text) {
    if (c == '_') {
      first_part = false;
      part_start = true;
      continue;
    }
    char mapped = c;
    if (part_start) mapped = first_part ? to_lower(c) : to_upper(to_lower(c));
    else if (!first_part) mapped = to_lower(c);
    part_start = false;
    if (out != nullptr) out[length] = mapped;
    ++length;
  }
  return length;
}

template <class Source>
struct camelized {
  static constexpr std::string_view source = Source::value;
  static constexpr auto value = [] {
    static_string<camelize(source)> s;
    camelize(source, s.chars);
    return s;
  }();
};

template <class M>
struct model_name_of {
  static constexpr std::string_view value = model_name<M>;
};
template <class M>
struct relation_name_of {
  static constexpr std::string_view value = camelized<model_name_of<M>>::value.view();
};

}  // namespace detail

/// @brief LoopBack's default relation name for a target model: `relation_name_for<OrderItem> == "orderItem"`.
template <class M>
inline constexpr std::string_view relation_name_for = detail::relation_name_of<M>::value;

/// @brief LoopBack's default belongsTo foreign key: `foreign_key_for<OrderItem> == "orderItemId"`.
template <class M>
inline constexpr std::string_view foreign_key_for = detail::with_id_suffix<detail::relation_name_of<M>>::value.view();

}  // namespace tether

#endif
