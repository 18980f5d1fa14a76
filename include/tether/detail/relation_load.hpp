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
#include <tether/detail/config.hpp>
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
TETHER_DECL std::shared_ptr<source> route_of(source_id origin, const model_info& target);

/// True when the owner came from a datasource that is no longer open (its datasource object was destroyed).
inline bool origin_closed(source_id origin) {
  if (origin == 0) return false;
  const auto from = source_registry::find(origin);
  return from == nullptr || !from->open();
}

/// route_of, or not_attached saying what could not be done, why, and what to do.
TETHER_DECL std::shared_ptr<source> route_or_throw(source_id origin, const relation_target_ref& target,
                                                   const value& key,
                                                   std::string_view action);

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
TETHER_DECL bool state_answer(const std::atomic<link_state*>& slot, std::shared_ptr<void>& target);

/// What a keyed load state holds for a key.
enum class state_holds { nothing, answer_for_key, answer_for_other_key };

/// The answer a keyed load state holds for `key`, if any; an answer for another key is the newer one, and means
/// that the cache holds nothing for `key`.
TETHER_DECL state_holds state_answer_for(const std::atomic<link_state*>& slot, const value& key,
                                         std::shared_ptr<void>& target);

/// The answer a keyed load state holds and the key it is for, if any.
TETHER_DECL bool state_answer_keyed(const std::atomic<link_state*>& slot, value& key, std::shared_ptr<void>& target);

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
TETHER_DECL void answer_loads(source& store, const relation_target_ref& target, std::vector<queued_load>& loads);

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
TETHER_DECL void queue_load(std::shared_ptr<source> to, const relation_target_ref& target, value key,
                            load_completion finish);

/// Runs load `load` of `key` and completes it: the fetch runs where the datasource says (here, or a worker); the
/// result or the failure always reaches the state, which fills the cache (if still wanted) and every waiter.
TETHER_DECL void launch_load(link_state* state, link_state::load_id load, bool writes_cache, source_id origin,
                             const load_target& target, value key, load_kind kind, const filter* f);

/// Starts a load of the relation whose state lives in `slot`: answered from the cache when `kind` allows, joined
/// to the plain load in flight, or launched; `waiter` receives the answer exactly once. A `keyed` load (a
/// reflection's, whose owner's key can change unseen) uses only an answer and joins only a load for its own key.
TETHER_DECL void start_load(std::atomic<link_state*>& slot, value key, source_id origin, const load_target& target,
                            load_kind kind, const filter* f, load_waiter waiter, bool keyed = false);

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/relation_load.ipp>
#endif

#endif
