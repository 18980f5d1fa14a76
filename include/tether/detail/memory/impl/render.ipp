#ifndef TETHER_DETAIL_MEMORY_IMPL_RENDER_IPP
#define TETHER_DETAIL_MEMORY_IMPL_RENDER_IPP

// The out-of-line definitions of <tether/detail/memory/render.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/memory/render.hpp>

namespace tether::detail::memory {

TETHER_DECL const char* operator_name(operator_kind op) noexcept {
  switch (op) {
    case operator_kind::eq: return "eq";
    case operator_kind::neq: return "neq";
    case operator_kind::gt: return "gt";
    case operator_kind::gte: return "gte";
    case operator_kind::lt: return "lt";
    case operator_kind::lte: return "lte";
    case operator_kind::inq: return "inq";
    case operator_kind::nin: return "nin";
    case operator_kind::between: return "between";
    case operator_kind::like: return "like";
    case operator_kind::nlike: return "nlike";
    case operator_kind::and_: return "and";
    case operator_kind::or_: return "or";
  }
  return "?";
}

TETHER_DECL nlohmann::json predicate_json(const model_info& m, const predicate& p) {
  if (p.op == operator_kind::and_ || p.op == operator_kind::or_) {
    nlohmann::json children = nlohmann::json::array();
    for (const auto& child : p.children) children.push_back(predicate_json(m, child));
    return {{operator_name(p.op), children}};
  }
  const std::string name(m.property(p.property).name);
  if (p.op == operator_kind::eq) return {{name, value_json(p.values[0])}};
  nlohmann::json operands = nlohmann::json::array();
  for (const auto& v : p.values) operands.push_back(value_json(v));
  const bool single = p.op != operator_kind::inq && p.op != operator_kind::nin && p.op != operator_kind::between;
  return {{name, {{operator_name(p.op), single ? operands[0] : operands}}}};
}

TETHER_DECL std::string render_query(const model_info& m, const query& q) {
  nlohmann::json out = nlohmann::json::object();
  if (q.where) out["where"] = predicate_json(m, *q.where);
  if (!q.fields.empty()) {
    out["fields"] = nlohmann::json::array();
    for (const auto f : q.fields) out["fields"].push_back(std::string(m.property(f).name));
  }
  if (!q.order.empty()) {
    out["order"] = nlohmann::json::array();
    for (const auto& o : q.order)
      out["order"].push_back(std::string(m.property(o.property).name) + (o.descending ? " DESC" : " ASC"));
  }
  if (q.limit) out["limit"] = *q.limit;
  if (q.skip) out["skip"] = q.skip;
  if (q.partition) out["partition"] = std::string(m.property(*q.partition).name);
  return out.dump();
}

}  // namespace tether::detail::memory

#endif
