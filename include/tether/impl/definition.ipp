#ifndef TETHER_IMPL_DEFINITION_IPP
#define TETHER_IMPL_DEFINITION_IPP

// The out-of-line definitions of <tether/definition.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/definition.hpp>

namespace tether {
namespace detail {

TETHER_DECL std::string loopback_type(value_kind kind) {
  switch (kind) {
    case value_kind::integer:
    case value_kind::real: return "number";
    case value_kind::boolean: return "boolean";
    case value_kind::string: return "string";
    case value_kind::time: return "date";
    case value_kind::json: return "object";
  }
  return "object";
}

}  // namespace detail
}  // namespace tether

#endif
