#ifndef TETHER_DETAIL_TYPE_NAME_HPP
#define TETHER_DETAIL_TYPE_NAME_HPP

/// @file
/// The unqualified name of a type, at compile time, read from the compiler's __PRETTY_FUNCTION__
/// (g++: "[with T = shop::Customer; ...]", clang++: "[T = shop::Customer]").

#include <string_view>

#include <tether/detail/fixed_string.hpp>

namespace tether::detail {

template <class T>
constexpr std::string_view pretty_function() noexcept {
  return __PRETTY_FUNCTION__;
}

template <class T>
constexpr std::string_view qualified_type_name() noexcept {
  constexpr std::string_view text = pretty_function<T>();
  constexpr auto start = text.find("T = ") + 4;
  constexpr auto end = text.find_first_of(";]", start);
  return text.substr(start, end - start);
}

/// Drops namespaces and enclosing functions: "shop::Customer" -> "Customer", "main()::Tag" -> "Tag".
/// Separators inside template arguments or parentheses do not count.
constexpr std::string_view unqualified(std::string_view name) noexcept {
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '<' || c == '(') ++depth;
    else if (c == '>' || c == ')') --depth;
    else if (depth == 0 && c == ':' && i + 1 < name.size() && name[i + 1] == ':') start = i + 2;
  }
  return name.substr(start);
}

/// True for a specialisation of a class template ("box<int>"): its name is no identifier.
constexpr bool names_template_specialization(std::string_view name) noexcept {
  return name.find('<') != std::string_view::npos;
}

template <class T>
struct type_name_storage {
  static constexpr std::string_view source = unqualified(qualified_type_name<T>());
  static constexpr auto value = [] {
    static_string<source.size()> s;
    for (std::size_t i = 0; i < source.size(); ++i) s.chars[i] = source[i];
    return s;
  }();
};

/// The unqualified name of T, with static storage.
template <class T>
inline constexpr std::string_view unqualified_type_name = type_name_storage<T>::value.view();

}  // namespace tether::detail

#endif
