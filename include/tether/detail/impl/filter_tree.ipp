#ifndef TETHER_DETAIL_IMPL_FILTER_TREE_IPP
#define TETHER_DETAIL_IMPL_FILTER_TREE_IPP

// The out-of-line definitions of <tether/detail/filter_tree.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/filter_tree.hpp>

namespace tether {

TETHER_DECL filter& filter::order(std::string_view term) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  term = trim(term);
  order_term parsed{std::string(term), false};
  if (const auto space = term.rfind(' '); space != std::string_view::npos) {
    const std::string_view direction = term.substr(space + 1);
    if (direction == "DESC" || direction == "desc") parsed = {std::string(trim(term.substr(0, space))), true};
    else if (direction == "ASC" || direction == "asc") parsed = {std::string(trim(term.substr(0, space))), false};
  }
  order_.push_back(std::move(parsed));
  return *this;
}

}  // namespace tether

#endif
