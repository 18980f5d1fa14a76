#ifndef TETHER_IMPL_DATASOURCE_IPP
#define TETHER_IMPL_DATASOURCE_IPP

// The out-of-line definitions of <tether/datasource.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/datasource.hpp>

namespace tether {
namespace detail {

TETHER_DECL std::vector<const model_info*> order_by_references(const std::vector<const model_info*>& models) {
  std::vector<const model_info*> ordered;
  std::vector<bool> placed(models.size(), false);
  auto references = [](const model_info& m, const model_info* other) {
    for (const auto& p : m.properties())
      if (p.relation != nullptr && &p.relation->target() == other) return true;
    return false;
  };
  while (ordered.size() < models.size()) {
    bool progressed = false;
    for (std::size_t i = 0; i < models.size(); ++i) {
      if (placed[i]) continue;
      bool ready = true;
      for (std::size_t j = 0; j < models.size(); ++j)
        if (j != i && !placed[j] && references(*models[i], models[j])) ready = false;
      if (ready) {
        ordered.push_back(models[i]);
        placed[i] = progressed = true;
      }
    }
    if (!progressed) {
      for (std::size_t i = 0; i < models.size(); ++i)
        if (!placed[i]) {
          ordered.push_back(models[i]);
          placed[i] = true;
        }
    }
  }
  return ordered;
}

}  // namespace detail
}  // namespace tether

#endif
