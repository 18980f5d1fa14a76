#ifndef TETHER_DETAIL_IMPL_RELATION_LOAD_IPP
#define TETHER_DETAIL_IMPL_RELATION_LOAD_IPP

// The out-of-line definitions of <tether/detail/relation_load.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/relation_load.hpp>

namespace tether::detail {

TETHER_DECL std::shared_ptr<source> route_of(source_id origin, const model_info& target) {
  if (origin != 0 && recent.id == origin) {
    if (auto to = recent.to.lock(); to != nullptr && to->open()) return to;
  }
  std::shared_ptr<source> to = source_registry::find(origin);
  if (to == nullptr || !to->open()) to = target.attached().get();
  if (to == nullptr || !to->open() || !to->knows(target)) return nullptr;
  if (to->id() == origin) recent = {origin, to};
  return to;
}

TETHER_DECL std::shared_ptr<source> route_or_throw(source_id origin, const relation_target_ref& target,
                                                   const value& key,
                                                   std::string_view action) {
  auto to = route_of(origin, target.model);
  if (to == nullptr) {
    const std::string model(target.model.name());
    const std::string what = "tether: cannot " + std::string(action) + " " + describe_link(target, key) + ": ";
    if (origin_closed(origin)) {
      throw not_attached(what + "the datasource the owner was loaded through has been destroyed, and " + model +
                         " is not attached to another; load the owner again through a repository of an open "
                         "datasource, or call automigrate or autoupdate with " + model + " on one");
    }
    throw not_attached(what + model +
                       " is not attached to a datasource; call automigrate or autoupdate with it, or load the "
                       "owner through a repository");
  }
  return to;
}

TETHER_DECL bool state_answer(const std::atomic<link_state*>& slot, std::shared_ptr<void>& target) {
  auto* state = slot.load(std::memory_order_acquire);
  if (state == nullptr) return false;
  if (first_answer_stands(*state)) {
    target = state->first_target;
    return true;
  }
  std::lock_guard lock(state->mutex);
  if (!state->loaded) return false;
  target = state->target;
  return true;
}

TETHER_DECL state_holds state_answer_for(const std::atomic<link_state*>& slot, const value& key,
                                         std::shared_ptr<void>& target) {
  auto* state = slot.load(std::memory_order_acquire);
  if (state == nullptr) return state_holds::nothing;
  if (first_answer_stands(*state)) {
    if (state->first_key != key) return state_holds::answer_for_other_key;
    target = state->first_target;
    return state_holds::answer_for_key;
  }
  std::lock_guard lock(state->mutex);
  if (!state->loaded) return state_holds::nothing;
  if (state->answered_key != key) return state_holds::answer_for_other_key;
  target = state->target;
  return state_holds::answer_for_key;
}

TETHER_DECL bool state_answer_keyed(const std::atomic<link_state*>& slot, value& key, std::shared_ptr<void>& target) {
  auto* state = slot.load(std::memory_order_acquire);
  if (state == nullptr) return false;
  if (first_answer_stands(*state)) {
    key = state->first_key;
    target = state->first_target;
    return true;
  }
  std::lock_guard lock(state->mutex);
  if (!state->loaded) return false;
  key = state->answered_key;
  target = state->target;
  return true;
}

TETHER_DECL void answer_loads(source& store, const relation_target_ref& target, std::vector<queued_load>& loads) {
  if (loads.size() == 1) return plain_load{&store, loads[0].finish, target, std::move(loads[0].key)}();
  auto share = [&]<class Key>(Key*) {
    const stored_property& referenced = target.model.property(target.property);
    query by_keys;
    by_keys.where = predicate{target.property, operator_kind::inq, {}, {}};
    by_keys.where->values.reserve(loads.size());
    for (const auto& l : loads) by_keys.where->values.push_back(l.key);
    shared_buffer rows(target.model);
    try {
      store.select(target.model, by_keys, rows);
    } catch (...) {
      for (const auto& l : loads)
        l.finish(current_exception_with_context("tether: loading " + describe_link(target, l.key) + ": "), nullptr);
      return;
    }
    std::unordered_map<Key, std::shared_ptr<void>> found;
    for (auto& row : rows.shared()) {
      key_reading<Key> key{};
      if (read_key(*referenced.ops, target.model.member(row.get(), target.property), key))
        found.emplace(owned_key(key), std::move(row));  // rows come by id: the first row of a key stays
    }
    const std::shared_ptr<void> none;
    for (const auto& l : loads) {
      const std::shared_ptr<void>* answer = &none;
      if (const auto* k = std::get_if<Key>(&l.key))
        if (auto hit = found.find(*k); hit != found.end()) answer = &hit->second;
      l.finish(nullptr, *answer);
    }
  };
  if (target.model.property(target.property).kind == value_kind::string) share(static_cast<std::string*>(nullptr));
  else share(static_cast<std::int64_t*>(nullptr));
}

TETHER_DECL void queue_load(std::shared_ptr<source> to, const relation_target_ref& target, value key,
                            load_completion finish) {
  if (!to->waiting_loads().add(target, std::move(key), finish)) return;
  source* store = to.get();
  try {
    // The task keeps the datasource (and so the store it reads) alive itself.
    store->run([store, target, alive = to] { serve_loads(*store, target); });
  } catch (...) {
    // No worker could be started (no thread, no memory): the loads waiting for this one fail rather than wait
    // forever.
    const auto failure = std::current_exception();
    for (auto loads = store->waiting_loads().take(target, SIZE_MAX); !loads.empty();
         loads = store->waiting_loads().take(target, SIZE_MAX))
      for (const auto& l : loads) l.finish(failure, nullptr);
  }
}

TETHER_DECL void launch_load(link_state* state, link_state::load_id load, bool writes_cache, source_id origin,
                             const load_target& target, value key, load_kind kind, const filter* f) {
  state->add_reference();
  const load_completion finish{state, load, writes_cache};
  if (std::holds_alternative<std::nullptr_t>(key)) return finish(nullptr, no_answer(target));  // filtered, null key
  std::shared_ptr<source> to;
  try {
    to = route_or_throw(origin, target.ref, key, "load");
  } catch (...) {
    return finish(std::current_exception(), nullptr);
  }
  source* store = to.get();
  if (target.collect != nullptr) {
    many_load task{store, finish, target, key, std::nullopt};
    if (kind == load_kind::filtered) {
      task.narrowed = *f;
      task.narrowed->where(std::string(target.ref.model.property(target.ref.property).name), std::move(key));
    }
    if (store->run_here(task_ref(task))) return;
    return store->run([task = std::move(task), alive = std::move(to)]() mutable { task(); });
  }
  if (kind != load_kind::filtered) {
    // Tried here first; when it must go to a worker, it joins the loads of the same target waiting there, which
    // one query answers together (load_queue.hpp).
    plain_load task{store, finish, target.ref, std::move(key)};
    if (store->run_here(task_ref(task))) return;
    {
      std::lock_guard lock(state->mutex);
      state->queued = load;
      state->assist = {run_queued_loads_here, to, &target.ref.model, target.ref.property};
    }
    return queue_load(std::move(to), target.ref, std::move(task.key), finish);
  }
  filter narrowed = *f;
  narrowed.where(std::string(target.ref.model.property(target.ref.property).name), key).limit(1);
  filtered_load task{store, finish, target.ref, std::move(key), std::move(narrowed)};
  if (store->run_here(task_ref(task))) return;
  // On a worker, the task keeps the datasource (and so the store it reads) alive itself.
  store->run([task = std::move(task), alive = std::move(to)]() mutable { task(); });
}

TETHER_DECL void start_load(std::atomic<link_state*>& slot, value key, source_id origin, const load_target& target,
                            load_kind kind, const filter* f, load_waiter waiter, bool keyed) {
  link_state* state = ensure_state(slot);
  const bool null_key = std::holds_alternative<std::nullptr_t>(key);
  // Made before the lock: a has_many's "no rows" is an allocation.
  std::shared_ptr<void> answer = null_key && kind != load_kind::filtered ? no_answer(target) : nullptr;
  link_state::load_id load = 0;
  bool writes_cache = false;
  {
    std::unique_lock lock(state->mutex);
    if (kind == load_kind::cached && state->loaded && (!keyed || state->answered_key == key)) {
      answer = state->target;
    } else if (null_key && kind != load_kind::filtered) {
      // A null key answers with no I/O, and that answer is cached like any other.
      if (keyed) state->start(true);  // loads in flight for another key no longer write the cache
      state->settle(answer, nullptr);
    } else if (kind == load_kind::cached && state->pending != 0 && (!keyed || state->pending_key == key)) {
      // Share the load in flight; its starter launched it.
      state->park(state->pending, std::move(waiter));
      return;
    } else {
      writes_cache = kind != load_kind::filtered || keeps_everything(target, *f);
      load = state->start(writes_cache);
      if (keyed && writes_cache) state->issued_key = key;
      if (kind != load_kind::filtered) {
        state->pending = load;
        if (keyed) state->pending_key = key;
      }
      state->park(load, std::move(waiter));
    }
  }
  // Answered without a load: outside the lock, since a callback may use this relation again.
  if (load == 0) return waiter.deliver_now(nullptr, answer);
  launch_load(state, load, writes_cache, origin, target, std::move(key), kind, f);
}

}  // namespace tether::detail

#endif
