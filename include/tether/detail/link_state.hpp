#ifndef TETHER_DETAIL_LINK_STATE_HPP
#define TETHER_DETAIL_LINK_STATE_HPP

/// @file
/// The shared state behind one belongs_to member: its cache and the load in flight. The state is allocated
/// on first use and moves with its owner, so a load that completes after a move fills the moved-to object's
/// cache; a load that completes after the owner is gone, or after its key changed, fills nothing.

#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

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

/// One load of a target: every caller that joined it gets its result exactly once.
template <class T>
class pending_load {
public:
  explicit pending_load(std::uint64_t sequence, bool writes_cache) : sequence_(sequence), writes_cache_(writes_cache) {}

  [[nodiscard]] std::uint64_t sequence() const noexcept { return sequence_; }
  [[nodiscard]] bool writes_cache() const noexcept { return writes_cache_; }

  /// Adds a waiter; answers it at once when the load already finished.
  void join(load_waiter<T> waiter) {
    std::unique_lock lock(mutex_);
    if (!done_) {
      // Almost every load has one waiter: it is kept without allocating.
      if (!first_waiter_) first_waiter_.emplace(std::move(waiter));
      else waiters_.push_back(std::move(waiter));
      return;
    }
    lock.unlock();
    deliver(waiter, failure_, result_);
  }

  void finish(std::exception_ptr failure, std::shared_ptr<T> result) {
    std::optional<load_waiter<T>> first;
    std::vector<load_waiter<T>> waiters;
    {
      std::lock_guard lock(mutex_);
      failure_ = failure;
      result_ = result;
      done_ = true;
      first.swap(first_waiter_);
      waiters.swap(waiters_);
    }
    if (first) deliver(*first, failure, result);
    for (auto& waiter : waiters) deliver(waiter, failure, result);
  }

private:
  const std::uint64_t sequence_;
  const bool writes_cache_;
  std::mutex mutex_;
  bool done_ = false;
  std::exception_ptr failure_;
  std::shared_ptr<T> result_;
  std::optional<load_waiter<T>> first_waiter_;
  std::vector<load_waiter<T>> waiters_;
};

/// Cache and load bookkeeping of one relation member. Reference-counted: the owner holds one reference, each
/// load in flight another.
template <class T>
struct link_state : boost::intrusive_ref_counter<link_state<T>, boost::thread_safe_counter> {
  std::mutex mutex;
  bool owner_alive = true;    ///< false once the owner let go (destroyed, or its key changed)
  bool loaded = false;        ///< the cache holds the answer for the owner's key (possibly "no row")
  std::shared_ptr<T> target;  ///< the cached answer
  std::uint64_t issued = 0;   ///< sequence of the newest load allowed to write the cache
  std::shared_ptr<pending_load<T>> pending;  ///< the plain load in flight, which later plain loads join

  /// Stores a load's answer if this load is still the newest one for a living owner.
  void complete(const pending_load<T>& load, const std::shared_ptr<T>& answer, bool succeeded) {
    std::lock_guard lock(mutex);
    if (succeeded && owner_alive && load.writes_cache() && load.sequence() == issued) {
      target = answer;
      loaded = true;
    }
    if (pending.get() == &load) pending.reset();
  }
};

}  // namespace tether::detail

#endif
