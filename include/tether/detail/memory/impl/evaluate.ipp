#ifndef TETHER_DETAIL_MEMORY_IMPL_EVALUATE_IPP
#define TETHER_DETAIL_MEMORY_IMPL_EVALUATE_IPP

// The out-of-line definitions of <tether/detail/memory/evaluate.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/memory/evaluate.hpp>

namespace tether::detail::memory {

TETHER_DECL std::partial_ordering compare_values(const value& property, const value& operand) {
  if (const auto* b = std::get_if<bool>(&property)) {
    if (const auto* o = std::get_if<bool>(&operand)) return *b <=> *o;
  } else if (const auto* i = std::get_if<std::int64_t>(&property)) {
    if (const auto* o = std::get_if<std::int64_t>(&operand)) return *i <=> *o;
    if (const auto* d = std::get_if<double>(&operand)) return static_cast<double>(*i) <=> *d;
  } else if (const auto* d = std::get_if<double>(&property)) {
    if (const auto* o = std::get_if<double>(&operand)) return *d <=> *o;
    if (const auto* o = std::get_if<std::int64_t>(&operand)) return *d <=> static_cast<double>(*o);
  } else if (const auto* t = std::get_if<time_point>(&property)) {
    if (const auto* o = std::get_if<time_point>(&operand)) return *t <=> *o;
  }
  return std::partial_ordering::unordered;
}

TETHER_DECL bool leaf_matches(const model_info& m, const void* row, const predicate& p) {
  const stored_property& property = m.property(p.property);
  const void* member = m.member(row, p.property);
  if (p.op == operator_kind::eq) return property_equals(property, member, p.values[0]);
  auto is_null = [](const value& v) { return std::holds_alternative<std::nullptr_t>(v); };
  if (!property.ops->has_value(member)) return false;
  if (property.kind == value_kind::json) return false;  // the resolver refuses comparisons on object properties
  const stored_operand stored(property, member);
  auto cmp = [&](const value& v) { return stored.compare(v); };
  switch (p.op) {
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
    case operator_kind::nlike: {
      if (property.kind != value_kind::string) return false;
      const bool hit = like_match(stored.text(), std::get<std::string>(p.values[0]));
      return p.op == operator_kind::like ? hit : !hit;
    }
    case operator_kind::eq:  // answered above
    case operator_kind::and_:
    case operator_kind::or_:
      return false;
  }
  return false;
}

TETHER_DECL bool matches(const model_info& m, const void* row, const predicate& p) {
  switch (p.op) {
    case operator_kind::and_:
      return std::all_of(p.children.begin(), p.children.end(), [&](const predicate& c) { return matches(m, row, c); });
    case operator_kind::or_:
      return std::any_of(p.children.begin(), p.children.end(), [&](const predicate& c) { return matches(m, row, c); });
    default:
      return leaf_matches(m, row, p);
  }
}

TETHER_DECL std::weak_ordering compare_rows(const model_info& m, const void* a, const void* b, std::size_t property) {
  const stored_property& p = m.property(property);
  const void* x = m.member(a, property);
  const void* y = m.member(b, property);
  if (p.kind == value_kind::json) return std::weak_ordering::equivalent;
  const bool has_x = p.ops->has_value(x);
  const bool has_y = p.ops->has_value(y);
  if (!has_x || !has_y) return has_x <=> has_y;
  if (p.kind == value_kind::string) {
    const int c = p.ops->text(x)->compare(*p.ops->text(y));
    return c < 0 ? std::weak_ordering::less : c > 0 ? std::weak_ordering::greater : std::weak_ordering::equivalent;
  }
  const auto c = compare_values(p.ops->get(x), p.ops->get(y));
  if (c < 0) return std::weak_ordering::less;
  if (c > 0) return std::weak_ordering::greater;
  return std::weak_ordering::equivalent;
}

TETHER_DECL void sort_rows(const model_info& m, std::vector<const void*>& rows, const std::vector<sort_key>& order) {
  if (order.empty()) return;
  std::stable_sort(rows.begin(), rows.end(), [&](const void* a, const void* b) {
    for (const auto& key : order) {
      const auto c = compare_rows(m, a, b, key.property);
      if (c != 0) return key.descending ? c > 0 : c < 0;
    }
    return false;
  });
}

}  // namespace tether::detail::memory

#endif
