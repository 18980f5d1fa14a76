#ifndef TETHER_DETAIL_LINK_STATE_HPP
#define TETHER_DETAIL_LINK_STATE_HPP

/// @file
/// The shared state behind one relation member (a belongs_to, has_many or has_one): its cache and the loads in
/// flight. The state is allocated on first use and moves with its owner, so a load that completes after a move
/// fills the moved-to object's cache; a load that completes after the owner is gone, or after a belongs_to's key
/// changed, fills nothing. A reflection cannot see its owner's key change, so its loads are keyed: the state
/// records the key each load and each answer is for. Every caller that joined a load gets its result exactly
/// once. The state does not know the target's type: targets travel as std::shared_ptr<void>, and each waiter
/// casts its own answer back.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <new>
#include <type_traits>
#include <utility>

#include <boost/container/small_vector.hpp>

#include <tether/detail/small_mutex.hpp>
#include <tether/future.hpp>
#include <tether/value.hpp>

namespace tether {
class model_info;
}  // namespace tether

namespace tether::detail {

template <class T>
using load_callback = std::function<void(std::exception_ptr, std::shared_ptr<T>)>;

/// What every relation's get() returns (one place, for every relation kind).
template <class T>
using load_future = tether::future<std::shared_ptr<T>>;

struct link_state;

/// Work a thread about to wait for a load may do itself: the load is in a queue, and no worker has taken it
/// yet. `run` (relation_load.hpp) takes the loads of that target that are still waiting and answers them on the
/// calling thread; it finds nothing when a worker was quicker.
struct load_assist {
  void (*run)(const load_assist&) = nullptr;
  std::weak_ptr<void> store;  ///< the datasource (a detail::source) whose queue holds the load
  const model_info* model = nullptr;
  std::size_t property = 0;
};

/// The shared state of a relation load's pending future: the future's result, and the load a waiting thread
/// can run itself.
template <class T>
class load_future_state final : public future_state<std::shared_ptr<T>> {
public:
  load_assist assist;  ///< set, if at all, before the future is handed out

private:
  void before_wait() override {
    if (assist.run == nullptr) return;
    const load_assist taken = std::exchange(assist, {});
    taken.run(taken);
  }
};

/// Where get() receives an answer that arrives before it returns: on its stack, so that a ready future costs
/// no allocation. When the answer is not there when the load has started, get() moves the waiter on to a
/// heap state (link_state::adopt), under the lock that answering takes.
template <class T>
struct future_slot {
  std::atomic<bool> answered{false};
  std::exception_ptr failure;
  std::shared_ptr<T> answer;
  link_state* parked = nullptr;  ///< the load state whose waiting list holds the waiter
};

/// Who waits for a load: a get() (its stack slot, then its future's shared state) or the callback of the
/// callback forms, held without an allocation of its own and answered without knowing the target type.
class load_waiter {
public:
  template <class T>
  explicit load_waiter(future_slot<T>& slot) noexcept {
    emplace<for_future<T>, T>(for_future<T>(&slot));
  }
  template <class T>
  explicit load_waiter(load_callback<T>&& callback) noexcept {
    emplace<load_callback<T>, T>(std::move(callback));
  }

  load_waiter(load_waiter&& other) noexcept : table_(std::exchange(other.table_, nullptr)) {
    if (table_ != nullptr) table_->move(storage_, other.storage_);
  }
  load_waiter& operator=(load_waiter&& other) noexcept {
    if (this != &other) {
      reset();
      table_ = std::exchange(other.table_, nullptr);
      if (table_ != nullptr) table_->move(storage_, other.storage_);
    }
    return *this;
  }
  load_waiter(const load_waiter&) = delete;
  load_waiter& operator=(const load_waiter&) = delete;
  ~load_waiter() { reset(); }

  /// True for a callback, which runs user code: it is answered outside every lock.
  [[nodiscard]] bool runs_user_code() const noexcept { return table_->callback; }

  /// Answers the waiter. A relation callback may not throw: the contract says an escaping exception terminates
  /// the program. A future's answer may have a continuation (a `then`, a coroutine), which is returned to be run
  /// outside every lock.
  [[nodiscard]] future_continuation* deliver(std::exception_ptr failure, const std::shared_ptr<void>& target) noexcept {
    return table_->deliver(storage_, std::move(failure), target);
  }

  /// Answers the waiter on the calling thread, outside every lock, continuation included.
  void deliver_now(std::exception_ptr failure, const std::shared_ptr<void>& target) noexcept {
    if (auto* next = deliver(std::move(failure), target)) next->resume();
  }

  /// The waiter is kept in `state`'s waiting list (get() looks for it there if it is not answered on return).
  void park_in(link_state* state) noexcept { table_->park(storage_, state); }

  /// Makes the waiter of get()'s stack `slot` answer `shared` instead; false when this is another waiter.
  bool adopt(const void* slot, future_state_base* shared) noexcept { return table_->adopt(storage_, slot, shared); }

private:
  /// A get()'s waiter: its stack slot until adopted, then its future's shared state.
  template <class T>
  struct for_future {
    future_slot<T>* slot;
    load_future_state<T>* shared = nullptr;

    explicit for_future(future_slot<T>* s) noexcept : slot(s) {}
    for_future(for_future&& other) noexcept
        : slot(std::exchange(other.slot, nullptr)), shared(std::exchange(other.shared, nullptr)) {}
    for_future& operator=(for_future&&) = delete;
    ~for_future() {
      // Dropped without an answer (it cannot happen while every load completes): the future must not hang.
      if (shared != nullptr)
        std::exchange(shared, nullptr)
            ->complete(future_result<std::shared_ptr<T>>(
                std::in_place_index<2>, std::make_exception_ptr(std::future_error(std::future_errc::broken_promise))));
    }

    future_continuation* answer(std::exception_ptr failure, std::shared_ptr<T> target) noexcept {
      if (shared != nullptr) {
        auto* state = std::exchange(shared, nullptr);
        using result = future_result<std::shared_ptr<T>>;
        auto* next = failure ? state->fulfil(result(std::in_place_index<2>, std::move(failure)))
                             : state->fulfil(result(std::in_place_index<1>, std::move(target)));
        state->release();
        return next;
      }
      auto* s = std::exchange(slot, nullptr);
      s->failure = std::move(failure);
      s->answer = std::move(target);
      s->answered.store(true, std::memory_order_release);
      return nullptr;
    }
  };

  struct operations {
    future_continuation* (*deliver)(void* self, std::exception_ptr failure,
                                    const std::shared_ptr<void>& target) noexcept;
    void (*move)(void* to, void* from) noexcept;
    void (*destroy)(void* self) noexcept;
    void (*park)(void* self, link_state* state) noexcept;
    bool (*adopt)(void* self, const void* slot, future_state_base* shared) noexcept;
    bool callback;
  };

  template <class Stored, class T>
  struct typed {
    static future_continuation* deliver(void* self, std::exception_ptr failure,
                                        const std::shared_ptr<void>& target) noexcept {
      auto& stored = *static_cast<Stored*>(self);
      auto answer = std::static_pointer_cast<T>(target);
      if constexpr (std::is_same_v<Stored, load_callback<T>>) {
        stored(std::move(failure), std::move(answer));
        return nullptr;
      } else {
        return stored.answer(std::move(failure), std::move(answer));
      }
    }
    static void move(void* to, void* from) noexcept {
      ::new (to) Stored(std::move(*static_cast<Stored*>(from)));
      static_cast<Stored*>(from)->~Stored();
    }
    static void destroy(void* self) noexcept { static_cast<Stored*>(self)->~Stored(); }
    static void park(void* self, link_state* state) noexcept {
      if constexpr (!std::is_same_v<Stored, load_callback<T>>) {
        auto& stored = *static_cast<Stored*>(self);
        if (stored.slot != nullptr) stored.slot->parked = state;
      }
    }
    static bool adopt(void* self, const void* slot, future_state_base* shared) noexcept {
      if constexpr (std::is_same_v<Stored, load_callback<T>>) {
        return false;
      } else {
        auto& stored = *static_cast<Stored*>(self);
        if (stored.slot == nullptr || stored.slot != slot) return false;
        stored.slot = nullptr;
        stored.shared = static_cast<load_future_state<T>*>(shared);
        return true;
      }
    }
  };

  template <class Stored, class T>
  void emplace(Stored&& stored) noexcept {
    static_assert(sizeof(Stored) <= sizeof(storage_) && alignof(Stored) <= alignof(std::max_align_t),
                  "tether: a waiter does not fit its inline storage");
    static_assert(std::is_nothrow_move_constructible_v<Stored>);
    static constexpr operations table{typed<Stored, T>::deliver, typed<Stored, T>::move, typed<Stored, T>::destroy,
                                      typed<Stored, T>::park,    typed<Stored, T>::adopt, std::is_same_v<Stored, load_callback<T>>};
    ::new (static_cast<void*>(storage_)) Stored(std::move(stored));
    table_ = &table;
  }

  void reset() noexcept {
    if (table_ != nullptr) std::exchange(table_, nullptr)->destroy(storage_);
  }

  alignas(std::max_align_t) unsigned char storage_[32];
  const operations* table_ = nullptr;
};

/// The waiter of a callback form: `callback(std::exception_ptr, std::shared_ptr<T>)`, run exactly once.
template <class T, class F>
load_waiter load_as_callback(F&& callback) {
  return load_waiter(load_callback<T>(std::forward<F>(callback)));
}

/// Cache and load bookkeeping of one relation member. Reference-counted: the owner holds one reference, each
/// load in flight another. Every load has a number; its waiters are kept here, under the same lock as the
/// cache, so that joining a load, completing it and writing the cache are one critical section each.
///
/// The cached accessor reads the first answer without the lock: it is written once, before `first_published`,
/// and never changed while the state lives, so a reader needs only the flag and the shared_ptr copy. A later
/// answer (a refresh, another key's) sets `replaced`, after which readers take the lock. What they read comes
/// first, in one cache line.
struct link_state {
  using load_id = std::uint32_t;

  std::atomic<std::uint32_t> references{1};
  std::atomic<bool> first_published{false};  ///< `first_target` and `first_key` hold the first answer
  std::atomic<bool> replaced{false};         ///< a later answer replaced the first: read `target` under the lock
  small_mutex mutex;
  std::shared_ptr<void> first_target;  ///< the first answer, unchanged while the state lives
  bool owner_alive = true;      ///< false once the owner let go (destroyed, or its key changed)
  bool loaded = false;          ///< the cache holds the answer for the owner's key (possibly "no row")
  std::shared_ptr<void> target;  ///< the cached answer
  load_id last_load = 0;        ///< the number of the newest load
  load_id issued = 0;           ///< the newest load allowed to write the cache
  load_id pending = 0;          ///< the plain load in flight, which later plain loads join (0: none)
  load_id queued = 0;           ///< a plain load waiting in a queue for a worker (0: none), which `assist` runs

  /// Almost every state sees one load with one waiter: kept without allocating.
  boost::container::small_vector<std::pair<load_id, load_waiter>, 1> waiting;

  // Keyed loads only (a reflection's); a belongs_to drops its state when its key changes, and leaves these null.
  value answered_key;  ///< the owner's key that `target` answers
  value issued_key;    ///< the key of load `issued`
  value pending_key;   ///< the key of load `pending`
  value first_key;     ///< the key that `first_target` answers

  load_assist assist;  ///< how a waiting thread runs load `queued` itself

  void add_reference() noexcept { references.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (references.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  /// Starts a load (under `mutex`): its number, which becomes the newest cache writer when it `writes_cache`.
  load_id start(bool writes_cache) noexcept {
    if (++last_load == 0) ++last_load;  // 0 means "none"
    if (writes_cache) issued = last_load;
    return last_load;
  }

  /// Caches `answer` as the answer for `key` (under `mutex`).
  void settle(const std::shared_ptr<void>& answer, const value& key) {
    if (first_published.load(std::memory_order_relaxed)) replaced.store(true, std::memory_order_release);
    target = answer;
    answered_key = key;
    loaded = true;
    if (!first_published.load(std::memory_order_relaxed)) {
      first_target = answer;
      first_key = key;
      first_published.store(true, std::memory_order_release);
    }
  }

  /// Parks `waiter` on load `load` (under `mutex`).
  void park(load_id load, load_waiter&& waiter) {
    waiter.park_in(this);
    waiting.emplace_back(load, std::move(waiter));
  }

  /// Moves the waiter of get()'s stack `slot` on to `shared`, with the assist of its load when it is queued
  /// (under `mutex`).
  template <class T>
  bool adopt(const future_slot<T>& slot, load_future_state<T>& shared) noexcept {
    for (auto& [load, waiter] : waiting) {
      if (!waiter.adopt(&slot, &shared)) continue;
      if (load == queued) shared.assist = assist;
      return true;
    }
    return false;
  }

  /// Completes load `load`: stores the answer if it is still the newest cache writer for a living owner, and
  /// answers its waiters: futures at once (their continuations, and callbacks, after the lock is released: they
  /// run user code, which may use this relation again).
  void complete(load_id load, bool writes_cache, std::exception_ptr failure, const std::shared_ptr<void>& answer) {
    boost::container::small_vector<load_waiter, 1> callbacks;
    boost::container::small_vector<future_continuation*, 1> continuations;
    {
      std::lock_guard lock(mutex);
      if (failure == nullptr && owner_alive && writes_cache && load == issued) settle(answer, issued_key);
      if (pending == load) pending = 0;
      if (queued == load) {
        queued = 0;
        assist = {};
      }
      for (auto entry = waiting.begin(); entry != waiting.end();) {
        if (entry->first != load) {
          ++entry;
          continue;
        }
        if (entry->second.runs_user_code()) callbacks.push_back(std::move(entry->second));
        else if (auto* next = entry->second.deliver(failure, answer)) continuations.push_back(next);
        entry = waiting.erase(entry);
      }
    }
    for (auto* next : continuations) next->resume();
    for (auto& callback : callbacks) (void)callback.deliver(failure, answer);
  }
};

/// The future of a get(): `start` is given the waiter that answers it, and parks it in a load state unless it
/// answers at once. Every relation's get() goes through here, so what get() returns is decided in one place.
/// An answer that arrives before `start` returns (a cache hit, an inline load) makes a ready future, with no
/// allocation; otherwise the waiter moves on to a heap state, which the future shares.
template <class T, class Start>
load_future<T> load_as_future(Start&& start) {
  future_slot<T> slot;
  std::forward<Start>(start)(load_waiter(slot));
  if (!slot.answered.load(std::memory_order_acquire)) {
    // Made before the lock: an allocation that fails must leave the waiter where it is.
    auto* shared = new load_future_state<T>();
    {
      std::lock_guard lock(slot.parked->mutex);
      if (!slot.answered.load(std::memory_order_relaxed) && slot.parked->adopt(slot, *shared))
        return adopt_pending_future<std::shared_ptr<T>>(shared);
    }
    shared->release();  // answered meanwhile
    shared->release();
    if (!slot.answered.load(std::memory_order_acquire))  // parked nowhere: a bug, reported rather than hung
      return make_exceptional_future<std::shared_ptr<T>>(
          std::make_exception_ptr(std::future_error(std::future_errc::broken_promise)));
  }
  if (slot.failure) return make_exceptional_future<std::shared_ptr<T>>(std::move(slot.failure));
  return make_ready_future(std::move(slot.answer));
}

/// The end of one load: completes it in its state and lets go of the reference the load held.
struct load_completion {
  link_state* state;
  link_state::load_id load;
  bool writes_cache;
  void operator()(std::exception_ptr failure, const std::shared_ptr<void>& answer) const {
    state->complete(load, writes_cache, std::move(failure), answer);
    state->release();
  }
};

}  // namespace tether::detail

#endif
