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
#include <tether/value.hpp>

namespace tether::detail {

template <class T>
using load_callback = std::function<void(std::exception_ptr, std::shared_ptr<T>)>;

/// What every relation's get() returns (one place, for every relation kind).
template <class T>
using load_future = std::future<std::shared_ptr<T>>;

/// Who waits for a load: the promise behind get()'s future, or the callback of the callback forms, held without
/// an allocation of its own and answered without knowing the target type.
class load_waiter {
public:
  template <class T>
  explicit load_waiter(std::promise<std::shared_ptr<T>>&& promise) noexcept {
    emplace<std::promise<std::shared_ptr<T>>, T>(std::move(promise), false);
  }
  template <class T>
  explicit load_waiter(load_callback<T>&& callback) noexcept {
    emplace<load_callback<T>, T>(std::move(callback), true);
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
  /// the program.
  void deliver(std::exception_ptr failure, const std::shared_ptr<void>& target) noexcept {
    table_->deliver(storage_, std::move(failure), target);
  }

private:
  struct operations {
    void (*deliver)(void* self, std::exception_ptr failure, const std::shared_ptr<void>& target) noexcept;
    void (*move)(void* to, void* from) noexcept;
    void (*destroy)(void* self) noexcept;
    bool callback;
  };

  template <class Stored, class T>
  struct typed {
    static void deliver(void* self, std::exception_ptr failure, const std::shared_ptr<void>& target) noexcept {
      auto& stored = *static_cast<Stored*>(self);
      auto answer = std::static_pointer_cast<T>(target);
      if constexpr (std::is_same_v<Stored, load_callback<T>>) {
        stored(std::move(failure), std::move(answer));
      } else {
        if (failure) stored.set_exception(std::move(failure));
        else stored.set_value(std::move(answer));
      }
    }
    static void move(void* to, void* from) noexcept {
      ::new (to) Stored(std::move(*static_cast<Stored*>(from)));
      static_cast<Stored*>(from)->~Stored();
    }
    static void destroy(void* self) noexcept { static_cast<Stored*>(self)->~Stored(); }
  };

  template <class Stored, class T>
  void emplace(Stored&& stored, bool callback) noexcept {
    static_assert(sizeof(Stored) <= sizeof(storage_) && alignof(Stored) <= alignof(std::max_align_t),
                  "tether: a waiter does not fit its inline storage");
    static_assert(std::is_nothrow_move_constructible_v<Stored>);
    static constexpr operations table{typed<Stored, T>::deliver, typed<Stored, T>::move, typed<Stored, T>::destroy,
                                      false};
    static constexpr operations callback_table{typed<Stored, T>::deliver, typed<Stored, T>::move,
                                               typed<Stored, T>::destroy, true};
    ::new (static_cast<void*>(storage_)) Stored(std::move(stored));
    table_ = callback ? &callback_table : &table;
  }

  void reset() noexcept {
    if (table_ != nullptr) std::exchange(table_, nullptr)->destroy(storage_);
  }

  alignas(std::max_align_t) unsigned char storage_[32];
  const operations* table_ = nullptr;
};

/// The future of a get(): `start` is given the waiter that answers it. Every relation's get() goes through here,
/// so what get() returns is decided in one place.
template <class T, class Start>
load_future<T> load_as_future(Start&& start) {
  std::promise<std::shared_ptr<T>> promise;
  auto future = promise.get_future();
  std::forward<Start>(start)(load_waiter(std::move(promise)));
  return future;
}

/// The waiter of a callback form: `callback(std::exception_ptr, std::shared_ptr<T>)`, run exactly once.
template <class T, class F>
load_waiter load_as_callback(F&& callback) {
  return load_waiter(load_callback<T>(std::forward<F>(callback)));
}

/// Cache and load bookkeeping of one relation member. Reference-counted: the owner holds one reference, each
/// load in flight another. Every load has a number; its waiters are kept here, under the same lock as the
/// cache, so that joining a load, completing it and writing the cache are one critical section each. What the
/// cached accessor reads (the lock, `loaded`, `target`) comes first, in one cache line.
struct link_state {
  using load_id = std::uint32_t;

  std::atomic<std::uint32_t> references{1};
  small_mutex mutex;
  bool owner_alive = true;      ///< false once the owner let go (destroyed, or its key changed)
  bool loaded = false;          ///< the cache holds the answer for the owner's key (possibly "no row")
  std::shared_ptr<void> target;  ///< the cached answer
  load_id last_load = 0;        ///< the number of the newest load
  load_id issued = 0;           ///< the newest load allowed to write the cache
  load_id pending = 0;          ///< the plain load in flight, which later plain loads join (0: none)

  /// Almost every state sees one load with one waiter: kept without allocating.
  boost::container::small_vector<std::pair<load_id, load_waiter>, 1> waiting;

  // Keyed loads only (a reflection's); a belongs_to drops its state when its key changes, and leaves these null.
  value answered_key;  ///< the owner's key that `target` answers
  value issued_key;    ///< the key of load `issued`
  value pending_key;   ///< the key of load `pending`

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

  /// Completes load `load`: stores the answer if it is still the newest cache writer for a living owner, and
  /// answers its waiters: promises at once, callbacks after the lock is released (a callback may use this
  /// relation again).
  void complete(load_id load, bool writes_cache, std::exception_ptr failure, const std::shared_ptr<void>& answer) {
    boost::container::small_vector<load_waiter, 1> callbacks;
    {
      std::lock_guard lock(mutex);
      if (failure == nullptr && owner_alive && writes_cache && load == issued) {
        target = answer;
        loaded = true;
        answered_key = issued_key;
      }
      if (pending == load) pending = 0;
      for (auto entry = waiting.begin(); entry != waiting.end();) {
        if (entry->first != load) {
          ++entry;
          continue;
        }
        if (entry->second.runs_user_code()) callbacks.push_back(std::move(entry->second));
        else entry->second.deliver(failure, answer);  // a promise: runs no user code
        entry = waiting.erase(entry);
      }
    }
    for (auto& callback : callbacks) callback.deliver(failure, answer);
  }
};

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
