#ifndef TETHER_DETAIL_RESOLVE_HPP
#define TETHER_DETAIL_RESOLVE_HPP

/// @file
/// Turns a filter (names and loosely typed values) into a `tether::query` for a model: every name checked
/// against the model, every value converted to the property's kind. Errors name model, property and value.

#include <cmath>
#include <string>
#include <string_view>

#include <tether/connector.hpp>
#include <tether/detail/config.hpp>
#include <tether/detail/time.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

inline std::size_t resolve_property(const model_info& m, std::string_view name, std::string_view clause) {
  if (const auto found = m.find(name)) return *found;
  // A has_many or has_one is a relation: a name for include, never a property.
  const char* relation = m.find_reflection(name) ? "; it is a relation, for include" : "";
  throw validation_error("tether: " + std::string(m.name()) + " has no property \"" + std::string(name) + "\" (in " +
                         std::string(clause) + relation + ")");
}

inline const char* kind_name(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::integer: return "an integer";
    case value_kind::real: return "a number";
    case value_kind::boolean: return "a boolean";
    case value_kind::string: return "a string";
    case value_kind::time: return "a date (ISO-8601 string)";
    case value_kind::json: return "an object";
  }
  return "a value";
}

/// Converts `v` to the representation a property of `info.kind` compares with, or throws.
TETHER_DECL value coerce(const model_info& m, const property_info& info, const value& v);

TETHER_DECL predicate resolve_condition(const model_info& m, const condition& c);

/// Indexes for `fields`: the named ones plus the id, which is always read so a result can be written back.
TETHER_DECL std::vector<std::size_t> resolve_fields(const model_info& m, const std::vector<std::string>& names,
                                                    const std::vector<std::string>& except);

TETHER_DECL query resolve_query(const model_info& m, const filter& f);

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/resolve.ipp>
#endif

#endif
