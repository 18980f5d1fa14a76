#ifndef TETHER_DETAIL_IMPL_ROW_JSON_IPP
#define TETHER_DETAIL_IMPL_ROW_JSON_IPP

// The out-of-line definitions of <tether/detail/row_json.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/row_json.hpp>

namespace tether::detail {

TETHER_DECL const nlohmann::json* read_row_property(const nlohmann::json& j, const model_info& m, void* row,
                                                    std::size_t index) {
  const stored_property& p = m.property(index);
  void* member = m.member(row, index);
  const auto found = j.find(std::string(p.name));
  if (found != j.end()) {
    p.ops->from_json(member, *found, m.name(), p.name);
    return &*found;
  }
  if (!p.nullable && !p.is_id)
    throw validation_error("tether: " + std::string(m.name()) + "." + std::string(p.name) +
                           " is required and missing from the JSON");
  p.ops->set(member, nullptr);
  return nullptr;
}

}  // namespace tether::detail

#endif
