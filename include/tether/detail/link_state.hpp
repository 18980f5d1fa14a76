#ifndef TETHER_DETAIL_LINK_STATE_HPP
#define TETHER_DETAIL_LINK_STATE_HPP

/// @file
/// The shared state behind one belongs_to member: its cache and the load in flight. The state is allocated
/// on first use and moves with its owner, so a load that completes after a move fills the moved-to object's
/// cache; a load that completes after the owner is gone, or after its key changed, fills nothing. Every
/// caller that joined a load gets its result exactly once.

#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <utility>
#include <variant>

#include <boost/container/small_vector.hpp>
#include <boost/smart_ptr/intrusive_ptr.hpp>
#include <boost/smart_ptr/intrusive_ref_counter.hpp>

namespace tether::detail {

template <class T>
using load_callback = std::function<void(std::exception_ptr, std::shared_ptr<T>)>;

/// Who waits for a load: the promise behind get()'s future (held directly: no allocation to wrap it), or the
/// callback of the callback forms.
template <class T>
using load_waiter = std::variant<std::promise<std::shared_ptr<T>>, load_callback<T>>;

/// Answers one waiter. A relation callback may not throw: the contract says an escaping exception terminates
/// the program.
template <class T>
void deliver(load_waiter<T>& waiter, std::exception_ptr failure, std::shared_ptr<T> target) noexcept {
  if (auto* promise = std::get_if<0>(&waiter)) {
    if (failure) promise->set_exception(std::move(failure));
    else promise->set_value(std::move(target));
  } else {
    std::get<1>(waiter)(std::move(failure), std::move(target));
  }
}

/// Cache and load bookkeeping of one relation member. Reference-counted: the owner holds one reference, each
/// load in flight another. Every load has a number; its waiters are kept here, under the same lock as the
/// cache, so that joining a load, completing it and writing the cache are one critical section each.
template <class T>
struct link_state : boost::intrusive_ref_counter<link_state<T>, boost::thread_safe_counter> {
  using load_id = std::uint64_t;

  std::mutex mutex;
  bool owner_alive = true;    ///< false once the owner let go (destroyed, or its key changed)
  bool loaded = false;        ///< the cache holds the answer for the owner's key (possibly "no row")
  std::shared_ptr<T> target;  ///< the cached answer
  load_id last_load = 0;      ///< the number of the newest load
  load_id issued = 0;         ///< the newest load allowed to write the cache
  load_id pending = 0;        ///< the plain load in flight, which later plain loads join (0: none)

  /// Almost every state sees one load with one waiter: kept without allocating.
  using waiter_list = boost::container::small_vector<std::pair<load_id, load_waiter<T>>, 1>;
  waiter_list waiting;

  /// Starts a load (under `mutex`): its number, which becomes the newest cache writer when it `writes_cache`.
  load_id start(bool writes_cache) {
    ++last_load;
    if (writes_cache) issued = last_load;
    return last_load;
  }

  /// Completes load `load`: stores the answer if it is still the newest cache writer for a living owner, and
  /// answers its waiters: promises at once, callbacks after the lock is released (a callback may use this
  /// relation again).
  void complete(load_id load, bool writes_cache, std::exception_ptr failure, const std::shared_ptr<T>& answer) {
    boost::container::small_vector<load_waiter<T>, 1> callbacks;
    {
      std::lock_guard lock(mutex);
      if (failure == nullptr && owner_alive && writes_cache && load == issued) {
        target = answer;
        loaded = true;
      }
      if (pending == load) pending = 0;
      for (auto entry = waiting.begin(); entry != waiting.end();) {
        if (entry->first != load) {
          ++entry;
          continue;
        }
        if (entry->second.index() == 0) deliver(entry->second, failure, answer);  // runs no user code
        else callbacks.push_back(std::move(entry->second));
        entry = waiting.erase(entry);
      }
    }
    for (auto& callback : callbacks) deliver(callback, failure, answer);
  }
};

}  // namespace tether::detail

#endif
