#ifndef TETHER_FUTURE_HPP
#define TETHER_FUTURE_HPP

/// @file
/// `tether::future<T>`: what every relation's `get()` returns. The members of `std::future<T>`, plus
/// `is_ready()`, `then(g)` (the seed's `order.customer.get().then(...)`), `co_await` and a conversion to
/// `std::future<T>`.
///
/// Why not `std::future`: most loads are answered before `get()` returns (a cache hit, the memory connector,
/// an idle SQLite connection), and a `std::promise`/`std::future` pair costs two allocations and a system call
/// (`call_once`) to hand over a value that is already there. A ready `tether::future` holds its value inline:
/// no allocation, no atomic read-modify-write. A pending one shares one heap state with whoever completes it,
/// and waits in a `std::condition_variable`. A load's state can also offer the waiting thread the work it
/// waits for (`future_state_base::before_wait`): a load no worker has started yet runs on the thread that waits.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <type_traits>
#include <utility>
#include <variant>

namespace tether {

template <class T>
class future;

namespace detail {

template <class T>
struct is_tether_future : std::false_type {};
template <class T>
struct is_tether_future<future<T>> : std::true_type {};

/// What a future stores: nothing yet, the value, or the failure. `void` is stored as an empty value.
template <class T>
using future_value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
template <class T>
using future_result = std::variant<std::monostate, future_value<T>, std::exception_ptr>;

/// What runs when a pending future's result arrives: the next step of a `then`, a suspended coroutine, the
/// promise behind a `std::future` conversion. A future has at most one; it owns itself.
class future_continuation {
public:
  virtual void resume() noexcept = 0;

protected:
  future_continuation() = default;
  future_continuation(const future_continuation&) = default;
  future_continuation& operator=(const future_continuation&) = default;
  ~future_continuation() = default;
};

/// The shared state of a pending future, apart from its result. Two references: the future's and the
/// producer's (who completes it). The lock guards only the hand-over of the continuation and the wake-up of a
/// waiter: a producer that finds no waiter pays an uncontended lock and no system call.
class future_state_base {
public:
  future_state_base() = default;
  future_state_base(const future_state_base&) = delete;
  future_state_base& operator=(const future_state_base&) = delete;

  [[nodiscard]] bool ready() const noexcept { return ready_.load(std::memory_order_acquire); }

  /// Waits until the result is there, first doing the work waited for if no one has started it.
  void wait() {
    if (ready()) return;
    before_wait();
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return ready_.load(std::memory_order_relaxed); });
  }

  template <class Clock, class Duration>
  std::future_status wait_until(const std::chrono::time_point<Clock, Duration>& deadline) {
    if (ready()) return std::future_status::ready;
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return ready_.load(std::memory_order_relaxed); })
               ? std::future_status::ready
               : std::future_status::timeout;
  }

  template <class Rep, class Period>
  std::future_status wait_for(const std::chrono::duration<Rep, Period>& span) {
    if (ready()) return std::future_status::ready;
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, span, [&] { return ready_.load(std::memory_order_relaxed); })
               ? std::future_status::ready
               : std::future_status::timeout;
  }

  /// Makes `next` run when the result arrives; false, registering nothing, when it is there already (the caller
  /// goes on at once).
  [[nodiscard]] bool attach(future_continuation* next) {
    std::lock_guard lock(mutex_);
    if (ready_.load(std::memory_order_relaxed)) return false;
    next_ = next;
    return true;
  }

  void release() noexcept {
    if (references_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

protected:
  virtual ~future_state_base() = default;

  /// Marks the result stored (the derived state stored it just before) and wakes a waiter. Returns the
  /// continuation to run, which the producer runs outside its own locks: it runs user code.
  [[nodiscard]] future_continuation* publish() noexcept {
    future_continuation* next = nullptr;
    {
      std::lock_guard lock(mutex_);
      ready_.store(true, std::memory_order_release);
      next = std::exchange(next_, nullptr);
    }
    changed_.notify_all();
    return next;
  }

  /// Called once by a thread about to block on this state: a chance to do the awaited work on that thread.
  virtual void before_wait() {}

private:
  std::atomic<bool> ready_{false};
  std::atomic<std::uint32_t> references_{2};
  std::mutex mutex_;
  std::condition_variable changed_;
  future_continuation* next_ = nullptr;
};

/// The shared state with its result.
template <class T>
class future_state : public future_state_base {
public:
  /// Stores the result (once, by the producer); returns the continuation to run outside the producer's locks.
  [[nodiscard]] future_continuation* fulfil(future_result<T>&& result) noexcept {
    result_ = std::move(result);
    return publish();
  }

  /// The result, once `ready()`; called once, by the future's holder.
  [[nodiscard]] future_result<T> take() noexcept { return std::move(result_); }

  /// Stores the result, runs the continuation and lets go of the producer's reference: a producer's last act.
  void complete(future_result<T>&& result) noexcept {
    if (auto* next = fulfil(std::move(result))) next->resume();
    release();
  }

private:
  future_result<T> result_;
};

/// The result of `g(value)` (`g()` for void), or the failure it throws.
template <class T, class G>
auto invoke_on(G& g, future_value<T>&& value) {
  if constexpr (std::is_void_v<T>) return std::invoke(g);
  else return std::invoke(g, std::move(value));
}

template <class T, class G>
using then_result = std::decay_t<decltype(invoke_on<T>(std::declval<G&>(), std::declval<future_value<T>&&>()))>;

/// What `then(g)` gives: `future<R>` for `g` returning R, and `future<U>` (not a future of a future) for `g`
/// returning `future<U>`, as JavaScript's promises flatten.
template <class R>
struct then_future_of {
  using type = future<R>;
};
template <class U>
struct then_future_of<future<U>> {
  using type = future<U>;
};

template <class T>
future<T> adopt_pending_future(future_state<T>* state) noexcept;
template <class T>
future<T> ready_future_of(future_result<T>&& result) noexcept;

}  // namespace detail

/// @brief A ready future holding `value`.
template <class T>
[[nodiscard]] future<std::decay_t<T>> make_ready_future(T&& value);
/// @brief A ready `future<void>`.
[[nodiscard]] future<void> make_ready_future();
/// @brief A ready future holding `failure`, which its `get()` rethrows.
template <class T>
[[nodiscard]] future<T> make_exceptional_future(std::exception_ptr failure);

/// @brief What every relation's `get()` returns: `std::future<T>`'s members, `is_ready()`, `then(g)`,
/// `co_await`, and a conversion to `std::future<T>`. Move-only; `get()` once.
template <class T>
class future {
public:
  using value_type = T;

  /// @brief An invalid future (`valid()` is false), as `std::future`'s default.
  future() noexcept = default;

  future(future&& other) noexcept : state_(std::exchange(other.state_, nullptr)), result_(std::move(other.result_)) {
    other.result_.template emplace<0>();
  }

  future& operator=(future&& other) noexcept {
    if (this != &other) {
      reset();
      state_ = std::exchange(other.state_, nullptr);
      result_ = std::move(other.result_);
      other.result_.template emplace<0>();
    }
    return *this;
  }

  future(const future&) = delete;
  future& operator=(const future&) = delete;

  ~future() { reset(); }

  /// @brief True until `get()`, a `then`, a `co_await` or a conversion took the result.
  [[nodiscard]] bool valid() const noexcept { return state_ != nullptr || result_.index() != 0; }

  /// @brief True when `get()` would not block.
  [[nodiscard]] bool is_ready() const noexcept { return state_ != nullptr ? state_->ready() : result_.index() != 0; }

  /// @brief Blocks until the result is there. A relation load no worker has started yet runs on this thread.
  void wait() const {
    require_valid();
    if (state_ != nullptr) state_->wait();
  }

  template <class Rep, class Period>
  std::future_status wait_for(const std::chrono::duration<Rep, Period>& span) const {
    require_valid();
    return state_ != nullptr ? state_->wait_for(span) : std::future_status::ready;
  }

  template <class Clock, class Duration>
  std::future_status wait_until(const std::chrono::time_point<Clock, Duration>& deadline) const {
    require_valid();
    return state_ != nullptr ? state_->wait_until(deadline) : std::future_status::ready;
  }

  /// @brief Waits, then returns the value or rethrows the failure; the future is no longer valid afterwards.
  /// @throws std::future_error (`no_state`) on an invalid future.
  T get() {
    detail::future_result<T> result = take_result();
    if (result.index() == 2) std::rethrow_exception(std::get<2>(std::move(result)));
    if constexpr (!std::is_void_v<T>) return std::get<1>(std::move(result));
  }

  /// @brief A future of `g(value)`: `g` runs once, at once when this future is ready, otherwise on the thread
  /// that completes it. A failure skips `g` and travels on; an exception `g` throws becomes the new future's.
  /// `g` returning a `tether::future<U>` gives a `tether::future<U>`. This future is no longer valid afterwards.
  template <class G>
    requires(std::is_void_v<T> ? std::invocable<G&> : std::invocable<G&, T>)
  [[nodiscard]] auto then(G&& g) -> typename detail::then_future_of<detail::then_result<T, std::decay_t<G>>>::type;

  /// @brief The same result through a `std::future<T>`, for code written against the standard type.
  operator std::future<T>() &&;  // NOLINT(google-explicit-constructor): `std::future<T> f = rel.get();` must compile

  /// @brief A `std::shared_future<T>` of the result.
  [[nodiscard]] std::shared_future<T> share() { return std::future<T>(std::move(*this)).share(); }

  /// @brief `co_await f` in a C++20 coroutine: goes on without suspending when ready; otherwise resumes on the
  /// thread that completes the future. Gives the value or throws the failure.
  auto operator co_await() && noexcept { return awaiter{std::move(*this)}; }
  auto operator co_await() & noexcept { return awaiter{std::move(*this)}; }

private:
  template <class U>
  friend class future;
  template <class U>
  friend future<std::decay_t<U>> make_ready_future(U&&);
  friend future<void> make_ready_future();
  template <class U>
  friend future<U> make_exceptional_future(std::exception_ptr);
  template <class U>
  friend future<U> detail::adopt_pending_future(detail::future_state<U>*) noexcept;
  template <class U>
  friend future<U> detail::ready_future_of(detail::future_result<U>&&) noexcept;

  struct awaiter final : detail::future_continuation {
    future pending;
    std::coroutine_handle<> suspended;

    explicit awaiter(future&& f) noexcept : pending(std::move(f)) {}
    [[nodiscard]] bool await_ready() const noexcept { return pending.state_ == nullptr || pending.state_->ready(); }
    bool await_suspend(std::coroutine_handle<> handle) {
      suspended = handle;
      return pending.state_->attach(this);  // false: ready meanwhile, go on without suspending
    }
    T await_resume() { return pending.get(); }
    void resume() noexcept override { suspended.resume(); }
  };

  template <class G, class Out>
  class then_state;
  class promise_bridge;

  void require_valid() const {
    if (!valid()) throw std::future_error(std::future_errc::no_state);
  }

  detail::future_result<T> take_result() {
    require_valid();
    if (state_ != nullptr) {
      state_->wait();
      result_ = state_->take();
      std::exchange(state_, nullptr)->release();
    }
    return take_inline();
  }

  /// The result of a future known to be ready; an invalid one (a `then` step returned one) is a failure.
  detail::future_result<T> take_ready_result() noexcept {
    if (!valid())
      return detail::future_result<T>(std::in_place_index<2>,
                                      std::make_exception_ptr(std::future_error(std::future_errc::no_state)));
    if (state_ != nullptr) {
      result_ = state_->take();
      std::exchange(state_, nullptr)->release();
    }
    return take_inline();
  }

  void reset() noexcept {
    if (state_ != nullptr) std::exchange(state_, nullptr)->release();
    result_.template emplace<0>();
  }

  /// Moves the inline result out, leaving none.
  detail::future_result<T> take_inline() noexcept {
    detail::future_result<T> taken(std::move(result_));
    result_.template emplace<0>();
    return taken;
  }

  detail::future_state<T>* state_ = nullptr;  ///< pending (or completed since): shared with the producer
  detail::future_result<T> result_;           ///< ready from the start: held inline
};

namespace detail {

/// A future pending on `state`, taking the reference meant for the future.
template <class T>
future<T> adopt_pending_future(future_state<T>* state) noexcept {
  future<T> f;
  f.state_ = state;
  return f;
}

/// A ready future of `result` (a value or a failure).
template <class T>
future<T> ready_future_of(future_result<T>&& result) noexcept {
  future<T> f;
  f.result_ = std::move(result);
  return f;
}

}  // namespace detail

template <class T>
future<std::decay_t<T>> make_ready_future(T&& value) {
  using V = std::decay_t<T>;
  return detail::ready_future_of<V>(detail::future_result<V>(std::in_place_index<1>, std::forward<T>(value)));
}

inline future<void> make_ready_future() {
  return detail::ready_future_of<void>(detail::future_result<void>(std::in_place_index<1>));
}

template <class T>
future<T> make_exceptional_future(std::exception_ptr failure) {
  return detail::ready_future_of<T>(detail::future_result<T>(std::in_place_index<2>, std::move(failure)));
}

namespace detail {

/// Runs `g` on a result: the failure travels on, an exception `g` throws becomes the answer, a future `g`
/// returns is the answer itself.
template <class T, class Out, class G>
future<Out> apply_then(G& g, future_result<T>&& result) noexcept {
  using R = then_result<T, G>;
  if (result.index() == 2) return make_exceptional_future<Out>(std::get<2>(std::move(result)));
  try {
    if constexpr (is_tether_future<R>::value) {
      return invoke_on<T>(g, std::get<1>(std::move(result)));
    } else if constexpr (std::is_void_v<R>) {
      invoke_on<T>(g, std::get<1>(std::move(result)));
      return make_ready_future();
    } else {
      return make_ready_future(invoke_on<T>(g, std::get<1>(std::move(result))));
    }
  } catch (...) {
    return make_exceptional_future<Out>(std::current_exception());
  }
}

}  // namespace detail

/// The state of a `then` future: the continuation of the source future, then (when `g` gave a pending future)
/// of that one. One allocation holds `g` and the new future's result.
template <class T>
template <class G, class Out>
class future<T>::then_state final : public detail::future_state<Out>, public detail::future_continuation {
public:
  then_state(G&& g, detail::future_state<T>* source) : g_(std::move(g)), source_(source) {}

  /// Runs this step when the source completes; at once when it has.
  void follow_source() {
    if (!source_->attach(this)) resume();
  }

  void resume() noexcept override {
    if (source_ != nullptr) {
      auto result = source_->take();
      std::exchange(source_, nullptr)->release();
      inner_ = detail::apply_then<T, Out>(g_, std::move(result));
      // g gave a pending future: this state waits for it in turn.
      if (inner_.state_ != nullptr && inner_.state_->attach(this)) return;
    }
    this->complete(inner_.take_ready_result());
  }

private:
  G g_;
  detail::future_state<T>* source_;
  future<Out> inner_;
};

/// The `std::promise` behind a `std::future` conversion of a pending future.
template <class T>
class future<T>::promise_bridge final : public detail::future_continuation {
public:
  promise_bridge(std::promise<T>&& promise, detail::future_state<T>* source)
      : promise_(std::move(promise)), source_(source) {}

  /// Settles the promise when the source completes; at once when it has.
  void follow_source() {
    if (!source_->attach(this)) resume();
  }

  static void settle(std::promise<T>& promise, detail::future_result<T>&& result) {
    if (result.index() == 2) promise.set_exception(std::get<2>(std::move(result)));
    else if constexpr (std::is_void_v<T>) promise.set_value();
    else promise.set_value(std::get<1>(std::move(result)));
  }

  void resume() noexcept override {
    settle(promise_, source_->take());
    source_->release();
    delete this;
  }

private:
  std::promise<T> promise_;
  detail::future_state<T>* source_;
};

template <class T>
template <class G>
  requires(std::is_void_v<T> ? std::invocable<G&> : std::invocable<G&, T>)
auto future<T>::then(G&& g) -> typename detail::then_future_of<detail::then_result<T, std::decay_t<G>>>::type {
  using Fn = std::decay_t<G>;
  using Out = typename detail::then_future_of<detail::then_result<T, Fn>>::type::value_type;
  require_valid();
  if (state_ == nullptr) {
    Fn fn(std::forward<G>(g));
    return detail::apply_then<T, Out>(fn, take_inline());
  }
  auto* next = new then_state<Fn, Out>(Fn(std::forward<G>(g)), std::exchange(state_, nullptr));
  future<Out> chained = detail::adopt_pending_future<Out>(next);
  next->follow_source();  // ready meanwhile: g runs here
  return chained;
}

template <class T>
future<T>::operator std::future<T>() && {
  if (!valid()) return {};
  std::promise<T> promise;
  std::future<T> standard = promise.get_future();
  if (state_ == nullptr) {
    promise_bridge::settle(promise, take_inline());
    return standard;
  }
  (new promise_bridge(std::move(promise), std::exchange(state_, nullptr)))->follow_source();
  return standard;
}

}  // namespace tether

#endif
