#ifndef TETHER_DETAIL_INCLUDE_HPP
#define TETHER_DETAIL_INCLUDE_HPP

/// @file
/// Eager loading of belongsTo relations: one batched query per relation per level (keys de-duplicated, split
/// only by the connector's parameter limit), rows keep their order, rows sharing a target share one
/// std::shared_ptr, a missing target is cached as null. `0` and `""` are keys like any other; only a null key is
/// never queried. Keys are integers or strings, so the work is written once for each of the two.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/keys.hpp>
#include <tether/detail/relation_core.hpp>
#include <tether/detail/row_buffer.hpp>
#include <tether/detail/source.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model_info.hpp>

namespace tether::detail {

/// The property index of m's relation `name` (its foreign key); LoopBack's error when there is none.
inline std::size_t relation_index(const model_info& m, const std::string& name) {
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    const auto* relation = m.property(i).relation;
    if (relation != nullptr && relation->name == name) return i;
  }
  throw validation_error("Relation \"" + name + "\" is not defined for " + std::string(m.name()) + " model");
}

/// Makes sure a scope's `fields` read `name`: linking needs the referenced property whatever the scope selects.
inline void read_field(filter& scope, const std::string& name) {
  if (!scope.selected_fields().empty()) {
    auto fields = scope.selected_fields();
    fields.push_back(name);
    scope.fields(std::move(fields));
  }
  if (!scope.excluded_fields().empty()) {
    auto except = scope.excluded_fields();
    std::erase(except, name);
    scope.fields_except(std::move(except));
  }
}

inline void check_belongs_to_scope(const filter& scope, const std::string& relation) {
  if (scope.row_limit() || scope.row_offset() != 0 || !scope.sort_order().empty())
    throw validation_error("tether: the include scope of belongsTo relation \"" + relation +
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
      steps_.push_back({relation_index(m, item.relation), &item});
      if (item.scope) check_belongs_to_scope(*item.scope, item.relation);
    }
  }

  [[nodiscard]] bool empty() const noexcept { return steps_.empty(); }

  /// Adds the foreign keys that linking needs to a query that selects fields.
  void widen_fields(query& q) const {
    if (q.fields.empty()) return;
    for (const auto& s : steps_)
      if (std::find(q.fields.begin(), q.fields.end(), s.relation) == q.fields.end()) q.fields.push_back(s.relation);
    std::sort(q.fields.begin(), q.fields.end());
  }

  void load(row_range rows, source& s) const {
    for (const auto& step : steps_) {
      const filter* scope = step.item->scope.get();
      if (model_.property(step.relation).kind == value_kind::string)
        load_relation<std::string>(model_, step.relation, rows, s, scope);
      else
        load_relation<std::int64_t>(model_, step.relation, rows, s, scope);
    }
  }

private:
  struct step {
    std::size_t relation;
    const include_item* item;
  };

  const model_info& model_;
  std::vector<step> steps_;
};

}  // namespace tether::detail

#endif
