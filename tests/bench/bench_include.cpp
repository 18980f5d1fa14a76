// Include of 100,000 orders with their 1,000 customers on the memory connector, beside the hand-written
// equivalent: the same rows in std::map tables (as the memory connector keeps them), copied out, their keys
// de-duplicated, the customers looked up once each and linked to the orders through an unordered_map.

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <tether/memory.hpp>
#include <tether/tether.hpp>

#include "belongs_to_shop.hpp"

namespace {

using namespace belongs_to_bench;

constexpr int customer_count = 1000;
constexpr int order_count = 100000;

std::string name_of(int n) { return "Customer number " + std::to_string(n); }

void include_tether(benchmark::State& state) {
  tether::datasource db{tether::memory{}};
  db.automigrate<Customer, Order>();
  auto customers = db.repository<Customer>();
  auto orders = db.repository<Order>();
  std::vector<Customer> cs(customer_count);
  for (int n = 0; n < customer_count; ++n) cs[n].name = name_of(n);
  customers.create(cs);
  std::vector<Order> os(order_count);
  for (int n = 0; n < order_count; ++n) {
    os[n].amount = n;
    os[n].customer = 1 + n % customer_count;
  }
  orders.create(os);
  const auto with_customers = tether::filter{}.include("customer");
  for (auto _ : state) {
    auto rows = orders.find(with_customers);
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void include_hand_written(benchmark::State& state) {
  std::map<std::int64_t, Customer> customer_table;
  std::map<std::int64_t, RawOrder> order_table;
  for (int n = 0; n < customer_count; ++n) customer_table.emplace(n + 1, Customer{n + 1, name_of(n)});
  for (int n = 0; n < order_count; ++n)
    order_table.emplace(n + 1, RawOrder{n + 1, static_cast<double>(n), 1 + n % customer_count, nullptr});
  for (auto _ : state) {
    std::vector<RawOrder> rows;
    rows.reserve(order_table.size());
    for (const auto& [id, row] : order_table) rows.push_back(row);
    std::unordered_set<std::int64_t> seen;
    std::vector<std::int64_t> keys;
    for (const auto& row : rows)
      if (row.customer_id && seen.insert(*row.customer_id).second) keys.push_back(*row.customer_id);
    std::unordered_map<std::int64_t, std::shared_ptr<Customer>> by_id;
    for (const auto key : keys)
      if (const auto found = customer_table.find(key); found != customer_table.end())
        by_id.emplace(key, std::make_shared<Customer>(found->second));
    for (auto& row : rows)
      if (row.customer_id)
        if (const auto found = by_id.find(*row.customer_id); found != by_id.end()) row.customer = found->second;
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

}  // namespace

BENCHMARK(include_tether)->Unit(benchmark::kMillisecond);
BENCHMARK(include_hand_written)->Unit(benchmark::kMillisecond);
