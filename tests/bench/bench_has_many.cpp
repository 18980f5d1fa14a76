// Include of a has_many on the memory connector, beside the hand-written equivalent: 1,000 customers with their
// 100,000 orders (customer c has the orders c, c + 1000, c + 2000, ...).
//   include:       every customer with all its orders. By hand: the same rows in std::map tables (as the memory
//                  connector keeps them), the customers copied out, each order appended to its customer's
//                  std::vector through an unordered_map from customer id to position;
//   include_top3:  every customer with its three largest orders (`{"order": "amount DESC", "limit": 3}`, which
//                  applies per customer). By hand: the orders grouped per customer as above, then a partial sort
//                  of each group and the first three copied.
// tether hands each customer's orders out as a shared immutable vector; the hand-written customer holds a plain
// std::vector<RawOrder> member, the shape one writes without a library.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <tether/memory.hpp>
#include <tether/tether.hpp>

#include "has_many_shop.hpp"

namespace {

using namespace has_many_bench;

std::string name_of(int n) { return "Customer number " + std::to_string(n); }

/// tether's store: 1,000 customers and 100,000 orders, order n belonging to customer 1 + n % 1000.
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
      os[n].customer = 1 + n % customer_count;
    }
    db.repository<Order>().create(os);
  }

  static shop& instance() {
    static shop s;
    return s;
  }
};

/// The hand-written store: the same rows, in id order.
struct raw_tables {
  std::map<std::int64_t, RawCustomer> customers;
  std::map<std::int64_t, RawOrder> orders;

  raw_tables() {
    for (int n = 0; n < customer_count; ++n) customers.emplace(n + 1, RawCustomer{n + 1, name_of(n), {}});
    for (int n = 0; n < order_count; ++n)
      orders.emplace(n + 1, RawOrder{n + 1, static_cast<double>(n), 1 + n % customer_count});
  }
};

/// The customers copied out of their table, and where each one's id sits among them.
std::vector<RawCustomer> copy_customers(const raw_tables& tables,
                                        std::unordered_map<std::int64_t, std::size_t>& position) {
  std::vector<RawCustomer> rows;
  rows.reserve(tables.customers.size());
  position.reserve(tables.customers.size());
  for (const auto& [id, row] : tables.customers) {
    position.emplace(id, rows.size());
    rows.push_back(row);
  }
  return rows;
}

void include_tether(benchmark::State& state) {
  auto customers = shop::instance().db.repository<Customer>();
  const auto with_orders = tether::filter{}.include("orders");
  for (auto _ : state) {
    auto rows = customers.find(with_orders);
    if (rows.size() != customer_count || rows.back().orders()->size() != order_count / customer_count)
      state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void include_hand_written(benchmark::State& state) {
  const raw_tables tables;
  for (auto _ : state) {
    std::unordered_map<std::int64_t, std::size_t> position;
    auto rows = copy_customers(tables, position);
    for (const auto& [id, order] : tables.orders)
      if (order.customer_id)
        if (const auto found = position.find(*order.customer_id); found != position.end())
          rows[found->second].orders.push_back(order);
    if (rows.size() != customer_count || rows.back().orders.size() != order_count / customer_count)
      state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void include_top3_tether(benchmark::State& state) {
  auto customers = shop::instance().db.repository<Customer>();
  const auto with_largest_orders = tether::filter{}.include("orders", tether::filter{}.order("amount DESC").limit(top));
  for (auto _ : state) {
    auto rows = customers.find(with_largest_orders);
    if (rows.size() != customer_count || rows.back().orders()->size() != top ||
        rows.back().orders()->front().amount != order_count - 1)
      state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void include_top3_hand_written(benchmark::State& state) {
  const raw_tables tables;
  const auto larger = [](const RawOrder* a, const RawOrder* b) {
    return a->amount != b->amount ? a->amount > b->amount : a->id < b->id;
  };
  for (auto _ : state) {
    std::unordered_map<std::int64_t, std::size_t> position;
    auto rows = copy_customers(tables, position);
    std::vector<std::vector<const RawOrder*>> groups(rows.size());
    for (const auto& [id, order] : tables.orders)
      if (order.customer_id)
        if (const auto found = position.find(*order.customer_id); found != position.end())
          groups[found->second].push_back(&order);
    for (std::size_t c = 0; c < rows.size(); ++c) {
      auto& group = groups[c];
      const auto kept = std::min(top, group.size());
      std::partial_sort(group.begin(), group.begin() + static_cast<std::ptrdiff_t>(kept), group.end(), larger);
      rows[c].orders.reserve(kept);
      for (std::size_t k = 0; k < kept; ++k) rows[c].orders.push_back(*group[k]);
    }
    if (rows.size() != customer_count || rows.back().orders.size() != top ||
        rows.back().orders.front().amount != order_count - 1)
      state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

}  // namespace

BENCHMARK(include_tether)->Unit(benchmark::kMillisecond);
BENCHMARK(include_hand_written)->Unit(benchmark::kMillisecond);
BENCHMARK(include_top3_tether)->Unit(benchmark::kMillisecond);
BENCHMARK(include_top3_hand_written)->Unit(benchmark::kMillisecond);
