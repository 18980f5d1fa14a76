#ifndef TETHER_IMPL_JSON_IPP
#define TETHER_IMPL_JSON_IPP

// The out-of-line definitions of <tether/json.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/json.hpp>

namespace tether::detail {

TETHER_DECL void write_relations(nlohmann::json& j, const model_info& m, const void* row) {
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

TETHER_DECL void write_reflections(nlohmann::json& j, const model_info& m, const void* row) {
  for (std::size_t r = 0; r < m.reflections().size(); ++r) {
    const reflection_info& info = m.reflection(r);
    const auto [loaded, answer] = reflection_of(m, row, r).answer(owner_key(m, row, info.referenced));
    if (!loaded) continue;
    nlohmann::json& embedded = j[std::string(info.name)];
    const model_info& target = info.target();
    if (!info.many) {
      if (answer == nullptr) embedded = nullptr;
      else write_json(embedded, target, answer.get());
      continue;
    }
    embedded = nlohmann::json::array();
    if (answer == nullptr) continue;
    const auto [first, count] = info.rows->rows(answer.get());
    for (std::size_t k = 0; k < count; ++k)
      write_json(embedded.emplace_back(), target, static_cast<const char*>(first) + k * target.row().size);
  }
}

TETHER_DECL void read_relation(const nlohmann::json& embedded, const nlohmann::json* found, const model_info& m,
                               void* row,
                               std::size_t i, std::size_t depth) {
  const stored_property& p = m.property(i);
  if (embedded.is_null()) {
    relation_of(m, row, i).remember(nullptr);
    return;
  }
  void* member = m.member(row, i);
  const model_info& target_model = p.relation->target();
  const std::size_t referenced = p.relation->target_property;
  auto target = target_model.row().make_shared();
  read_json(embedded, target_model, target.get(), depth + 1);
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

TETHER_DECL void read_reflected_row(const nlohmann::json& element, const model_info& m, const void* row,
    const reflection_info& info, void* at, const std::string& where, std::size_t depth) {
  const model_info& target = info.target();
  const std::string relation = std::string(m.name()) + "." + std::string(info.name) + where;
  if (!element.is_object()) {
    throw validation_error("tether: " + relation + " expects a JSON object (a " + std::string(target.name()) +
                           "), got " + describe_json(element));
  }
  read_json(element, target, at, depth + 1);
  const stored_property& key = target.property(info.foreign_key);
  const value owner = owner_key(m, row, info.referenced);
  const value read = target.get(at, info.foreign_key);
  if (std::holds_alternative<std::nullptr_t>(read) && !element.contains(std::string(key.name))) {
    target.set(at, info.foreign_key, value(owner));
    return;
  }
  if (read != owner) {
    const stored_property& referenced = m.property(info.referenced);
    throw validation_error("tether: " + relation + " has " + std::string(key.name) + " " +
                           describe_json(key.ops->to_json(target.member(at, info.foreign_key))) + " but " +
                           std::string(m.name()) + "." + std::string(referenced.name) + " is " +
                           describe_json(referenced.ops->to_json(m.member(row, info.referenced))));
  }
}

TETHER_DECL void read_reflection(const nlohmann::json& embedded, const model_info& m, void* row, std::size_t r,
                                 std::size_t depth) {
  const reflection_info& info = m.reflection(r);
  const model_info& target = info.target();
  reflection_core& core = reflection_of(m, row, r);
  value key = owner_key(m, row, info.referenced);
  if (!info.many) {
    if (embedded.is_null()) return core.remember(std::move(key), nullptr);
    if (!embedded.is_object()) {
      throw validation_error("tether: " + std::string(m.name()) + "." + std::string(info.name) +
                             " expects a JSON object (a " + std::string(target.name()) + ") or null, got " +
                             describe_json(embedded));
    }
    auto one = target.row().make_shared();
    read_reflected_row(embedded, m, row, info, one.get(), {}, depth);
    return core.remember(std::move(key), std::move(one));
  }
  if (!embedded.is_array()) {
    throw validation_error("tether: " + std::string(m.name()) + "." + std::string(info.name) +
                           " expects a JSON array of " + std::string(target.name()) + " objects, got " +
                           describe_json(embedded));
  }
  void* first = nullptr;
  auto rows = info.rows->make(embedded.size(), first);
  for (std::size_t k = 0; k < embedded.size(); ++k) {
    read_reflected_row(embedded[k], m, row, info, static_cast<char*>(first) + k * target.row().size,
                       "[" + std::to_string(k) + "]", depth);
  }
  core.remember(std::move(key), std::move(rows));
}

TETHER_DECL void read_json(const nlohmann::json& j, const model_info& m, void* row, std::size_t depth) {
  if (depth > deepest_embedding) {
    throw validation_error("tether: the JSON of " + std::string(m.name()) + " nests embedded relations more than " +
                           std::to_string(deepest_embedding) + " levels deep");
  }
  expect_row_object(j, m);
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    const nlohmann::json* found = read_row_property(j, m, row, i);
    if (m.property(i).relation == nullptr) continue;
    const auto embedded = j.find(std::string(m.property(i).relation->name));
    if (embedded != j.end()) read_relation(*embedded, found, m, row, i, depth);
  }
  // After every stored property: the owner's key, which the reflections answer for, is read by now.
  for (std::size_t r = 0; r < m.reflections().size(); ++r) {
    // The member learns which reflection of which model it is, as it does through a datasource.
    reflection_of(m, row, r).set_owner(&m.reflection(r));
    const auto embedded = j.find(std::string(m.reflection(r).name));
    if (embedded != j.end()) read_reflection(*embedded, m, row, r, depth);
  }
}

}  // namespace tether::detail

#endif
