#ifndef TETHER_DETAIL_RELATION_LOAD_HPP
#define TETHER_DETAIL_RELATION_LOAD_HPP

/// @file
/// How a relation loads what it links to, without knowing the target's type: a belongs_to's target or a has_one's
/// row (the first row whose property holds the key), a has_many's rows (every such row, by id, into the vector
/// that the target's typed code makes). Where the load goes (the datasource the owner came from, else the one
/// the target model is attached to), where it runs (the caller's thread or a worker, as the datasource says),
/// and how its answer reaches the cache and every waiter (link_state.hpp).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/keys.hpp>
#include <tether/detail/link_state.hpp>
#include <tether/detail/load_queue.hpp>
#include <tether/detail/row_buffer.hpp>
#include <tether/detail/source.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

enum class load_kind { cached, refresh, filtered };

/// "Customer id 5", for messages.
inline std::string describe_link(const relation_target_ref& target, const value& key) {
  return std::string(target.model.name()) + " " + std::string(target.model.property(target.property).name) + " " +
         describe(key);
}

/// The datasource a thread last reached through a datasource number: a relation's load finds it again without
/// the registry's lock and lookup. Good while that datasource lives and is open; numbers are not reused.
struct recent_route {
  source_id id = 0;
  std::weak_ptr<source> to;
};
inline thread_local recent_route recent;

/// Where a relation's loads and writes go: the datasource the owner came from, else the one the target model is
/// attached to; null when neither knows the target.
inline std::shared_ptr<source> route_of(source_id origin, const model_info& target) {
  if (origin != 0 && recent.id == origin) {
    if (auto to = recent.to.lock(); to != nullptr && to->open()) return to;
  }
  std::shared_ptr<source> to = source_registry::find(origin);
  if (to == nullptr || !to->open()) to = target.attached().get();
  if (to == nullptr || !to->open() || !to->knows(target)) return nullptr;
  if (to->id() == origin) recent = {origin, to};
  return to;
}

/// True when the owner came from a datasource that is no longer open (its datasource object was destroyed).
inline bool origin_closed(source_id origin) {
  if (origin == 0) return false;
  const auto from = source_registry::find(origin);
  return from == nullptr || !from->open();
}

/// route_of, or not_attached saying what could not be done, why, and what to do.
inline std::shared_ptr<source> route_or_throw(source_id origin, const relation_target_ref& target, const value& key,
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

// Moving or changing a relation while another thread uses it is a data race by contract, so taking the state
// needs no read-modify-write; skipping it matters when a find copies and drops thousands of relations.
inline link_state* take_state(std::atomic<link_state*>& slot) noexcept {
  auto* state = slot.load(std::memory_order_acquire);
  if (state != nullptr) slot.store(nullptr, std::memory_order_release);
  return state;
}

/// The owner lets go of its state (destroyed, or its key changed): loads in flight fill no cache.
inline void release_state(std::atomic<link_state*>& slot) noexcept {
  if (auto* state = take_state(slot)) {
    {
      std::lock_guard lock(state->mutex);
      state->owner_alive = false;
    }
    state->release();
  }
}

/// Const loads may race to create the state; the first one wins and the others use it.
inline link_state* ensure_state(std::atomic<link_state*>& slot) {
  auto* state = slot.load(std::memory_order_acquire);
  if (state != nullptr) return state;
  auto* fresh = new link_state();
  if (slot.compare_exchange_strong(state, fresh, std::memory_order_acq_rel)) return fresh;
  fresh->release();
  return state;
}

/// True when the state's first answer is its answer: readable without the lock (link_state.hpp).
inline bool first_answer_stands(const link_state& state) noexcept {
  return state.first_published.load(std::memory_order_acquire) && !state.replaced.load(std::memory_order_acquire);
}

/// The answer a load state holds for the owner's key, if any.
inline bool state_answer(const std::atomic<link_state*>& slot, std::shared_ptr<void>& target) {
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

/// What a keyed load state holds for a key.
enum class state_holds { nothing, answer_for_key, answer_for_other_key };

/// The answer a keyed load state holds for `key`, if any; an answer for another key is the newer one, and means
/// that the cache holds nothing for `key`.
inline state_holds state_answer_for(const std::atomic<link_state*>& slot, const value& key,
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

/// The answer a keyed load state holds and the key it is for, if any.
inline bool state_answer_keyed(const std::atomic<link_state*>& slot, value& key, std::shared_ptr<void>& target) {
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

/// Runs `fetch` and completes the load with what it gives or throws; a failure's message names the link. Only
/// `would_wait` goes on: the load was tried on the caller's thread and the connector was busy, so the datasource
/// moves it to a worker.
template <class Fetch>
void answer_load(const load_completion& finish, const relation_target_ref& target, const value& key, Fetch&& fetch) {
  std::shared_ptr<void> answer;
  try {
    answer = fetch();
  } catch (const would_wait&) {
    throw;
  } catch (...) {
    const no_wait_scope waiting_allowed(false);  // callbacks may use the datasource as they like
    // The message context of a failure is built only when one happens.
    return finish(current_exception_with_context("tether: loading " + describe_link(target, key) + ": "), nullptr);
  }
  const no_wait_scope waiting_allowed(false);
  finish(nullptr, answer);
}

/// A relation's plain load: the target row whose referenced property holds the key.
struct plain_load {
  source* store;
  load_completion finish;
  relation_target_ref target;
  value key;
  void operator()() const {
    answer_load(finish, target, key, [&] { return store->lookup(target.model, target.property, key); });
  }
};

/// A relation's load with a filter: the first row the filter (narrowed to the key) finds.
struct filtered_load {
  source* store;
  load_completion finish;
  relation_target_ref target;
  value key;
  filter narrowed;
  void operator()() const {
    answer_load(finish, target, key, [&]() -> std::shared_ptr<void> {
      shared_buffer rows(target.model);
      store->find(target.model, narrowed, rows);
      return rows.shared().empty() ? nullptr : std::move(rows.shared().front());
    });
  }
};

/// Fills a row buffer: the part of a has_many load that does not know the target's type, handed to the typed
/// code that owns the vector. Held by reference: the filler outlives the call.
class row_fill {
public:
  template <class F>
  explicit row_fill(F& f) noexcept : object_(&f), call_([](void* object, row_buffer& out) { (*static_cast<F*>(object))(out); }) {}
  void operator()(row_buffer& out) const { call_(object_, out); }

private:
  void* object_;
  void (*call_)(void*, row_buffer&);
};

/// A has_many's typed code (has_many.hpp): a new shared std::vector of the target's rows, filled by `fill`.
using collect_rows = std::shared_ptr<void> (*)(row_fill fill);

/// What a load reads: the first row of `ref.model` whose property `ref.property` holds the key, or, with
/// `collect`, every such row by id ascending, collected into a vector (has_many).
struct load_target {
  relation_target_ref ref;
  collect_rows collect = nullptr;
};

/// The answer when there is nothing to read (a null key): no row, or no rows.
inline std::shared_ptr<void> no_answer(const load_target& target) {
  if (target.collect == nullptr) return nullptr;
  auto nothing = [](row_buffer&) {};
  return target.collect(row_fill(nothing));
}

/// True when a load with `f` may write the cache: the filter narrows nothing. A has_many's rows are also narrowed
/// by `limit` and `skip`.
inline bool keeps_everything(const load_target& target, const filter& f) noexcept {
  if (f.narrows()) return false;
  return target.collect == nullptr || (!f.row_limit() && f.row_offset() == 0);
}

/// A has_many's load: every target row whose key property holds the key, by id ascending, or those the filter
/// (narrowed to the key) finds, with its order, paging, fields and includes.
struct many_load {
  source* store;
  load_completion finish;
  load_target target;
  value key;
  std::optional<filter> narrowed;  ///< none: the plain load
  void operator()() const {
    answer_load(finish, target.ref, key, [&] {
      auto fill = [&](row_buffer& out) {
        if (narrowed) return store->find(target.ref.model, *narrowed, out);
        query by_key;
        by_key.where = predicate{target.ref.property, operator_kind::eq, {key}, {}};
        store->select(target.ref.model, by_key, out);
      };
      return target.collect(row_fill(fill));
    });
  }
};

/// Answers loads of `target` taken together from the queue: one query for all their keys (the first row by id
/// for each, as a single load would find it), its answer or its failure shared out.
inline void answer_loads(source& store, const relation_target_ref& target, std::vector<queued_load>& loads) {
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

/// A worker serving the loads of `target` waiting for one, batch after batch, until none is left.
inline void serve_loads(source& store, const relation_target_ref& target) {
  const std::size_t most = std::max<std::size_t>(1, store.parameter_limit());
  for (;;) {
    auto loads = store.waiting_loads().take(target, most);
    if (loads.empty()) return;
    answer_loads(store, target, loads);
  }
}

/// A waiting thread's assist (link_state.hpp): answers, on this thread, the loads of the target that no worker
/// has taken yet, as a worker would. The worker started for them finds none left.
inline void run_queued_loads_here(const load_assist& assist) {
  const std::shared_ptr<void> alive = assist.store.lock();
  if (alive == nullptr) return;
  auto& store = *static_cast<source*>(alive.get());
  const relation_target_ref target{*assist.model, assist.property};
  auto loads = store.waiting_loads().take(target, std::max<std::size_t>(1, store.parameter_limit()), false);
  if (!loads.empty()) answer_loads(store, target, loads);
}

/// A plain load that must go to a worker: it waits with the other loads of its target for one.
inline void queue_load(std::shared_ptr<source> to, const relation_target_ref& target, value key,
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

/// Runs load `load` of `key` and completes it: the fetch runs where the datasource says (here, or a worker); the
/// result or the failure always reaches the state, which fills the cache (if still wanted) and every waiter.
inline void launch_load(link_state* state, link_state::load_id load, bool writes_cache, source_id origin,
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

/// Starts a load of the relation whose state lives in `slot`: answered from the cache when `kind` allows, joined
/// to the plain load in flight, or launched; `waiter` receives the answer exactly once. A `keyed` load (a
/// reflection's, whose owner's key can change unseen) uses only an answer and joins only a load for its own key.
inline void start_load(std::atomic<link_state*>& slot, value key, source_id origin, const load_target& target,
                       load_kind kind, const filter* f, load_waiter waiter, bool keyed = false) {
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
