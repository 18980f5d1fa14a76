#ifndef TETHER_JSON_HPP
#define TETHER_JSON_HPP

/// @file
/// Instances to and from JSON with nlohmann/json, for every model, through its property table (model_info.hpp):
/// the conversion is written once for all models, and each model adds only its two serializer functions.
///
/// tether provides `nlohmann::adl_serializer<M>` for every model M; it takes precedence over a `to_json` or
/// `from_json` the model declares itself. A belongsTo writes its key as `"customerId"` and, once loaded, its
/// target as `"customer": {...}` (or `null` when no row matched). Reading `"customer": {...}` fills the cache.
/// Dates are ISO-8601 UTC with milliseconds. Malformed input throws `tether::validation_error` naming the
/// model, the property and the value.

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include <tether/belongs_to.hpp>
#include <tether/detail/describe_json.hpp>
#include <tether/detail/relation_core.hpp>
#include <tether/detail/row_json.hpp>
#include <tether/error.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>

namespace tether::detail {

inline void write_json(nlohmann::json& j, const model_info& m, const void* row) {
  write_row_json(j, m, row);
  if (!m.has_relations()) return;
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    const stored_property& p = m.property(i);
    if (p.relation == nullptr) continue;
    if (auto [loaded, target] = relation_of(m, row, i).answer(); loaded) {
      nlohmann::json& embedded = j[std::string(p.relation->name)];
      if (target == nullptr) embedded = nullptr;
      else write_json(embedded, p.relation->target(), target.get());
    }
  }
}

inline void read_json(const nlohmann::json& j, const model_info& m, void* row) {
  expect_row_object(j, m);
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    const nlohmann::json* found = read_row_property(j, m, row, i);
    const stored_property& p = m.property(i);
    if (p.relation == nullptr) continue;
    const auto embedded = j.find(std::string(p.relation->name));
    if (embedded == j.end()) continue;
    if (embedded->is_null()) {
      relation_of(m, row, i).remember(nullptr);
      continue;
    }
    void* member = m.member(row, i);
    const model_info& target_model = p.relation->target();
    const std::size_t referenced = p.relation->target_property;
    auto target = target_model.row().make_shared();
    read_json(*embedded, target_model, target.get());
    const value linked = target_model.get(target.get(), referenced);
    if (found != nullptr && p.ops->get(member) != linked) {
      throw validation_error("tether: " + std::string(m.name()) + "." + std::string(p.name) + " is " +
                             describe_json(*found) + " but the embedded " + std::string(p.relation->name) + " has " +
                             std::string(target_model.property(referenced).name) + " " +
                             describe_json(target_model.property(referenced).ops->to_json(
                                 target_model.member(target.get(), referenced))));
    }
    p.ops->set(member, value(linked));
    relation_of(m, row, i).remember(std::move(target));
  }
}

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

#endif
