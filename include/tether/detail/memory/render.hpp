#ifndef TETHER_DETAIL_MEMORY_RENDER_HPP
#define TETHER_DETAIL_MEMORY_RENDER_HPP

/// @file
/// The text the memory connector reports to on_query: the query as a LoopBack filter in JSON, so a log line
/// reads like what a LoopBack user would have written.

#include <string>
#include <type_traits>
#include <variant>

#include <nlohmann/json.hpp>

#include <tether/connector.hpp>
#include <tether/detail/row_json.hpp>
#include <tether/detail/time.hpp>
#include <tether/model_info.hpp>
#include <tether/query.hpp>
#include <tether/value.hpp>

namespace tether::detail::memory {

inline nlohmann::json value_json(const value& v) {
  return std::visit(
      [](const auto& x) -> nlohmann::json {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, time_point>) return format_iso8601(x);
        else return x;
      },
      v);
}

inline const char* operator_name(operator_kind op) noexcept {
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

inline nlohmann::json predicate_json(const model_info& m, const predicate& p) {
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

inline std::string render_query(const model_info& m, const query& q) {
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

inline std::string render_row(const model_info& m, const void* row) {
  nlohmann::json j;
  write_row_json(j, m, row);
  return j.dump();
}

inline std::string render_rows(const model_info& m, row_span rows) {
  if (rows.size() == 1) return render_row(m, rows[0]);
  return std::to_string(rows.size()) + " rows";
}

}  // namespace tether::detail::memory

#endif
