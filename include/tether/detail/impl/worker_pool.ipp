#ifndef TETHER_DETAIL_IMPL_WORKER_POOL_IPP
#define TETHER_DETAIL_IMPL_WORKER_POOL_IPP

// The out-of-line definitions of <tether/detail/worker_pool.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <cstddef>
#include <functional>
#include <memory>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <tether/detail/worker_pool.hpp>

namespace tether::detail {

class asio_worker_pool final : public worker_pool {
public:
  explicit asio_worker_pool(std::size_t threads) : pool_(threads) {}
  void post(std::function<void()> task) override { boost::asio::post(pool_, std::move(task)); }
  void join() override { pool_.join(); }

private:
  boost::asio::thread_pool pool_;
};

TETHER_DECL std::unique_ptr<worker_pool> make_worker_pool(std::size_t threads) {
  return std::make_unique<asio_worker_pool>(threads);
}

}  // namespace tether::detail

#endif
