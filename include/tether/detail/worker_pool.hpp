#ifndef TETHER_DETAIL_WORKER_POOL_HPP
#define TETHER_DETAIL_WORKER_POOL_HPP

/// @file
/// The threads that run relation loads a connector cannot run on the caller's thread: Boost.Asio's
/// `thread_pool` behind a small interface, so that only the translation unit that defines `make_worker_pool`
/// (impl/worker_pool.ipp: every one that uses a datasource when header-only, <tether/src.hpp> alone when
/// separately compiled) compiles Boost.Asio. A task is a relation load: one virtual call beside a thread
/// hand-off costs nothing measurable.

#include <cstddef>
#include <functional>
#include <memory>

#include <tether/detail/config.hpp>

namespace tether::detail {

class worker_pool {
public:
  virtual ~worker_pool() = default;
  /// Runs `task` on one of the pool's threads.
  virtual void post(std::function<void()> task) = 0;
  /// Waits until every task posted so far has run; the pool takes no more.
  virtual void join() = 0;
};

/// A pool of `threads` threads, started now.
TETHER_DECL std::unique_ptr<worker_pool> make_worker_pool(std::size_t threads);

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/worker_pool.ipp>
#endif

#endif
