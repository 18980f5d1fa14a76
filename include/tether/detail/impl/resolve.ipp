#ifndef TETHER_DETAIL_IMPL_RESOLVE_IPP
#define TETHER_DETAIL_IMPL_RESOLVE_IPP

// The out-of-line definitions of <tether/detail/resolve.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/resolve.hpp>

namespace tether::detail {

TETHER_DECL value coerce(const model_info& m, const property_info& info, const value& v) {
  auto refuse = [&]() -> value {
    throw validation_error("tether: " + std::string(m.name()) + "." + std::string(info.name) + " expects " +
                           kind_name(info.kind) + ", got " + describe(v));
  };
  if (std::holds_alternative<std::nullptr_t>(v)) return v;
  switch (info.kind) {
    case value_kind::integer:
      if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
      if (const auto* d = std::get_if<double>(&v); d && std::isfinite(*d) && std::trunc(*d) == *d &&
                                                   std::abs(*d) < 9.2e18)
        return static_cast<std::int64_t>(*d);
      return refuse();
    case value_kind::real:
      if (const auto* d = std::get_if<double>(&v)) return *d;
      if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
      return refuse();
    case value_kind::boolean:
      if (std::holds_alternative<bool>(v)) return v;
      return refuse();
    case value_kind::string:
      if (std::holds_alternative<std::string>(v)) return v;
      return refuse();
    case value_kind::time:
      if (std::holds_alternative<time_point>(v)) return v;
      if (const auto* s = std::get_if<std::string>(&v))
        if (auto t = parse_iso8601(*s)) return *t;
      return refuse();
    case value_kind::json:
      break;
  }
  throw validation_error("tether: " + std::string(m.name()) + "." + std::string(info.name) +
                         " is an object property and cannot be compared in a where clause");
}

TETHER_DECL predicate resolve_condition(const model_info& m, const condition& c) {
  if (c.op == operator_kind::and_ || c.op == operator_kind::or_) {
    predicate node{0, c.op, {}, {}};
    node.children.reserve(c.children.size());
    for (const auto& child : c.children) node.children.push_back(resolve_condition(m, child));
    return node;
  }
  const std::size_t index = resolve_property(m, c.property, "where");
  const property_info& info = m.property(index);
  auto where_error = [&](const std::string& why) {
    return validation_error("tether: " + std::string(m.name()) + "." + std::string(info.name) + ": " + why);
  };
  predicate leaf{index, c.op, {}, {}};
  switch (c.op) {
    case operator_kind::eq:
    case operator_kind::neq:
    case operator_kind::gt:
    case operator_kind::gte:
    case operator_kind::lt:
    case operator_kind::lte:
      if (c.values.size() != 1) throw where_error("the operator takes one value");
      if (c.op != operator_kind::eq && c.op != operator_kind::neq && std::holds_alternative<std::nullptr_t>(c.values[0]))
        throw where_error("null can only be compared with equality (eq, neq)");
      break;
    case operator_kind::between:
      if (c.values.size() != 2) throw where_error("between takes two values, got " + std::to_string(c.values.size()));
      for (const auto& v : c.values)
        if (std::holds_alternative<std::nullptr_t>(v)) throw where_error("between takes no null bound");
      break;
    case operator_kind::like:
    case operator_kind::nlike:
      if (info.kind != value_kind::string) throw where_error("like and nlike apply to string properties only");
      if (c.values.size() != 1 || !std::holds_alternative<std::string>(c.values[0]))
        throw where_error("like and nlike take one string pattern");
      break;
    case operator_kind::inq:
    case operator_kind::nin:
      break;
    case operator_kind::and_:
    case operator_kind::or_:
      break;
  }
  leaf.values.reserve(c.values.size());
  for (const auto& v : c.values) leaf.values.push_back(coerce(m, info, v));
  return leaf;
}

TETHER_DECL std::vector<std::size_t> resolve_fields(const model_info& m, const std::vector<std::string>& names,
                                                    const std::vector<std::string>& except) {
  std::vector<std::size_t> indexes;
  if (names.empty() && except.empty()) return indexes;
  std::vector<bool> chosen(m.properties().size(), names.empty());
  for (const auto& name : names) chosen[resolve_property(m, name, "fields")] = true;
  for (const auto& name : except) chosen[resolve_property(m, name, "fields")] = false;
  chosen[m.id_index()] = true;
  for (std::size_t i = 0; i < chosen.size(); ++i)
    if (chosen[i]) indexes.push_back(i);
  return indexes;
}

TETHER_DECL query resolve_query(const model_info& m, const filter& f) {
  query q;
  if (f.where_condition() && !f.where_condition()->matches_all()) q.where = resolve_condition(m, *f.where_condition());
  q.fields = resolve_fields(m, f.selected_fields(), f.excluded_fields());
  for (const auto& term : f.sort_order()) {
    const std::size_t index = resolve_property(m, term.property, "order");
    if (m.property(index).kind == value_kind::json)
      throw validation_error("tether: " + std::string(m.name()) + "." + term.property +
                             " is an object property and cannot be sorted on");
    q.order.push_back({index, term.descending});
  }
  q.limit = f.row_limit();
  q.skip = f.row_offset();
  return q;
}

}  // namespace tether::detail

#endif
