#ifndef TETHER_DETAIL_INCLUDE_HPP
#define TETHER_DETAIL_INCLUDE_HPP

/// @file
/// Eager loading (include) of a find's rows: one batched query per relation per level, whatever the number of
/// rows (keys de-duplicated, split only by the connector's parameter limit); rows keep their order.
///   - belongsTo: rows sharing a target share one std::shared_ptr; a missing target is cached as null. `0` and
///     `""` are keys like any other; only a null key is never queried.
///   - has_many: each owner's rows in a shared std::vector, in the query's order (by id unless the scope's
///     `order`); the scope's `order`, `limit` and `skip` apply per owner in the same one query
///     (query::partition). An owner with none gets an empty vector.
///   - has_one: the one row whose key is the owner's, or null. Its scope takes no `limit`, `skip` or `order`, as
///     belongsTo's: one row per owner, so there is nothing to sort or page.
/// An owner not created yet (its referenced property value-initialised) has no related rows and costs no query.
/// Keys are integers or strings, so the work is written once for each of the two.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/config.hpp>
#include <tether/detail/keys.hpp>
#include <tether/detail/reflection_core.hpp>
#include <tether/detail/relation_core.hpp>
#include <tether/detail/resolve.hpp>
#include <tether/detail/row_buffer.hpp>
#include <tether/detail/source.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// The property index of m's belongsTo relation `name` (its foreign key), or nullopt.
inline std::optional<std::size_t> find_relation(const model_info& m, std::string_view name) noexcept {
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    const auto* relation = m.property(i).relation;
    if (relation != nullptr && relation->name == name) return i;
  }
  return std::nullopt;
}

/// LoopBack's error for an include of a name that is no relation of m.
inline validation_error undefined_relation(const model_info& m, const std::string& name) {
  return validation_error("Relation \"" + name + "\" is not defined for " + std::string(m.name()) + " model");
}

/// Makes sure a scope's `fields` read `name`: linking needs the referenced property whatever the scope selects.
TETHER_DECL void read_field(filter& scope, const std::string& name);

/// A belongsTo's or has_one's scope: one row per owner, so nothing to sort or page.
inline void check_one_row_scope(const filter& scope, std::string_view kind, const std::string& relation) {
  if (scope.row_limit() || scope.row_offset() != 0 || !scope.sort_order().empty())
    throw validation_error("tether: the include scope of " + std::string(kind) + " relation \"" + relation +
                           "\" may not have limit, skip or order (one target per row)");
}

/// One included relation of `rows` (rows of m): the distinct keys, their targets in batches, then the links.
/// Each row's key is read once: the first pass numbers the distinct keys and remembers each row's number, so
/// linking is an index into the targets found, not a second read and a hash look-up per row.
template <class Key>
void load_relation(const model_info& m, std::size_t relation, row_range rows, source& s, const filter* scope) {
  const stored_property& key_property = m.property(relation);
  const value_ops& key_ops = *key_property.ops;
  const relation_info& link = *key_property.relation;
  const model_info& target = link.target();
  const stored_property& referenced = target.property(link.target_property);
  const std::string referenced_name(referenced.name);

  using read = key_reading<Key>;
  constexpr std::size_t no_key = SIZE_MAX;
  std::unordered_map<Key, std::size_t> number_of;  // a distinct key -> its place in `keys`
  std::vector<Key> keys;
  std::vector<std::size_t> key_of_row(rows.size(), no_key);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    read key{};
    if (!read_key(key_ops, m.member(rows[r], relation), key)) continue;
    const auto [at, fresh] = number_of.try_emplace(owned_key(key), keys.size());
    if (fresh) keys.push_back(at->first);
    key_of_row[r] = at->second;
  }

  std::vector<std::shared_ptr<void>> targets(keys.size());  // the target of keys[i], or null when none
  if (!keys.empty()) {
    const std::size_t chunk = std::max<std::size_t>(1, std::min(s.parameter_limit(), keys.size()));
    for (std::size_t first = 0; first < keys.size(); first += chunk) {
      const std::size_t last = std::min(keys.size(), first + chunk);
      filter batch = scope ? *scope : filter{};
      read_field(batch, referenced_name);
      std::vector<Key> slice(keys.begin() + static_cast<std::ptrdiff_t>(first),
                             keys.begin() + static_cast<std::ptrdiff_t>(last));
      batch.where(referenced_name, slice.size() == 1 ? tether::eq(slice.front()) : tether::inq(slice));
      shared_buffer found(target);
      s.find(target, batch, found);
      for (auto& t : found.shared()) {
        read key{};
        if (!read_key(*referenced.ops, target.member(t.get(), link.target_property), key)) continue;
        if (const auto number = find_key(number_of, key); number != number_of.end() && !targets[number->second])
          targets[number->second] = std::move(t);  // rows come by id: the first row of a key stays
      }
    }
  }

  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto& core = relation_of(m, rows[r], relation);
    core.remember(key_of_row[r] == no_key ? nullptr : targets[key_of_row[r]]);
  }
}

/// The includes of one find, checked against the model before any query runs.
class include_plan {
public:
  include_plan(const model_info& m, const filter& f) : model_(m) {
    for (const auto& item : f.includes()) {
      if (const auto relation = find_relation(m, item.relation)) {
        if (item.scope) check_one_row_scope(*item.scope, "belongsTo", item.relation);
        steps_.push_back({step_kind::belongs_to, *relation, &item});
      } else if (const auto reflection = m.find_reflection(item.relation)) {
        const bool many = m.reflection(*reflection).many;
        if (item.scope && !many) check_one_row_scope(*item.scope, "hasOne", item.relation);
        steps_.push_back({many ? step_kind::has_many : step_kind::has_one, *reflection, &item});
      } else {
        throw undefined_relation(m, item.relation);
      }
    }
  }

  [[nodiscard]] bool empty() const noexcept { return steps_.empty(); }

  /// Adds the properties that linking needs to a query that selects fields: a belongsTo's foreign key, the
  /// property a reflection's key references.
  void widen_fields(query& q) const {
    if (q.fields.empty()) return;
    for (const auto& s : steps_) {
      const std::size_t needed = s.kind == step_kind::belongs_to ? s.index : model_.reflection(s.index).referenced;
      if (std::find(q.fields.begin(), q.fields.end(), needed) == q.fields.end()) q.fields.push_back(needed);
    }
    std::sort(q.fields.begin(), q.fields.end());
  }

  /// Loads every included relation of `rows`, rows of the model the plan was made for.
  void load(row_range rows, source& s) const;

private:
  enum class step_kind { belongs_to, has_many, has_one };
  struct step {
    step_kind kind;
    std::size_t index;  ///< the foreign key's property index (belongsTo) or the reflection's index
    const include_item* item;
  };

  const model_info& model_;
  std::vector<step> steps_;
};

/// Appends to `out` the rows of `target` whose property `key_property` holds one of `keys` and that `scope`
/// selects, one query per batch of at most the store's parameter limit, the key property read whatever the
/// scope's `fields`; then loads the scope's own includes on all of them at once. With `per_key`, the scope's
/// `order`, `limit` and `skip` apply to the rows of each key (query::partition), still in one query a batch.
TETHER_DECL void read_by_keys(const model_info& target, std::size_t key_property, const std::vector<value>& keys,
                              const filter* scope, bool per_key, source& s, row_buffer& out);

/// One included has_many or has_one (reflection `index` of m) of `rows`: the owners' distinct keys, the related
/// rows in batches, then each owner's answer remembered with the key it is for. Key is the owners' referenced
/// property's type as a key (std::int64_t or std::string).
template <class Key>
void load_reflection(const model_info& m, std::size_t index, row_range rows, source& s, const filter* scope) {
  const reflection_info& reflection = m.reflection(index);
  const model_info& target = reflection.target();
  const value_ops& key_ops = *target.property(reflection.foreign_key).ops;

  constexpr std::size_t no_key = SIZE_MAX;
  std::unordered_map<Key, std::size_t> number_of;  // a distinct key -> its place in `keys`
  std::vector<value> keys;
  std::vector<std::size_t> key_of_row(rows.size(), no_key);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    value key = owner_key(m, rows[r], reflection.referenced);
    if (std::holds_alternative<std::nullptr_t>(key)) continue;  // not created yet: nothing to ask for
    const auto [at, fresh] = number_of.try_emplace(std::get<Key>(key), keys.size());
    if (fresh) keys.push_back(std::move(key));
    key_of_row[r] = at->second;
  }
  // The number of the key a related row holds; no_key for none (a row the batch did not ask for).
  const auto number_of_row = [&](const void* row) {
    key_reading<Key> key{};
    if (!read_key(key_ops, target.member(row, reflection.foreign_key), key)) return no_key;
    const auto found = find_key(number_of, key);
    return found == number_of.end() ? no_key : found->second;
  };

  std::vector<std::shared_ptr<void>> answers(keys.size());  // the answer for keys[i]
  if (reflection.many) {
    // One flat result, its own includes loaded on it, then each row moved to its owner's vector in order
    // (a move keeps the row's caches).
    block_buffer found(target);
    if (!keys.empty()) read_by_keys(target, reflection.foreign_key, keys, scope, true, s, found);
    const row_range read = found.rows_from(0);
    std::vector<std::size_t> owner_of(read.size());
    std::vector<std::size_t> counts(keys.size(), 0);
    for (std::size_t f = 0; f < read.size(); ++f)
      if ((owner_of[f] = number_of_row(read[f])) != no_key) ++counts[owner_of[f]];
    std::vector<char*> next(keys.size());
    for (std::size_t k = 0; k < keys.size(); ++k) {
      void* first = nullptr;
      answers[k] = reflection.rows->make(counts[k], first);
      next[k] = static_cast<char*>(first);
    }
    const row_ops& ops = target.row();
    for (std::size_t f = 0; f < read.size(); ++f) {
      if (owner_of[f] == no_key) continue;
      ops.move_assign(next[owner_of[f]], read[f]);
      next[owner_of[f]] += ops.size;
    }
  } else if (!keys.empty()) {
    shared_buffer found(target);
    read_by_keys(target, reflection.foreign_key, keys, scope, false, s, found);
    for (auto& row : found.shared()) {
      const std::size_t k = number_of_row(row.get());
      if (k != no_key && !answers[k]) answers[k] = std::move(row);  // rows come by id: the first of a key stays
    }
  }

  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto& core = reflection_of(m, rows[r], index);
    if (key_of_row[r] != no_key) {
      core.remember(keys[key_of_row[r]], answers[key_of_row[r]]);
    } else if (reflection.many) {
      void* first = nullptr;
      core.remember(nullptr, reflection.rows->make(0, first));  // an owner of its own: a vector of its own
    } else {
      core.remember(nullptr, nullptr);
    }
  }
}

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/include.ipp>
#endif

#endif
