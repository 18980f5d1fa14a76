#ifndef TETHER_DETAIL_CONSTRAINT_FAILURE_HPP
#define TETHER_DETAIL_CONSTRAINT_FAILURE_HPP

/// @file
/// A write the store refused for referential integrity, as data: what kind of refusal, which model, property and
/// key, which rows of which model stood in the way. Every connector finds these facts its own way (the memory
/// connector from its indexes, SQLite by asking again, PostgreSQL from the error fields and the catalog) and
/// reports them here, and this file alone words the message, so the three say the same thing in the same words.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <tether/detail/config.hpp>
#include <tether/error.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// What a refused write ran into.
enum class constraint_kind : std::uint8_t {
  dangling_key,        ///< a row's foreign key matches no row of the relation's target
  still_referenced,    ///< a removal, or one it cascades to, meets rows whose on_delete is restrict
  referenced_changed,  ///< an update changes a property that rows of another model reference
  duplicate_id,        ///< a write gives an id that another row has
  duplicate_unique,    ///< a write repeats the value of a property that a foreign key references
  drop_refused,        ///< a model's table is dropped while rows of another model reference its rows
  duplicates_held,     ///< a migration cannot make a property unique (referenced, or one-to-one): rows share a value
  one_to_one_taken,    ///< a write gives a one-to-one key (a has_one reflects its belongs_to) a value another row has
  unexplained          ///< the store refused for a reason the connector cannot name in the model's terms
};

/// The rows of a model that reference a key: `Order.customerId`, from `count` rows, the first by id `first_id`.
struct referring_rows {
  std::string model;
  std::string property;           ///< the foreign key property
  std::string id_property;        ///< the referring model's id property ("" when unknown)
  std::optional<value> first_id;  ///< the lowest id among them, when known
  std::size_t count = 0;          ///< how many; 0 when not counted
};

/// The row whose removal cascaded down to the row that could not be removed.
struct cascade_origin {
  std::string model;
  std::string id_property;
  value id;
};

/// One refused write. Which fields a kind fills:
///   dangling_key        model, property (the key), key, relation, target_model, target_property
///   still_referenced    model, property, key (the row that cannot go), referring, cascaded_from (when below)
///   referenced_changed  model, property (the changed one), id, referring (model and property)
///   duplicate_id        operation, model, id
///   duplicate_unique    model, property, key
///   drop_refused        model, key (a referenced value), referring (model and property)
///   duplicates_held     model (the one migrated), target_model (the table holding them), reason; for a
///                       one-to-one key also property (the key), key (a shared value, null when unknown) and
///                       relation (the has_one, as "Customer.address")
///   one_to_one_taken    model, property (the key), key, relation (the has_one), target_model (its owner),
///                       target_property (the owner's property the key references), referring (the row holding
///                       the key already: model, property, id_property, first_id when known)
///   unexplained         operation, model, property and id (the id property and the row's id, when known), reason
/// `constraint`, when the store names its constraints, is that name, for every kind.
struct constraint_failure {
  constraint_failure(constraint_kind k, std::string_view refused_model) : kind(k), model(refused_model) {}

  constraint_kind kind;
  std::string model;
  std::string operation;  ///< "create", "update", "remove"
  std::string property;
  value key;
  std::optional<value> id;
  std::string relation;
  std::string target_model;
  std::string target_property;
  referring_rows referring;
  std::optional<cascade_origin> cascaded_from;
  std::string constraint;
  std::string reason;  ///< the store's own words, for the kinds it explains no better
};

/// The message for `f`: facts first, then the constraint's name, then what to do about it.
TETHER_DECL std::string constraint_message(const constraint_failure& f);

/// A refusal the connector cannot name in the model's terms: the store's own words, and the row when known.
inline constraint_failure unexplained_failure(std::string_view operation, std::string_view model,
                                              std::string_view id_property, std::optional<value> id,
                                              std::string_view reason) {
  constraint_failure f(constraint_kind::unexplained, model);
  f.operation = operation;
  f.property = id_property;
  f.id = std::move(id);
  f.reason = reason;
  return f;
}

/// Throws the constraint_error that words `f`.
[[noreturn]] inline void throw_constraint_failure(const constraint_failure& f) {
  throw constraint_error(constraint_message(f));
}

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/constraint_failure.ipp>
#endif

#endif
