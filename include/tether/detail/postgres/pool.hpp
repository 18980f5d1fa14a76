#ifndef TETHER_DETAIL_POSTGRES_POOL_HPP
#define TETHER_DETAIL_POSTGRES_POOL_HPP

/// @file
/// Up to `size` connections, opened on demand and shared by all threads: a thread leases one for an operation
/// (waiting when all are leased) and gives it back. A connection that broke, or that the server closed while it
/// sat idle, is dropped when given back or when next leased, and a new one is opened in its place; so once the
/// server is back, the next operation succeeds without restarting the process.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <tether/detail/postgres/connection.hpp>

namespace tether::detail::postgres {

class pool {
public:
  pool(std::string conninfo, std::size_t size, std::chrono::seconds connect_timeout,
       std::chrono::milliseconds statement_timeout)
      : conninfo_(std::move(conninfo)),
        size_(size == 0 ? 1 : size),
        connect_timeout_(connect_timeout),
        statement_timeout_(statement_timeout) {}

  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  /// A connection for one thread's use, given back when the lease ends.
  class lease {
  public:
    lease() = default;
    lease(pool* owner, std::unique_ptr<connection> c) noexcept
        : pool_(owner), connection_(std::move(c)) {}
    lease(lease&& other) noexcept = default;
    lease& operator=(lease&& other) noexcept {
      release();
      pool_ = other.pool_;
      connection_ = std::move(other.connection_);
      return *this;
    }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease() { release(); }

    connection& operator*() const noexcept { return *connection_; }
    connection* operator->() const noexcept { return connection_.get(); }

  private:
    void release() noexcept {
      if (connection_) pool_->give_back(std::move(connection_));
    }
    pool* pool_ = nullptr;
    std::unique_ptr<connection> connection_;
  };

  /// An idle usable connection, else a new one while fewer than `size` exist, else waits for one.
  /// Throws connection_error when a new connection cannot be opened.
  lease acquire() {
    std::unique_lock lock(mutex_);
    for (;;) {
      while (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        if (c->usable()) {
          c->schema_changed(schema_generation_.load(std::memory_order_acquire));
          return lease(this, std::move(c));
        }
        --open_;  // closed by the server while idle: let it go and open another
        lock.unlock();
        c.reset();
        lock.lock();
      }
      if (open_ < size_) break;
      available_.wait(lock);
    }
    ++open_;
    lock.unlock();
    try {
      auto c = std::make_unique<connection>(conninfo_, connect_timeout_, statement_timeout_);
      c->schema_changed(schema_generation_.load(std::memory_order_acquire));
      return lease(this, std::move(c));
    } catch (...) {
      lock.lock();
      --open_;
      available_.notify_one();
      throw;
    }
  }

  /// Every connection forgets its prepared statements before its next use (after DDL).
  void schema_changed() noexcept { schema_generation_.fetch_add(1, std::memory_order_acq_rel); }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] const std::string& conninfo() const noexcept { return conninfo_; }

private:
  void give_back(std::unique_ptr<connection> c) noexcept {
    // A connection left inside a transaction or broken is closed rather than handed to the next thread.
    const bool keep = PQstatus(c->handle()) == CONNECTION_OK && PQtransactionStatus(c->handle()) == PQTRANS_IDLE;
    if (!keep) c.reset();
    std::lock_guard lock(mutex_);
    if (keep) idle_.push_back(std::move(c));
    else --open_;
    available_.notify_one();
  }

  std::string conninfo_;
  std::size_t size_;
  std::chrono::seconds connect_timeout_;
  std::chrono::milliseconds statement_timeout_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<connection>> idle_;
  std::size_t open_ = 0;  ///< idle, leased, or being opened
  std::atomic<std::uint64_t> schema_generation_{0};
};

}  // namespace tether::detail::postgres

#endif
