#ifndef TETHER_DETAIL_MEMORY_EVALUATE_HPP
#define TETHER_DETAIL_MEMORY_EVALUATE_HPP

/// @file
/// The memory connector's evaluation of a query: the reference semantics SQL connectors are held to.
/// Comparisons follow SQL: a null property matches only `eq null` (and `neq` a non-null value never matches
/// a null property); `like` is case-sensitive with `%`, `_` and `\` as escape.

#include <algorithm>
#include <compare>
#include <string_view>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/visit_property.hpp>
#include <tether/model.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// SQL LIKE: `%` any run, `_` one character, `\` makes the next character literal. Case-sensitive.
inline bool like_match(std::string_view text, std::string_view pattern) {
  std::size_t t = 0, p = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = p++;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      char expected = pattern[p];
      std::size_t width = 1;
      bool any = expected == '_';
      if (expected == '\\' && p + 1 < pattern.size()) {
        expected = pattern[p + 1];
        width = 2;
        any = false;
      }
      if (any || expected == text[t]) {
        p += width;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

/// Orders a non-null property value against an operand already coerced to the property's kind.
template <class V>
std::partial_ordering compare_plain(const V& property, const value& operand) {
  if constexpr (std::is_same_v<V, bool>) {
    if (const auto* b = std::get_if<bool>(&operand)) return property <=> *b;
  } else if constexpr (std::is_integral_v<V>) {
    if (const auto* i = std::get_if<std::int64_t>(&operand)) return static_cast<std::int64_t>(property) <=> *i;
    if (const auto* d = std::get_if<double>(&operand)) return static_cast<double>(property) <=> *d;
  } else if constexpr (std::is_floating_point_v<V>) {
    if (const auto* d = std::get_if<double>(&operand)) return static_cast<double>(property) <=> *d;
    if (const auto* i = std::get_if<std::int64_t>(&operand)) return static_cast<double>(property) <=> static_cast<double>(*i);
  } else if constexpr (std::is_same_v<V, std::string>) {
    if (const auto* s = std::get_if<std::string>(&operand)) return property.compare(*s) <=> 0;
  } else if constexpr (std::is_same_v<V, time_point>) {
    if (const auto* t = std::get_if<time_point>(&operand)) return property <=> *t;
  }
  return std::partial_ordering::unordered;
}

template <class T>
bool leaf_matches(const T& property, const predicate& p) {
  using V = strip_optional_t<T>;
  const V* present = nullptr;
  if constexpr (is_optional<T>::value) {
    if (property) present = &*property;
  } else {
    present = &property;
  }
  auto is_null = [](const value& v) { return std::holds_alternative<std::nullptr_t>(v); };
  if (present == nullptr) return p.op == operator_kind::eq && is_null(p.values[0]);
  if constexpr (std::is_same_v<V, nlohmann::json>) {
    return false;  // the resolver refuses comparisons on object properties
  } else {
    auto cmp = [&](const value& v) { return compare_plain(*present, v); };
    switch (p.op) {
      case operator_kind::eq: return cmp(p.values[0]) == 0;
      case operator_kind::neq: return is_null(p.values[0]) || cmp(p.values[0]) != 0;
      case operator_kind::gt: return cmp(p.values[0]) > 0;
      case operator_kind::gte: return cmp(p.values[0]) >= 0;
      case operator_kind::lt: return cmp(p.values[0]) < 0;
      case operator_kind::lte: return cmp(p.values[0]) <= 0;
      case operator_kind::between: return cmp(p.values[0]) >= 0 && cmp(p.values[1]) <= 0;
      case operator_kind::inq:
        return std::any_of(p.values.begin(), p.values.end(), [&](const value& v) { return cmp(v) == 0; });
      case operator_kind::nin:
        return std::none_of(p.values.begin(), p.values.end(), [&](const value& v) { return cmp(v) == 0; });
      case operator_kind::like:
      case operator_kind::nlike:
        if constexpr (std::is_same_v<V, std::string>) {
          const bool hit = like_match(*present, std::get<std::string>(p.values[0]));
          return p.op == operator_kind::like ? hit : !hit;
        } else {
          return false;
        }
      case operator_kind::and_:
      case operator_kind::or_:
        return false;
    }
    return false;
  }
}

template <class M>
bool matches(const M& row, const predicate& p) {
  switch (p.op) {
    case operator_kind::and_:
      return std::all_of(p.children.begin(), p.children.end(), [&](const predicate& c) { return matches(row, c); });
    case operator_kind::or_:
      return std::any_of(p.children.begin(), p.children.end(), [&](const predicate& c) { return matches(row, c); });
    default:
      return with_property_index<M>(p.property, [&](auto i) { return leaf_matches(get_property<i>(row), p); });
  }
}

/// Three-way order of two rows on one property; null sorts first.
template <class M>
std::weak_ordering compare_rows(const M& a, const M& b, std::size_t property) {
  return with_property_index<M>(property, [&](auto i) -> std::weak_ordering {
    const auto& x = get_property<i>(a);
    const auto& y = get_property<i>(b);
    using T = std::remove_cvref_t<decltype(x)>;
    using V = strip_optional_t<T>;
    if constexpr (std::is_same_v<V, nlohmann::json>) {
      return std::weak_ordering::equivalent;
    } else {
      const V* px = nullptr;
      const V* py = nullptr;
      if constexpr (is_optional<T>::value) {
        px = x ? &*x : nullptr;
        py = y ? &*y : nullptr;
      } else {
        px = &x;
        py = &y;
      }
      if (px == nullptr || py == nullptr) return (px != nullptr) <=> (py != nullptr);
      if (*px < *py) return std::weak_ordering::less;
      if (*py < *px) return std::weak_ordering::greater;
      return std::weak_ordering::equivalent;
    }
  });
}

/// Sorts row pointers by the query's order, keeping id order among equals.
template <class M>
void sort_rows(std::vector<const M*>& rows, const std::vector<sort_key>& order) {
  if (order.empty()) return;
  std::stable_sort(rows.begin(), rows.end(), [&](const M* a, const M* b) {
    for (const auto& key : order) {
      const auto c = compare_rows(*a, *b, key.property);
      if (c != 0) return key.descending ? c > 0 : c < 0;
    }
    return false;
  });
}

}  // namespace tether::detail

#endif
