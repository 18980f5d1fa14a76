#ifndef TETHER_DETAIL_SMALL_MUTEX_HPP
#define TETHER_DETAIL_SMALL_MUTEX_HPP

/// @file
/// A mutex in four bytes, for the load state every relation that was ever loaded has: a std::mutex is forty, and
/// the states of a hundred thousand loaded orders are read one after another by the cached accessor, so their
/// size is what that read costs. Uncontended it is one compare-and-swap to lock and one exchange to unlock;
/// a waiter sleeps in std::atomic::wait (a futex), never spins.

#include <atomic>
#include <cstdint>

namespace tether::detail {

class small_mutex {
public:
  small_mutex() = default;
  small_mutex(const small_mutex&) = delete;
  small_mutex& operator=(const small_mutex&) = delete;

  void lock() noexcept {
    std::uint32_t expected = unlocked;
    if (state_.compare_exchange_strong(expected, locked, std::memory_order_acquire, std::memory_order_relaxed)) return;
    // Someone holds it: say that a waiter may sleep, and sleep until it is free.
    while (state_.exchange(contended, std::memory_order_acquire) != unlocked)
      state_.wait(contended, std::memory_order_relaxed);
  }

  void unlock() noexcept {
    if (state_.exchange(unlocked, std::memory_order_release) == contended) state_.notify_one();
  }

private:
  static constexpr std::uint32_t unlocked = 0, locked = 1, contended = 2;
  std::atomic<std::uint32_t> state_{unlocked};
};

}  // namespace tether::detail

#endif
