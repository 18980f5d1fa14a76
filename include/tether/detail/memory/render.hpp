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
#include <tether/detail/config.hpp>
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

TETHER_DECL const char* operator_name(operator_kind op) noexcept;

TETHER_DECL nlohmann::json predicate_json(const model_info& m, const predicate& p);

TETHER_DECL std::string render_query(const model_info& m, const query& q);

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

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/memory/impl/render.ipp>
#endif

#endif
