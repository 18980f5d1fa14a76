#ifndef TETHER_DETAIL_INCLUDE_HPP
#define TETHER_DETAIL_INCLUDE_HPP

/// @file
/// Eager loading of belongsTo relations: one batched query per relation per level (keys de-duplicated with
/// the key type's own equality and hash, split only by the connector's parameter limit), rows keep their order,
/// rows sharing a target share one std::shared_ptr, a missing target is cached as null. `0` and `""` are keys
/// like any other; only a null key is never queried.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <tether/belongs_to.hpp>
#include <tether/connector.hpp>
#include <tether/detail/visit_property.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model.hpp>

namespace tether::detail {

template <class M>
std::size_t relation_index(const std::string& name) {
  std::size_t found = no_property;
  for_each_property<M>([&](auto i) {
    if constexpr (is_foreign_key<M, i>)
      if (member_name<M, i> == name) found = i;
  });
  if (found == no_property)
    throw validation_error("Relation \"" + name + "\" is not defined for " + std::string(model_name<M>) + " model");
  return found;
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

/// The includes of one find, checked against M before any query runs.
template <class M>
class include_plan {
public:
  struct step {
    std::size_t relation;
    const include_item* item;
  };

  explicit include_plan(const filter& f) {
    for (const auto& item : f.includes()) {
      steps_.push_back({relation_index<M>(item.relation), &item});
      if (item.scope) check_belongs_to_scope(*item.scope, item.relation);
    }
  }

  /// Adds the foreign keys that linking needs to a query that selects fields.
  void widen_fields(query& q) const {
    if (q.fields.empty()) return;
    for (const auto& s : steps_)
      if (std::find(q.fields.begin(), q.fields.end(), s.relation) == q.fields.end()) q.fields.push_back(s.relation);
    std::sort(q.fields.begin(), q.fields.end());
  }

  template <class Core>
  void load(std::vector<M>& rows, Core& core) const {
    for (const auto& s : steps_) {
      with_property_index<M>(s.relation, [&](auto i) {
        if constexpr (is_foreign_key<M, i>) load_relation<i>(rows, core, s.item->scope.get());
      });
    }
  }

private:
  template <std::size_t I, class Core>
  static void load_relation(std::vector<M>& rows, Core& core, const filter* scope) {
    using relation = member_type<M, I>;
    using target = typename relation::target_type;
    using key = typename relation::key_type;
    constexpr std::size_t referenced = relation::referenced_property();
    const std::string referenced_name(property_name<target, referenced>);

    std::unordered_set<key> seen;
    std::vector<key> keys;
    for (const auto& row : rows) {
      const auto& k = member_of<const M, I>(row).key();
      if (k && seen.insert(*k).second) keys.push_back(*k);
    }

    std::unordered_map<key, std::shared_ptr<target>> targets;
    if (!keys.empty()) {
      auto store = core.template store_for<target>();
      const std::size_t chunk = std::max<std::size_t>(1, std::min(core.parameter_limit(), keys.size()));
      for (std::size_t first = 0; first < keys.size(); first += chunk) {
        const std::size_t last = std::min(keys.size(), first + chunk);
        filter batch = scope ? *scope : filter{};
        read_field(batch, referenced_name);
        std::vector<key> slice(keys.begin() + static_cast<std::ptrdiff_t>(first),
                               keys.begin() + static_cast<std::ptrdiff_t>(last));
        batch.where(referenced_name, slice.size() == 1 ? tether::eq(slice.front()) : tether::inq(slice));
        for (auto& t : store->find(batch)) {
          // The key is copied out before the row is moved into its shared_ptr.
          const auto& k = get_property<referenced>(t);
          std::optional<key> owned;
          if constexpr (is_optional<std::remove_cvref_t<decltype(k)>>::value) owned = k;
          else owned = k;
          if (owned) targets.emplace(std::move(*owned), std::make_shared<target>(std::move(t)));
        }
      }
    }

    for (auto& row : rows) {
      auto& member = member_of<M, I>(row);
      if (!member.key()) {
        relation_access::cache(member, nullptr);
        continue;
      }
      const auto found = targets.find(*member.key());
      relation_access::cache(member, found == targets.end() ? nullptr : found->second);
    }
  }

  std::vector<step> steps_;
};

template <class M>
include_plan<M> plan_includes(const filter& f) {
  return include_plan<M>(f);
}

}  // namespace tether::detail

#endif
