// tether::future: std::future's members, is_ready, then, co_await, the std::future conversion, what a ready
// future costs, and how a relation's get() hands out one: ready when the answer is there on return, pending
// otherwise, with the waiting thread running a load no worker has started. Run under the asan and tsan presets
// too: a future destroyed while its load runs, and one waited for on another thread.

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <tether/future.hpp>
#include <tether/memory.hpp>
#include <tether/tether.hpp>

#include "support/gated_connector.hpp"

// Counts the allocations a scope makes on its own thread: the claim "a ready future allocates nothing" is
// checked, not assumed. Replacing the global operator new is the standard's own hook for this; the sanitizers
// replace it themselves, so under them nothing is counted.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TETHER_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TETHER_TEST_SANITIZED 1
#endif
#endif

namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;

#ifdef TETHER_TEST_SANITIZED
constexpr bool allocations_counted = false;
#else
constexpr bool allocations_counted = true;
#endif

struct allocation_count {
  allocation_count() {
    allocations = 0;
    counting = true;
  }
  ~allocation_count() { counting = false; }
  allocation_count(const allocation_count&) = delete;
  allocation_count& operator=(const allocation_count&) = delete;
  /// True when the scope made none so far (always, where allocations cannot be counted).
  [[nodiscard]] bool none() const { return !allocations_counted || allocations == 0; }
};
}  // namespace

#ifndef TETHER_TEST_SANITIZED
// Out of line, so that the compiler does not pair a malloc it cannot see with the operator delete it inlines.
[[gnu::noinline]] void* allocate_block(std::size_t size) { return std::malloc(size == 0 ? 1 : size); }
[[gnu::noinline]] void free_block(void* p) noexcept { std::free(p); }

void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = allocate_block(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (counting) ++allocations;
  return allocate_block(size);
}
void operator delete(void* p) noexcept { free_block(p); }
void operator delete(void* p, std::size_t) noexcept { free_block(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { free_block(p); }
#endif

namespace unit_future {

namespace {

using tether::detail::future_result;
using tether::detail::future_state;

/// A future pending on a state the test completes by hand, as a load's producer would.
template <class T>
struct pending_pair {
  future_state<T>* producer = new future_state<T>();
  tether::future<T> future = tether::detail::adopt_pending_future<T>(producer);

  void complete(T value) { producer->complete(future_result<T>(std::in_place_index<1>, std::move(value))); }
  void fail(std::exception_ptr failure) {
    producer->complete(future_result<T>(std::in_place_index<2>, std::move(failure)));
  }
};

/// The smallest coroutine type: starts at once, never suspends at its end.
struct detached {
  struct promise_type {
    detached get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

detached await_into(tether::future<int> f, std::atomic<int>& out, std::atomic<std::thread::id>& resumed_on,
                    std::string& failure) {
  try {
    out = co_await std::move(f);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  resumed_on = std::this_thread::get_id();
}

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::string, name));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (tether::belongs_to<Customer>, customer));
};

}  // namespace

TEST_CASE("a ready future has std::future's members, once") {
  auto f = tether::make_ready_future(std::string("Ann"));
  CHECK(f.valid());
  CHECK(f.is_ready());
  CHECK(f.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
  CHECK(f.wait_until(std::chrono::steady_clock::now()) == std::future_status::ready);
  f.wait();
  CHECK(f.get() == "Ann");
  CHECK_FALSE(f.valid());
  CHECK_FALSE(f.is_ready());
  try {
    (void)f.get();
    FAIL("get() on an invalid future must throw");
  } catch (const std::future_error& e) {
    CHECK(e.code() == std::future_errc::no_state);
  }
  tether::future<int> none;
  CHECK_FALSE(none.valid());
  CHECK_THROWS_AS(none.wait(), std::future_error);
}

TEST_CASE("a failure is rethrown by get(), skips then and travels on") {
  auto f = tether::make_exceptional_future<int>(std::make_exception_ptr(std::runtime_error("no row")));
  CHECK(f.is_ready());
  bool ran = false;
  auto next = std::move(f).then([&](int v) {
    ran = true;
    return v + 1;
  });
  CHECK_FALSE(f.valid());
  CHECK_THROWS_WITH(next.get(), "no row");
  CHECK_FALSE(ran);

  pending_pair<int> p;
  auto chained = p.future.then([&](int v) {
    ran = true;
    return v;
  });
  p.fail(std::make_exception_ptr(std::runtime_error("lost")));
  CHECK_THROWS_WITH(chained.get(), "lost");
  CHECK_FALSE(ran);
}

TEST_CASE("then on a ready future runs at once and allocates nothing") {
  auto customer = std::make_shared<int>(41);
  allocation_count count;
  auto f = tether::make_ready_future(customer).then([](std::shared_ptr<int> c) { return *c + 1; });
  CHECK(f.is_ready());
  CHECK(f.get() == 42);
  CHECK(count.none());
}

TEST_CASE("then on a pending future runs once, on the thread that completes it") {
  pending_pair<int> p;
  std::atomic<int> runs{0};
  std::thread::id ran_on;
  auto f = p.future.then([&](int v) {
    ++runs;
    ran_on = std::this_thread::get_id();
    return std::to_string(v);
  });
  CHECK_FALSE(f.is_ready());
  CHECK(f.wait_for(std::chrono::milliseconds(1)) == std::future_status::timeout);
  std::thread::id producer_thread;
  std::thread producer([&] {
    producer_thread = std::this_thread::get_id();
    p.complete(7);
  });
  CHECK(f.get() == "7");
  producer.join();
  CHECK(runs == 1);
  CHECK(ran_on == producer_thread);
}

TEST_CASE("an exception g throws becomes the failure of then's future") {
  auto f = tether::make_ready_future(1).then([](int) -> int { throw std::logic_error("bad"); });
  CHECK_THROWS_AS(f.get(), std::logic_error);
  auto v = tether::make_ready_future().then([] {});
  CHECK(v.is_ready());
  v.get();
}

TEST_CASE("then flattens a future that g returns") {
  pending_pair<int> outer;
  pending_pair<std::string> inner;
  tether::future<std::string> f = outer.future.then([&](int) { return std::move(inner.future); });
  outer.complete(1);
  CHECK_FALSE(f.is_ready());
  inner.complete("two");
  CHECK(f.get() == "two");
}

TEST_CASE("co_await goes on without suspending when ready, and resumes on the completing thread otherwise") {
  std::atomic<int> out{0};
  std::atomic<std::thread::id> resumed_on{};
  std::string failure;
  await_into(tether::make_ready_future(3), out, resumed_on, failure);
  CHECK(out == 3);
  CHECK(resumed_on.load() == std::this_thread::get_id());

  pending_pair<int> p;
  await_into(std::move(p.future), out, resumed_on, failure);
  CHECK(out == 3);  // suspended
  std::thread::id producer_thread;
  std::thread producer([&] {
    producer_thread = std::this_thread::get_id();
    p.complete(9);
  });
  producer.join();
  CHECK(out == 9);
  CHECK(resumed_on.load() == producer_thread);

  pending_pair<int> failing;
  await_into(std::move(failing.future), out, resumed_on, failure);
  failing.fail(std::make_exception_ptr(std::runtime_error("gone")));
  CHECK(failure == "gone");
}

TEST_CASE("a tether::future converts to std::future and std::shared_future") {
  std::future<int> ready = tether::make_ready_future(5);
  CHECK(ready.get() == 5);

  pending_pair<int> p;
  std::future<int> standard = std::move(p.future);
  CHECK(standard.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  std::thread producer([&] { p.complete(6); });
  CHECK(standard.get() == 6);
  producer.join();

  pending_pair<int> failing;
  std::shared_future<int> shared = failing.future.share();
  failing.fail(std::make_exception_ptr(std::runtime_error("x")));
  CHECK_THROWS_AS(shared.get(), std::runtime_error);
  CHECK_THROWS_AS(shared.get(), std::runtime_error);

  std::future<int> invalid = tether::future<int>{};
  CHECK_FALSE(invalid.valid());
}

TEST_CASE("a pending future waited for on another thread") {
  pending_pair<int> p;
  std::atomic<int> seen{0};
  std::thread waiter([&, f = std::move(p.future)]() mutable {
    f.wait();
    seen = f.get();
  });
  p.complete(11);
  waiter.join();
  CHECK(seen == 11);
}

TEST_CASE("a relation's get() is a ready future when the answer is there, with no allocation from the cache") {
  tether::datasource db{tether::memory{}};
  db.automigrate<Customer, Order>();
  Customer ann{0, "Ann"};
  db.repository<Customer>().create(ann);
  Order order{};
  order.customer = ann.id;
  db.repository<Order>().create(order);

  auto loaded = order.customer.get();  // memory answers on the calling thread
  CHECK(loaded.is_ready());
  CHECK(loaded.get()->name == "Ann");
  {
    allocation_count count;
    auto cached = order.customer.get();
    CHECK(cached.is_ready());
    CHECK(count.none());
    CHECK(cached.get()->name == "Ann");
  }
  // The seed's own example: order.customer.get().then(function(customer) { ... }).
  auto name = order.customer.get(tether::refresh).then([](std::shared_ptr<Customer> c) { return c->name; });
  CHECK(name.get() == "Ann");
  std::future<std::shared_ptr<Customer>> standard = order.customer.get();
  CHECK(standard.get()->name == "Ann");
}

namespace {

/// A datasource whose reads wait at a gate on every thread but the test's, and which records the thread each
/// Customer read ran on.
struct gated_shop {
  std::shared_ptr<tether_test::gate> gate = std::make_shared<tether_test::gate>();
  std::mutex mutex;
  std::vector<std::thread::id> customer_reads;
  // Destroyed before what its on_query callback writes to: its destruction waits for the loads in flight.
  tether::datasource<tether_test::gated_connector> db{tether_test::gated_connector{gate}};
  std::vector<Order> orders;

  gated_shop() {
    db.automigrate<Customer, Order>();
    for (const char* name : {"Ann", "Bob", "Cy"}) {
      Customer c{0, name};
      db.repository<Customer>().create(c);
      Order o{};
      o.customer = c.id;
      db.repository<Order>().create(o);
    }
    orders = db.repository<Order>().find();
    db.on_query([this](const tether::query_event& e) {
      if (e.model != "Customer") return;
      std::lock_guard lock(mutex);
      customer_reads.push_back(std::this_thread::get_id());
    });
    gate->let_through(std::this_thread::get_id());
  }
  bool read_on(std::thread::id thread) {
    std::lock_guard lock(mutex);
    return std::find(customer_reads.begin(), customer_reads.end(), thread) != customer_reads.end();
  }
};

}  // namespace

TEST_CASE("the thread that waits runs a load no worker has started") {
  gated_shop shop;
  shop.gate->close();
  // Two loads of Customer hold the two workers that serve it at the gate; the third waits in the queue.
  auto first = shop.orders[0].customer.get();
  shop.gate->await_waiting(1);
  auto second = shop.orders[1].customer.get();
  shop.gate->await_waiting(2);
  auto third = shop.orders[2].customer.get();
  CHECK_FALSE(third.is_ready());
  // Waiting runs it here, past the closed gate, while the workers are still held.
  CHECK(third.get()->name == "Cy");
  CHECK(shop.read_on(std::this_thread::get_id()));
  CHECK_FALSE(first.is_ready());
  shop.gate->open();
  CHECK(first.get()->name == "Ann");
  CHECK(second.get()->name == "Bob");
  CHECK(shop.orders[2].customer()->name == "Cy");  // and cached, as any load
}

TEST_CASE("a future destroyed while its load runs, and its owner with it, harms nothing") {
  gated_shop shop;
  shop.gate->close();
  {
    Order order = shop.orders[0];
    auto pending = order.customer.get();
    shop.gate->await_waiting(1);
    CHECK_FALSE(pending.is_ready());
  }  // the future and the order go before the answer comes
  shop.gate->open();  // the datasource's destruction waits for the load in flight
  SUCCEED();
}

TEST_CASE("then and co_await on a relation load complete on the worker that answers it") {
  gated_shop shop;
  shop.gate->close();
  std::atomic<std::thread::id> continued_on{};
  auto name = shop.orders[1].customer.get().then([&](std::shared_ptr<Customer> c) {
    continued_on = std::this_thread::get_id();
    return c->name;
  });
  shop.gate->await_waiting(1);
  shop.gate->open();
  CHECK(name.get() == "Bob");
  CHECK(continued_on.load() != std::this_thread::get_id());
}

}  // namespace unit_future
