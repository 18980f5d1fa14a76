#ifndef TETHER_DETAIL_IMPL_PARSE_FILTER_IPP
#define TETHER_DETAIL_IMPL_PARSE_FILTER_IPP

// The out-of-line definitions of <tether/detail/parse_filter.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/parse_filter.hpp>

namespace tether::detail {

TETHER_DECL std::optional<operator_kind> operator_named(std::string_view name) {
  static constexpr std::pair<std::string_view, operator_kind> names[] = {
      {"eq", operator_kind::eq},       {"neq", operator_kind::neq},         {"gt", operator_kind::gt},
      {"gte", operator_kind::gte},     {"lt", operator_kind::lt},           {"lte", operator_kind::lte},
      {"inq", operator_kind::inq},     {"nin", operator_kind::nin},         {"between", operator_kind::between},
      {"like", operator_kind::like},   {"nlike", operator_kind::nlike}};
  for (const auto& [text, op] : names)
    if (text == name) return op;
  return std::nullopt;
}

}  // namespace tether::detail

#endif
