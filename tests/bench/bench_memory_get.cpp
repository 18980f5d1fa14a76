// The memory connector's uncached relation load, order.customer.get().get(), beside the hand-written
// equivalent: a std::unordered_map of customers by id behind a std::mutex, each lookup a find and a copy into a
// std::make_shared<Customer>. The data is the SQLite get benchmark's (bench_sqlite.cpp): 10,000 orders of 1,000
// customers, order n belonging to customer n % 1000 + 1; every iteration starts from orders with nothing cached,
// made outside the timing. The connector's lookup alone comes too, to tell the store's share of a load.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <tether/memory.hpp>
#include <tether/tether.hpp>

#include "belongs_to_shop.hpp"

namespace {

using namespace belongs_to_bench;

constexpr int customer_count = 1000;
constexpr int order_count = 10000;

std::string name_of(int n) { return "Customer number " + std::to_string(n); }

std::int64_t customer_of_order(int n) { return 1 + n % customer_count; }

/// The shared store: 1,000 customers and 10,000 orders.
struct shop {
  tether::datasource<tether::memory> db{tether::memory{}};

  shop() {
    db.automigrate<Customer, Order>();
    std::vector<Customer> cs(customer_count);
    for (int n = 0; n < customer_count; ++n) cs[n].name = name_of(n);
    db.repository<Customer>().create(cs);
    std::vector<Order> os(order_count);
    for (int n = 0; n < order_count; ++n) {
      os[n].amount = n;
      os[n].customer = customer_of_order(n);
    }
    db.repository<Order>().create(os);
  }

  static shop& instance() {
    static shop s;
    return s;
  }
};

void get_tether(benchmark::State& state) {
  auto orders_of_shop = shop::instance().db.repository<Order>();
  for (auto _ : state) {
    state.PauseTiming();
    auto orders = orders_of_shop.find();  // keys set, nothing cached
    state.ResumeTiming();
    for (auto& o : orders) benchmark::DoNotOptimize(o.customer.get().get());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

/// Fills each order's customer with `fetch(key)`, from orders made outside the timing with only their keys.
template <class Fetch>
void get_raw(benchmark::State& state, Fetch fetch) {
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<RawOrder> orders(order_count);
    for (int n = 0; n < order_count; ++n) orders[n].customer_id = customer_of_order(n);
    state.ResumeTiming();
    for (auto& o : orders) {
      o.customer = fetch(*o.customer_id);
      benchmark::DoNotOptimize(o.customer);
    }
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

/// The connector's lookup alone: what a load costs in the store, to tell it from what the relation and its
/// future add.
void get_connector_lookup(benchmark::State& state) {
  auto& db = shop::instance().db;
  const tether::model_info& customer = tether::model_info_of<Customer>();
  get_raw(state, [&](std::int64_t id) {
    return std::static_pointer_cast<Customer>(
        db.connector().lookup(customer, customer.id_index(), id, tether::query_observer{}));
  });
}

/// The hand-written store: customers by id, one lock around every access, as a thread-safe store needs.
class locked_customers {
public:
  locked_customers() {
    for (int n = 0; n < customer_count; ++n) {
      const std::int64_t id = n + 1;
      by_id_.emplace(id, Customer{id, name_of(n)});
    }
  }

  [[nodiscard]] std::shared_ptr<Customer> find(std::int64_t id) {
    std::lock_guard lock(mutex_);
    const auto found = by_id_.find(id);
    return found == by_id_.end() ? nullptr : std::make_shared<Customer>(found->second);
  }

private:
  std::mutex mutex_;
  std::unordered_map<std::int64_t, Customer> by_id_;
};

void get_locked_unordered_map(benchmark::State& state) {
  locked_customers customers;
  get_raw(state, [&](std::int64_t id) { return customers.find(id); });
}

}  // namespace

BENCHMARK(get_tether)->Unit(benchmark::kMillisecond);
BENCHMARK(get_connector_lookup)->Unit(benchmark::kMillisecond);
BENCHMARK(get_locked_unordered_map)->Unit(benchmark::kMillisecond);
