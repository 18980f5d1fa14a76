#ifndef TETHER_DETAIL_MEMORY_EVALUATE_HPP
#define TETHER_DETAIL_MEMORY_EVALUATE_HPP

/// @file
/// The memory connector's evaluation of a query: the reference semantics SQL connectors are held to.
/// Comparisons follow SQL: a null property matches only `eq null` (and `neq` a non-null value never matches
/// a null property); `like` is case-sensitive with `%`, `_` and `\` as escape.

#include <algorithm>
#include <compare>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/config.hpp>
#include <tether/detail/like.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail::memory {

/// Orders a non-null property value (of any kind but string and JSON) against an operand already coerced to the
/// property's kind.
TETHER_DECL std::partial_ordering compare_values(const value& property, const value& operand);

/// A non-null stored value against an operand: strings are compared where they are stored, without a copy.
class stored_operand {
public:
  stored_operand(const stored_property& p, const void* member) : property_(p), member_(member) {
    if (p.kind != value_kind::string) loaded_ = p.ops->get(member);
  }

  [[nodiscard]] std::partial_ordering compare(const value& operand) const {
    if (property_.kind == value_kind::string) {
      if (const auto* s = std::get_if<std::string>(&operand)) return property_.ops->text(member_)->compare(*s) <=> 0;
      return std::partial_ordering::unordered;
    }
    return compare_values(loaded_, operand);
  }

  [[nodiscard]] const std::string& text() const { return *property_.ops->text(member_); }

private:
  const stored_property& property_;
  const void* member_;
  value loaded_;
};

/// True when the property `p`, whose member in a row is `member`, equals `operand` as `eq` compares them: a null
/// property equals null only, and an object (JSON) property nothing.
inline bool property_equals(const stored_property& p, const void* member, const value& operand) {
  if (!p.ops->has_value(member)) return std::holds_alternative<std::nullptr_t>(operand);
  if (p.kind == value_kind::json) return false;
  return stored_operand(p, member).compare(operand) == 0;
}

TETHER_DECL bool leaf_matches(const model_info& m, const void* row, const predicate& p);

TETHER_DECL bool matches(const model_info& m, const void* row, const predicate& p);

/// Three-way order of two rows on one property; null sorts first.
TETHER_DECL std::weak_ordering compare_rows(const model_info& m, const void* a, const void* b, std::size_t property);

/// Sorts row pointers by the query's order, keeping id order among equals.
TETHER_DECL void sort_rows(const model_info& m, std::vector<const void*>& rows, const std::vector<sort_key>& order);

}  // namespace tether::detail::memory

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/memory/impl/evaluate.ipp>
#endif

#endif
