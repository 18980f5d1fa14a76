// tether doing the workloads of loopback/loopback.js, on the same data, so that loopback/compare.sh can set the
// two side by side. One connector per process, so the peak RSS printed is this connector's alone.
//
//   loopback_workloads memory
//   loopback_workloads postgres "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
//
// Prints one JSON object on stdout: {side, connector, orders, workloads: {name: ms}, peak_rss_kb, instance}.
// TETHER_COMPARE_ORDERS overrides the number of orders (100,000), for a quick try or the smoke test.
//
// 1% of the orders point at a customer that does not exist, as LoopBack allows; tether refuses that by default,
// so the relation is declared `tether::no_constraint`, LoopBack's loose link.

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <future>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tether/memory.hpp>
#include <tether/tether.hpp>
#ifdef TETHER_COMPARE_POSTGRES
#include <semantic/connectors/postgres.hpp>
#include <tether/postgres.hpp>
#endif

namespace {

struct Order;

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::string, name), (tether::has_many<Order>, orders));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (double, amount),
                           (tether::belongs_to<Customer, tether::no_constraint>, customer));
};

constexpr std::size_t customer_count = 1000;

std::size_t order_count() {
  const char* given = std::getenv("TETHER_COMPARE_ORDERS");
  return given != nullptr ? std::stoul(given) : 100000;
}

/// Runs `work` once and returns its wall time in milliseconds.
template <class F>
double timed(F&& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// Bytes the heap hands out right now, every arena and mmap-ed block included.
std::size_t heap_in_use() {
  const auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

void expect(bool condition, const std::string& what) {
  if (!condition) throw std::runtime_error("loopback_workloads: wrong result: " + what);
}

/// What follows the seed on a server: fresh statistics, so neither side's lookups meet autovacuum working on it.
using after_seed = void (*)(const std::string& conninfo);

template <class Connector>
nlohmann::json run(Connector connector, std::string_view name, after_seed settle = nullptr,
                   const std::string& conninfo = {}) {
  const std::size_t orders_wanted = order_count();
  const std::size_t with_customer = orders_wanted - (orders_wanted + 99) / 100;
  tether::datasource db{std::move(connector)};
  db.template automigrate<Customer, Order>();
  auto customer_repository = db.template repository<Customer>();
  auto order_repository = db.template repository<Order>();
  nlohmann::json workloads;
  nlohmann::json instance;

  std::vector<Customer> customers(customer_count);
  for (std::size_t n = 0; n < customer_count; ++n) customers[n].name = "Customer number " + std::to_string(n);
  std::vector<Order> seed(orders_wanted);
  for (std::size_t n = 0; n < orders_wanted; ++n) {
    seed[n].amount = static_cast<double>(n);
    seed[n].customer = static_cast<std::int64_t>(n % 100 == 0 ? 1000000 + n : 1 + n % customer_count);
  }
  workloads["seed"] = timed([&] {
    customer_repository.create(customers);
    order_repository.create(seed);
  });
  expect(customers.front().id == 1 && seed.back().id == static_cast<std::int64_t>(orders_wanted), "seed");
  seed = std::vector<Order>{};  // not `= {}`, which keeps the capacity
  if (settle != nullptr) settle(conninfo);

  std::vector<Order> orders;
  workloads["find"] = timed([&] { orders = order_repository.find(); });
  expect(orders.size() == orders_wanted, "find");

  std::size_t found = 0;
  workloads["get_serial"] = timed([&] {
    for (const auto& o : orders)
      if (o.customer.get().get()) ++found;
  });
  expect(found == with_customer, "get one by one: " + std::to_string(found));

  found = 0;
  workloads["cached"] = timed([&] {
    for (const auto& o : orders)
      if (o.customer()) ++found;
  });
  expect(found == with_customer, "cached read: " + std::to_string(found));

  orders = order_repository.find();
  found = 0;
  workloads["get_parallel"] = timed([&] {
    std::vector<std::future<std::shared_ptr<Customer>>> pending;
    pending.reserve(orders.size());
    for (const auto& o : orders) pending.push_back(o.customer.get());
    for (auto& f : pending)
      if (f.get()) ++found;
  });
  expect(found == with_customer, "get all at once: " + std::to_string(found));
  orders = std::vector<Order>{};

  // Bytes per loaded order with its customer cached: the heap this include's result holds (the vector's
  // slots, the customers it shares, and whatever the relation allocates).
  const auto heap_before = heap_in_use();
  const auto with_customers = tether::filter{}.include("customer");
  workloads["include"] = timed([&] { orders = order_repository.find(with_customers); });
  instance["heap_bytes"] = static_cast<double>(heap_in_use() - heap_before) / static_cast<double>(orders.size());
  instance["sizeof_order"] = sizeof(Order);
  instance["sizeof_belongs_to"] = sizeof(Order{}.customer);
  expect(orders.size() == orders_wanted && orders[1].customer() && !orders[0].customer() && orders[0].customer.loaded(),
         "include");

  std::vector<std::shared_ptr<Customer>> shared;
  for (const auto& c : customers) shared.push_back(std::make_shared<Customer>(c));
  workloads["set"] = timed([&] {
    for (std::size_t n = 0; n < orders.size(); ++n) orders[n].customer(shared[(n + 1) % customer_count]);
  });
  expect(orders[0].customer.key() == 2 && orders[0].customer() == shared[1], "set");

  found = 0;
  workloads["refresh"] = timed([&] {
    for (std::size_t n = 0; n < orders.size(); n += 10)
      if (orders[n].customer.get(tether::refresh).get()) ++found;
  });
  expect(found == (orders_wanted + 9) / 10, "refresh: " + std::to_string(found));

  // The reflection: every customer with its orders, then with its three largest (a scope with a limit, which
  // applies per customer in the same one query). Checked on customer 2, whose orders have no dangling key.
  std::size_t orders_of_second = 0;
  double largest_of_second = 0;
  for (std::size_t n = 1; n < orders_wanted; n += customer_count) {
    ++orders_of_second;
    largest_of_second = static_cast<double>(n);
  }
  std::vector<Customer> with_orders;
  const auto all_orders = tether::filter{}.include("orders");
  workloads["include_orders"] = timed([&] { with_orders = customer_repository.find(all_orders); });
  expect(with_orders.size() == customer_count && with_orders[1].orders()->size() == orders_of_second,
         "include orders");
  const auto largest_orders = tether::filter{}.include("orders", tether::filter{}.order("amount DESC").limit(3));
  workloads["include_orders_top3"] = timed([&] { with_orders = customer_repository.find(largest_orders); });
  expect(with_orders.size() == customer_count &&
             with_orders[1].orders()->size() == std::min<std::size_t>(3, orders_of_second) &&
             with_orders[1].orders()->front().amount == largest_of_second,
         "include orders, top 3");

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return {{"side", "tether"},
          {"connector", name},
          {"orders", orders_wanted},
          {"workloads", workloads},
          {"peak_rss_kb", usage.ru_maxrss},
          {"instance", instance},
          {"runtime", "tether, " __VERSION__}};
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string_view connector = argc > 1 ? argv[1] : "";
  if (connector == "memory" && argc == 2) {
    std::cout << run(tether::memory{}, connector) << '\n';
    return 0;
  }
#ifdef TETHER_COMPARE_POSTGRES
  if (connector == "postgres" && argc == 3) {
    const auto vacuum = [](const std::string& server) { tether_test::postgres_execute(server, "VACUUM ANALYZE"); };
    std::cout << run(tether::postgres{argv[2]}, connector, vacuum, argv[2]) << '\n';
    return 0;
  }
#endif
  std::cerr << "usage: loopback_workloads memory | postgres CONNINFO\n";
  return 2;
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 1;
}
