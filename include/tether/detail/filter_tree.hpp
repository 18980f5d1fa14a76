#ifndef TETHER_DETAIL_FILTER_TREE_HPP
#define TETHER_DETAIL_FILTER_TREE_HPP

/// @file
/// `tether::filter` and its builders, without the JSON parser: what the datasource and relations need of a
/// filter. Users include <tether/filter.hpp>, which adds `filter::parse` (detail/parse_filter.hpp).

#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <tether/detail/config.hpp>
#include <tether/query.hpp>
#include <tether/value.hpp>

namespace tether {

/// @brief The operator half of a condition: `tether::gt(10)`, `tether::inq(...)`.
struct operand {
  operator_kind op = operator_kind::eq;
  std::vector<value> values;
};

/// @brief One node of a where tree: a comparison of a property with values, or an and/or of children.
/// A default-constructed condition matches every row.
struct condition {
  std::string property;
  operator_kind op = operator_kind::and_;
  std::vector<value> values;
  std::vector<condition> children;

  [[nodiscard]] bool matches_all() const noexcept {
    return op == operator_kind::and_ && children.empty() && property.empty();
  }
};

/// @name Operators, each a function of its LoopBack name
/// @{
template <class V>
operand eq(const V& v) { return {operator_kind::eq, {detail::to_value(v)}}; }
template <class V>
operand neq(const V& v) { return {operator_kind::neq, {detail::to_value(v)}}; }
template <class V>
operand gt(const V& v) { return {operator_kind::gt, {detail::to_value(v)}}; }
template <class V>
operand gte(const V& v) { return {operator_kind::gte, {detail::to_value(v)}}; }
template <class V>
operand lt(const V& v) { return {operator_kind::lt, {detail::to_value(v)}}; }
template <class V>
operand lte(const V& v) { return {operator_kind::lte, {detail::to_value(v)}}; }
template <class Range>
operand inq(const Range& values) {
  operand o{operator_kind::inq, {}};
  for (const auto& v : values) o.values.push_back(detail::to_value(v));
  return o;
}
template <class V>
operand inq(std::initializer_list<V> values) { return inq<std::initializer_list<V>>(values); }
template <class Range>
operand nin(const Range& values) {
  operand o = inq(values);
  o.op = operator_kind::nin;
  return o;
}
template <class V>
operand nin(std::initializer_list<V> values) { return nin<std::initializer_list<V>>(values); }
template <class A, class B>
operand between(const A& low, const B& high) {
  return {operator_kind::between, {detail::to_value(low), detail::to_value(high)}};
}
inline operand like(std::string pattern) { return {operator_kind::like, {std::move(pattern)}}; }
inline operand nlike(std::string pattern) { return {operator_kind::nlike, {std::move(pattern)}}; }
/// @}

/// @brief A condition on one property: `where("amount", gt(10))`, or equality with a plain value.
template <class V>
condition where(std::string property, const V& value_or_operand) {
  if constexpr (std::is_same_v<V, operand>) {
    return {std::move(property), value_or_operand.op, value_or_operand.values, {}};
  } else {
    return {std::move(property), operator_kind::eq, {detail::to_value(value_or_operand)}, {}};
  }
}

/// @brief All of the conditions.
template <class... C>
condition and_(C&&... conditions) {
  return {{}, operator_kind::and_, {}, {condition(std::forward<C>(conditions))...}};
}

/// @brief Any of the conditions.
template <class... C>
condition or_(C&&... conditions) {
  return {{}, operator_kind::or_, {}, {condition(std::forward<C>(conditions))...}};
}

/// @brief One term of `order`: a property and a direction.
struct order_term {
  std::string property;
  bool descending = false;
};

class filter;

/// @brief One item of `include`: a relation, and the filter (scope) applied to the related rows.
struct include_item {
  std::string relation;
  std::shared_ptr<const filter> scope;  ///< null: no scope
};

/// @brief LoopBack's filter: `where`, `fields`, `order`, `limit`, `skip` and `include`. Builders return the
/// filter itself, so they chain: `tether::filter{}.where("amount", tether::gt(10)).limit(20)`.
class filter {
public:
  /// @brief Adds a condition, AND-ed with those already there.
  filter& where(condition c) {
    if (!where_ || where_->matches_all()) {
      where_ = std::move(c);
    } else if (where_->op == operator_kind::and_ && where_->property.empty()) {
      where_->children.push_back(std::move(c));
    } else {
      where_ = and_(std::move(*where_), std::move(c));
    }
    return *this;
  }
  template <class V>
  filter& where(std::string property, const V& value_or_operand) {
    return where(tether::where(std::move(property), value_or_operand));
  }

  /// @brief Selects properties (LoopBack's array form); left-out properties come back value-initialised.
  filter& fields(std::vector<std::string> names) {
    fields_ = std::move(names);
    return *this;
  }
  filter& fields(std::initializer_list<std::string_view> names) {
    fields_.assign(names.begin(), names.end());
    return *this;
  }
  /// @brief Selects every property but these (LoopBack's object form with only `false` values).
  filter& fields_except(std::vector<std::string> names) {
    excluded_fields_ = std::move(names);
    return *this;
  }

  /// @brief LoopBack's filter from JSON text or from a parsed document. Shape errors are a validation_error
  /// here; names and value types are checked against the model when the filter is used. Defined by
  /// <tether/filter.hpp> (detail/parse_filter.hpp), so only a program that parses filters compiles the parser.
  template <class Json = nlohmann::json>
  static filter parse(std::string_view json_text);
  template <class Json>
    requires std::same_as<Json, nlohmann::json>
  static filter parse(const Json& json);

  /// @brief Sorts by "property" or "property ASC|DESC"; several calls add terms.
  filter& order(std::string_view term);
  filter& order(order_term term) {
    order_.push_back(std::move(term));
    return *this;
  }

  filter& limit(std::size_t n) {
    limit_ = n;
    return *this;
  }
  filter& skip(std::size_t n) {
    skip_ = n;
    return *this;
  }
  filter& offset(std::size_t n) { return skip(n); }

  /// @brief Loads a relation with the rows, in one batched query per level.
  filter& include(std::string relation) {
    include_.push_back({std::move(relation), nullptr});
    return *this;
  }
  filter& include(std::string relation, filter scope) {
    include_.push_back({std::move(relation), std::make_shared<const filter>(std::move(scope))});
    return *this;
  }

  [[nodiscard]] const std::optional<condition>& where_condition() const noexcept { return where_; }
  [[nodiscard]] const std::vector<std::string>& selected_fields() const noexcept { return fields_; }
  [[nodiscard]] const std::vector<std::string>& excluded_fields() const noexcept { return excluded_fields_; }
  [[nodiscard]] const std::vector<order_term>& sort_order() const noexcept { return order_; }
  [[nodiscard]] std::optional<std::size_t> row_limit() const noexcept { return limit_; }
  [[nodiscard]] std::size_t row_offset() const noexcept { return skip_; }
  [[nodiscard]] const std::vector<include_item>& includes() const noexcept { return include_; }

  /// @brief True when the filter narrows rows or properties (a relation's cache keeps only unnarrowed loads).
  [[nodiscard]] bool narrows() const noexcept {
    return (where_ && !where_->matches_all()) || !fields_.empty() || !excluded_fields_.empty();
  }

private:
  std::optional<condition> where_;
  std::vector<std::string> fields_;
  std::vector<std::string> excluded_fields_;
  std::vector<order_term> order_;
  std::optional<std::size_t> limit_;
  std::size_t skip_ = 0;
  std::vector<include_item> include_;
};

}  // namespace tether

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/filter_tree.ipp>
#endif

#endif
