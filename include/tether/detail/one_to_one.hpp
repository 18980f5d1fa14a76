#ifndef TETHER_DETAIL_ONE_TO_ONE_HPP
#define TETHER_DETAIL_ONE_TO_ONE_HPP

/// @file
/// Which foreign keys are one-to-one: those whose belongs_to a has_one of its target reflects
/// (`Customer::address` makes `Address.customerId` one-to-one). Such a key gets a unique index on every
/// connector, and a refusal for it is worded in the model's terms here, so the three connectors say the same.
///
/// The question is asked of the model_info at run time, not folded into it: model_info objects are built on first
/// use and know each other only through function pointers, so a model cannot look at its target's reflections
/// while it is being built.
///
/// A `tether::no_constraint` belongs_to reflected by a has_one is still one-to-one: no_constraint turns off
/// referential integrity (the key need not match a target), while one-to-one is the relation's shape, which
/// include and `customer.address` rely on whether the key is checked or not.

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include <tether/detail/constraint_failure.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// The has_one of the key's target that reflects m's foreign key `property` (making it one-to-one), or null: for
/// a property that is no foreign key, and for one reflected by a has_many or by nothing.
[[nodiscard]] inline const reflection_info* one_to_one(const model_info& m, std::size_t property) {
  const relation_info* relation = m.property(property).relation;
  if (relation == nullptr) return nullptr;
  for (const reflection_info& r : relation->target().reflections())
    if (!r.many && r.foreign_key == property && &r.target() == &m) return &r;
  return nullptr;
}

/// A write that gives m's one-to-one key `property` the value `key`, which another row of m holds: the one whose
/// id is `holder_id` when the connector knows it.
[[nodiscard]] inline constraint_failure one_to_one_refusal(const model_info& m, std::size_t property,
                                                           const reflection_info& reflection, value key,
                                                           std::optional<value> holder_id) {
  const model_info& owner = reflection.owner();
  constraint_failure f(constraint_kind::one_to_one_taken, m.name());
  f.property = m.property(property).name;
  f.key = std::move(key);
  f.relation = reflection.name;
  f.target_model = owner.name();
  f.target_property = owner.property(reflection.referenced).name;
  f.referring = referring_rows{std::string(m.name()), f.property, std::string(m.id().name), std::move(holder_id), 1};
  return f;
}

/// A migration that cannot make m's one-to-one key `property` unique: rows of m share the value `key` (null when
/// the connector could not tell which).
[[nodiscard]] inline constraint_failure one_to_one_duplicates(const model_info& m, std::size_t property,
                                                              const reflection_info& reflection, value key) {
  constraint_failure f(constraint_kind::duplicates_held, m.name());
  f.target_model = m.name();
  f.property = m.property(property).name;
  f.key = std::move(key);
  f.relation = std::string(reflection.owner().name()) + "." + std::string(reflection.name);
  return f;
}

}  // namespace tether::detail

#endif
