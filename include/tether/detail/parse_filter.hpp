#ifndef TETHER_DETAIL_PARSE_FILTER_HPP
#define TETHER_DETAIL_PARSE_FILTER_HPP

/// @file
/// LoopBack's filter JSON to a tether::filter. Shape errors (an operator LoopBack does not have, a limit that
/// is not a count) are found here; names and value types are checked against the model when the filter is used.
/// Written as templates over the JSON type (always nlohmann::json) so that a program that never parses a filter
/// compiles none of this, nor the JSON parser it uses.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <tether/detail/config.hpp>
#include <tether/detail/describe_json.hpp>
#include <tether/detail/filter_tree.hpp>
#include <tether/error.hpp>

namespace tether::detail {

template <class Json>
[[noreturn]] void bad_filter(const std::string& where, const std::string& what, const Json& j) {
  throw validation_error("tether: invalid filter: " + where + " " + what + ", got " + describe_json(j));
}

template <class Json>
value parse_value(const Json& j, const std::string& where) {
  switch (j.type()) {
    case Json::value_t::null: return nullptr;
    case Json::value_t::boolean: return j.template get<bool>();
    case Json::value_t::number_integer: return j.template get<std::int64_t>();
    case Json::value_t::number_unsigned: {
      const auto u = j.template get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX)) bad_filter(where, "takes integers up to 2^63-1", j);
      return static_cast<std::int64_t>(u);
    }
    case Json::value_t::number_float: return j.template get<double>();
    case Json::value_t::string: return j.template get<std::string>();
    default: bad_filter(where, "takes null, a number, a boolean or a string", j);
  }
}

template <class Json>
std::vector<value> parse_values(const Json& j, const std::string& where) {
  if (!j.is_array()) bad_filter(where, "takes an array", j);
  std::vector<value> values;
  values.reserve(j.size());
  for (const auto& item : j) values.push_back(parse_value(item, where));
  return values;
}

TETHER_DECL std::optional<operator_kind> operator_named(std::string_view name);

// Depth guard: a where tree deeper than this is refused rather than risking the stack (input may be hostile).
inline constexpr int max_filter_depth = 64;

template <class Json>
condition parse_where(const Json& j, int depth);

template <class Json>
condition parse_property_condition(const std::string& property, const Json& j) {
  const std::string where = "where." + property;
  if (!j.is_object()) return tether::where(property, parse_value(j, where));
  if (j.empty()) bad_filter(where, "takes a value or one operator", j);
  std::vector<condition> parts;
  for (const auto& [name, operand] : j.items()) {
    const auto op = operator_named(name);
    if (!op) bad_filter(where, "has no operator \"" + name + "\" (LoopBack's are eq, neq, gt, gte, lt, lte, inq, nin, between, like, nlike)", j);
    const std::string at = where + "." + name;
    condition c{property, *op, {}, {}};
    switch (*op) {
      case operator_kind::inq:
      case operator_kind::nin: c.values = parse_values(operand, at); break;
      case operator_kind::between:
        c.values = parse_values(operand, at);
        if (c.values.size() != 2) bad_filter(at, "takes an array of two bounds", operand);
        break;
      case operator_kind::like:
      case operator_kind::nlike:
        if (!operand.is_string()) bad_filter(at, "takes a string pattern", operand);
        c.values = {operand.template get<std::string>()};
        break;
      default: c.values = {parse_value(operand, at)}; break;
    }
    parts.push_back(std::move(c));
  }
  if (parts.size() == 1) return std::move(parts.front());
  return {{}, operator_kind::and_, {}, std::move(parts)};
}

template <class Json>
condition parse_where(const Json& j, int depth) {
  if (depth > max_filter_depth) bad_filter("where", "nests deeper than 64 levels", nullptr);
  if (!j.is_object()) bad_filter("where", "takes an object", j);
  std::vector<condition> parts;
  for (const auto& [key, v] : j.items()) {
    if (key == "and" || key == "or") {
      if (!v.is_array()) bad_filter("where." + key, "takes an array of conditions", v);
      condition group{{}, key == "and" ? operator_kind::and_ : operator_kind::or_, {}, {}};
      for (const auto& child : v) group.children.push_back(parse_where(child, depth + 1));
      parts.push_back(std::move(group));
    } else {
      parts.push_back(parse_property_condition(key, v));
    }
  }
  if (parts.size() == 1) return std::move(parts.front());
  return {{}, operator_kind::and_, {}, std::move(parts)};
}

template <class Json>
std::size_t parse_count(const Json& j, const std::string& where) {
  if (j.is_number_unsigned()) return j.template get<std::size_t>();
  if (j.is_number_integer() && j.template get<std::int64_t>() >= 0) return static_cast<std::size_t>(j.template get<std::int64_t>());
  if (j.is_number_float()) {
    // Range first: casting a double outside int64 is undefined behaviour.
    const double d = j.template get<double>();
    if (d >= 0 && d <= 9007199254740992.0 && d == std::floor(d)) return static_cast<std::size_t>(d);
  }
  bad_filter(where, "takes a non-negative integer", j);
}

template <class Json>
filter parse_filter(const Json& j, int depth);

/// LoopBack's include forms: "a", ["a", "b"], {"a": "b"}, {"a": ["b"]}, {"a": true},
/// {"relation": "a", "scope": {...}}. Booleans and numbers are ignored, as LoopBack ignores them.
template <class Json>
void parse_include(const Json& j, filter& into, int depth) {
  if (depth > max_filter_depth) bad_filter("include", "nests deeper than 64 levels", nullptr);
  switch (j.type()) {
    case Json::value_t::string: into.include(j.template get<std::string>()); return;
    case Json::value_t::array:
      for (const auto& item : j) parse_include(item, into, depth + 1);
      return;
    case Json::value_t::object:
      if (j.contains("relation")) {
        const auto& relation = j["relation"];
        if (!relation.is_string()) bad_filter("include.relation", "takes a relation name", relation);
        for (const auto& [key, v] : j.items())
          if (key != "relation" && key != "scope") bad_filter("include", "has no key \"" + key + "\" beside relation and scope", v);
        if (j.contains("scope")) into.include(relation.template get<std::string>(), parse_filter(j["scope"], depth + 1));
        else into.include(relation.template get<std::string>());
        return;
      }
      for (const auto& [name, nested] : j.items()) {
        if (nested.is_boolean() || nested.is_null()) {
          into.include(name);
          continue;
        }
        filter scope;
        parse_include(nested, scope, depth + 1);
        into.include(name, std::move(scope));
      }
      return;
    case Json::value_t::boolean:
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
    case Json::value_t::null: return;
    default: bad_filter("include", "takes a relation name, an array or an object", j);
  }
}

template <class Json>
void parse_order(const Json& j, filter& into) {
  auto one = [&](const nlohmann::json& term) {
    if (!term.is_string() || term.template get_ref<const std::string&>().empty())
      bad_filter("order", "takes \"property\", \"property ASC\" or \"property DESC\"", term);
    into.order(term.template get<std::string>());
  };
  if (j.is_array()) {
    for (const auto& term : j) one(term);
  } else {
    one(j);
  }
}

template <class Json>
void parse_fields(const Json& j, filter& into) {
  std::vector<std::string> chosen;
  std::vector<std::string> left_out;
  if (j.is_array()) {
    for (const auto& name : j) {
      if (!name.is_string()) bad_filter("fields", "takes property names", name);
      chosen.push_back(name.template get<std::string>());
    }
  } else if (j.is_object()) {
    for (const auto& [name, keep] : j.items()) {
      if (!keep.is_boolean()) bad_filter("fields." + name, "takes true or false", keep);
      (keep.template get<bool>() ? chosen : left_out).push_back(name);
    }
  } else if (j.is_string()) {
    chosen.push_back(j.template get<std::string>());
  } else {
    bad_filter("fields", "takes an array of names or an object of name: true|false", j);
  }
  // LoopBack: any `true` selects exactly those; only `false`s select all the others.
  if (!chosen.empty()) into.fields(std::move(chosen));
  else if (!left_out.empty()) into.fields_except(std::move(left_out));
}

template <class Json>
filter parse_filter(const Json& j, int depth) {
  if (depth > max_filter_depth) bad_filter("filter", "nests deeper than 64 levels", nullptr);
  if (!j.is_object()) bad_filter("filter", "takes an object", j);
  filter f;
  for (const auto& [key, v] : j.items()) {
    if (key == "where") {
      if (!v.is_null() && !v.empty()) f.where(parse_where(v, depth + 1));
    } else if (key == "fields") {
      parse_fields(v, f);
    } else if (key == "order") {
      parse_order(v, f);
    } else if (key == "limit") {
      f.limit(parse_count(v, "limit"));
    } else if (key == "skip" || key == "offset") {
      f.skip(parse_count(v, key));
    } else if (key == "include") {
      parse_include(v, f, depth + 1);
    } else {
      bad_filter("filter", "has no key \"" + key + "\" (LoopBack's are where, fields, order, limit, skip, offset, include)", v);
    }
  }
  return f;
}

}  // namespace tether::detail

namespace tether {

template <class Json>
  requires std::same_as<Json, nlohmann::json>
filter filter::parse(const Json& j) {
  return detail::parse_filter(j, 0);
}

template <class Json>
filter filter::parse(std::string_view text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for numbers like 8E888
    throw validation_error(std::string("tether: invalid filter: not JSON: ") + e.what());
  }
  return parse(j);
}

}  // namespace tether

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/parse_filter.ipp>
#endif

#endif
