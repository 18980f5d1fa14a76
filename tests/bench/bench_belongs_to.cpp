// The cached synchronous read, order.customer(), beside the hand-written equivalent: a struct holding a
// std::shared_ptr<Customer> read directly, tether's both after a link made by hand and after a get(). Both copy
// the shared_ptr out, as the accessor returns one by value. Also reports sizeof(tether::belongs_to<Customer>) and
// the size of an Order of each kind.

#include <benchmark/benchmark.h>

#include <memory>
#include <optional>
#include <vector>

#include <tether/memory.hpp>
#include <tether/tether.hpp>

#include "belongs_to_shop.hpp"

namespace {

using namespace belongs_to_bench;

constexpr std::size_t order_count = 1000;

void cached_read_tether(benchmark::State& state) {
  auto customer = std::make_shared<Customer>(Customer{1, "Ann"});
  std::vector<Order> orders(order_count);
  for (auto& o : orders) o.customer(customer);
  for (auto _ : state) {
    for (const auto& o : orders) {
      auto c = o.customer();
      benchmark::DoNotOptimize(c);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * order_count));
}

/// The same read after each order's customer came from a get() on a memory datasource, once and outside the
/// timing: the cache as a load leaves it, rather than as a link made by hand.
void cached_read_after_get_tether(benchmark::State& state) {
  tether::datasource<tether::memory> db{tether::memory{}};
  db.automigrate<Customer, Order>();
  Customer ann{0, "Ann"};
  db.repository<Customer>().create(ann);
  std::vector<Order> stored(order_count);
  for (auto& o : stored) o.customer = ann.id;
  db.repository<Order>().create(stored);
  auto orders = db.repository<Order>().find();
  for (auto& o : orders) benchmark::DoNotOptimize(o.customer.get().get());
  for (auto _ : state) {
    for (const auto& o : orders) {
      auto c = o.customer();
      benchmark::DoNotOptimize(c);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * order_count));
}

void cached_read_shared_ptr(benchmark::State& state) {
  auto customer = std::make_shared<Customer>(Customer{1, "Ann"});
  std::vector<RawOrder> orders(order_count);
  for (auto& o : orders) {
    o.customer_id = 1;
    o.customer = customer;
  }
  for (auto _ : state) {
    for (const auto& o : orders) {
      auto c = o.customer;
      benchmark::DoNotOptimize(c);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * order_count));
}

// Reported as counters so the figures land in the same output as the timings.
void sizes(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(state.iterations());
  state.counters["sizeof_belongs_to"] = sizeof(tether::belongs_to<Customer>);
  state.counters["sizeof_Order"] = sizeof(Order);
  state.counters["sizeof_RawOrder"] = sizeof(RawOrder);
}

}  // namespace

BENCHMARK(cached_read_tether);
BENCHMARK(cached_read_after_get_tether);
BENCHMARK(cached_read_shared_ptr);
BENCHMARK(sizes)->Iterations(1);
