#ifndef TETHER_JSON_HPP
#define TETHER_JSON_HPP

/// @file
/// Instances to and from JSON with nlohmann/json, for every model, through its property table (model_info.hpp):
/// the conversion is written once for all models, and each model adds only its two serializer functions.
///
/// tether provides `nlohmann::adl_serializer<M>` for every model M; it takes precedence over a `to_json` or
/// `from_json` the model declares itself. A belongsTo writes its key as `"customerId"` and, once loaded, its
/// target as `"customer": {...}` (or `null` when no row matched). Reading `"customer": {...}` fills the cache.
/// A loaded has_many writes `"orders": [...]`, a loaded has_one `"address": {...}` (or `null`), each row as its
/// own instance JSON; reading them fills the reflection's cache for the owner's key read from the same document,
/// and an embedded row's foreign key must agree with that key (one left out is taken from it).
/// Dates are ISO-8601 UTC with milliseconds. Malformed input throws `tether::validation_error` naming the
/// model, the property or relation, and the value.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include <tether/belongs_to.hpp>
#include <tether/detail/config.hpp>
#include <tether/detail/describe_json.hpp>
#include <tether/detail/reflection_core.hpp>
#include <tether/detail/relation_core.hpp>
#include <tether/detail/row_json.hpp>
#include <tether/error.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>

namespace tether::detail {

/// How deeply embedded relations may nest in a document that is read: an order's customer's orders' ... Reading
/// recurses once per level, and a hostile document could otherwise nest deeply enough to exhaust the stack.
inline constexpr std::size_t deepest_embedding = 64;

inline void write_json(nlohmann::json& j, const model_info& m, const void* row);

/// The loaded belongsTo targets of `row`: `"customer": {...}`, or null when none matched.
TETHER_DECL void write_relations(nlohmann::json& j, const model_info& m, const void* row);

/// The loaded reflections of `row`: `"orders": [...]` for a has_many, `"address": {...}` or null for a has_one.
/// A reflection loaded for another key than the owner's current one is not loaded.
TETHER_DECL void write_reflections(nlohmann::json& j, const model_info& m, const void* row);

inline void write_json(nlohmann::json& j, const model_info& m, const void* row) {
  write_row_json(j, m, row);
  if (m.has_relations()) write_relations(j, m, row);
  if (!m.reflections().empty()) write_reflections(j, m, row);
}

TETHER_DECL void read_json(const nlohmann::json& j, const model_info& m, void* row, std::size_t depth = 0);

/// Reads `embedded`, the JSON of belongsTo `i` of `row`, into the relation's cache; the key read from the same
/// document (`found`, null when absent) must agree with the target's referenced property, and is taken from it.
TETHER_DECL void read_relation(const nlohmann::json& embedded, const nlohmann::json* found, const model_info& m,
                               void* row,
                               std::size_t i, std::size_t depth);

/// Reads `element`, one embedded row of reflection `info` of the owner `row` (a row of m), into `at`, a row of the
/// target. Its foreign key must agree with the owner's referenced property; when the element leaves the key out,
/// the owner's is taken. `where` names the element in messages (`[2]` in a has_many, empty in a has_one).
TETHER_DECL void read_reflected_row(const nlohmann::json& element, const model_info& m, const void* row,
                                    const reflection_info& info, void* at, const std::string& where, std::size_t depth);

/// Reads `embedded`, the JSON of reflection `r` of `row` (its key already read), into the reflection's cache.
TETHER_DECL void read_reflection(const nlohmann::json& embedded, const model_info& m, void* row, std::size_t r,
                                 std::size_t depth);

TETHER_DECL void read_json(const nlohmann::json& j, const model_info& m, void* row, std::size_t depth);

}  // namespace tether::detail

namespace nlohmann {

/// JSON for every tether model (it takes precedence over a model's own to_json/from_json).
template <tether::model M>
struct adl_serializer<M, void> {
  static void to_json(json& j, const M& instance) {
    tether::detail::write_json(j, tether::model_info_of<M>(), &instance);
  }
  static void from_json(const json& j, M& instance) {
    tether::detail::read_json(j, tether::model_info_of<M>(), &instance);
  }
};

}  // namespace nlohmann

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/impl/json.ipp>
#endif

#endif
