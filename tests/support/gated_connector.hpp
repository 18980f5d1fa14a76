#ifndef TETHER_TESTS_GATED_CONNECTOR_HPP
#define TETHER_TESTS_GATED_CONNECTOR_HPP

// A third-party connector written outside the library, to prove the seam: it models tether::connector by
// forwarding to tether::memory, is not inline (so relation loads run on the datasource's workers), and can hold
// every read at a gate until the test opens it (latency injection, so a load can be caught while in flight).

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <tether/memory.hpp>

namespace tether_test {

/// Shared between a test and its connector: reads wait while the gate is closed.
class gate {
public:
  void close() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  /// Lets `thread`'s reads through even while the gate is closed (a thread that must not be held).
  void let_through(std::thread::id thread) {
    std::lock_guard lock(mutex_);
    free_ = thread;
  }
  void pass() {
    std::unique_lock lock(mutex_);
    if (std::this_thread::get_id() == free_) {
      ++passed_;
      return;
    }
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    --waiting_;
    ++passed_;
  }
  /// Blocks until `n` reads are waiting at the gate.
  void await_waiting(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return waiting_ >= n; });
  }
  int passed() {
    std::lock_guard lock(mutex_);
    return passed_;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = true;
  int waiting_ = 0;
  int passed_ = 0;
  std::thread::id free_;
};

class gated_connector {
public:
  // Small, so include must split its key lists.
  [[nodiscard]] static constexpr std::size_t parameter_limit() noexcept { return 3; }

  explicit gated_connector(std::shared_ptr<gate> g) : gate_(std::move(g)) {}

  void ensure_table(const tether::model_info& m, const tether::query_observer& log) { inner_.ensure_table(m, log); }
  void drop_table(const tether::model_info& m, const tether::query_observer& log) { inner_.drop_table(m, log); }
  void insert(const tether::model_info& m, tether::row_span rows, const tether::query_observer& log) {
    inner_.insert(m, rows, log);
  }
  void select(const tether::model_info& m, const tether::query& q, tether::row_sink& out,
              const tether::query_observer& log) {
    gate_->pass();
    inner_.select(m, q, out, log);
  }
  bool update(const tether::model_info& m, const void* row, const tether::query_observer& log) {
    return inner_.update(m, row, log);
  }
  bool remove(const tether::model_info& m, const tether::value& id, const tether::query_observer& log) {
    return inner_.remove(m, id, log);
  }
  std::size_t count(const tether::model_info& m, const tether::query& q, const tether::query_observer& log) {
    return inner_.count(m, q, log);
  }
  void begin(const tether::query_observer& log) { inner_.begin(log); }
  void commit(const tether::query_observer& log) { inner_.commit(log); }
  void rollback(const tether::query_observer& log) { inner_.rollback(log); }

private:
  std::shared_ptr<gate> gate_;
  tether::memory inner_;
};

static_assert(tether::connector<gated_connector>);
static_assert(!tether::inline_connector<gated_connector>);

}  // namespace tether_test

#endif
