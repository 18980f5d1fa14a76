// Loads in flight: shared loads, owners moved or destroyed while a future is pending, readers racing a load.
// Run under the asan and tsan presets, these prove the guarantees of docs/belongs-to.md, "Threads and lifetimes",
// for belongs_to and for the reflections, has_many and has_one.

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <tether/tether.hpp>

#include "support/gated_connector.hpp"

namespace unit_concurrency {

namespace {

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::string, name));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (tether::belongs_to<Customer>, customer));
};

struct gated_shop {
  std::shared_ptr<tether_test::gate> gate = std::make_shared<tether_test::gate>();
  tether::datasource<tether_test::gated_connector> db{tether_test::gated_connector{gate}};
  std::atomic<int> customer_finds{0};
  Customer ann{0, "Ann"};
  Customer bob{0, "Bob"};
  Order order{};

  gated_shop() {
    db.automigrate<Customer, Order>();
    auto customers = db.repository<Customer>();
    customers.create(ann);
    customers.create(bob);
    auto orders = db.repository<Order>();
    Order o{};
    o.customer = ann.id;
    orders.create(o);
    order = *orders.find_by_id(o.id);
    db.on_query([this](const tether::query_event& e) {
      if (e.model == "Customer" && e.operation == "find") ++customer_finds;
    });
  }
};

// The reflections: a store's sales (has_many) and its cubby (has_one).
struct Sale;
struct Cubby;
struct Store {
  BOOST_HANA_DEFINE_STRUCT(Store, (std::int64_t, id), (std::string, name), (tether::has_many<Sale>, sales),
                           (tether::has_one<Cubby>, cubby));
};
struct Sale {
  BOOST_HANA_DEFINE_STRUCT(Sale, (std::int64_t, id), (double, amount), (tether::belongs_to<Store>, store));
};
struct Cubby {
  BOOST_HANA_DEFINE_STRUCT(Cubby, (std::int64_t, id), (tether::belongs_to<Store>, store));
};

using sales_ptr = std::shared_ptr<const std::vector<Sale>>;

/// Stores Ann (two sales and a cubby) and Bob (one sale), behind a gate; counts the reads of each target.
struct gated_stores {
  std::shared_ptr<tether_test::gate> gate = std::make_shared<tether_test::gate>();
  tether::datasource<tether_test::gated_connector> db{tether_test::gated_connector{gate}};
  std::atomic<int> sale_finds{0};
  std::atomic<int> cubby_finds{0};
  Store ann{};
  Store bob{};

  gated_stores() {
    db.automigrate<Store, Sale, Cubby>();
    auto stores = db.repository<Store>();
    ann.name = "Ann";
    bob.name = "Bob";
    stores.create(ann);
    stores.create(bob);
    const std::pair<std::int64_t, double> sales[] = {{ann.id, 1.0}, {ann.id, 2.0}, {bob.id, 3.0}};
    for (const auto& [store, amount] : sales) {
      Sale sale{};
      sale.amount = amount;
      sale.store = store;
      db.repository<Sale>().create(sale);
    }
    Cubby cubby{};
    cubby.store = ann.id;
    db.repository<Cubby>().create(cubby);
    ann = *stores.find_by_id(ann.id);
    bob = *stores.find_by_id(bob.id);
    db.on_query([this](const tether::query_event& e) {
      if (e.operation != "find") return;
      if (e.model == "Sale") ++sale_finds;
      if (e.model == "Cubby") ++cubby_finds;
    });
  }
};

std::size_t sale_count(const sales_ptr& sales) { return sales == nullptr ? 0 : sales->size(); }

}  // namespace

TEST_CASE("a connector written outside the library plugs in through the concept") {
  STATIC_REQUIRE(tether::connector<tether_test::gated_connector>);
  gated_shop s;
  CHECK(s.order.customer.get().get()->name == "Ann");
}

TEST_CASE("loads on a non-inline connector run on a worker, so get() returns before the load finishes") {
  gated_shop s;
  s.gate->close();
  auto future = s.order.customer.get();
  s.gate->await_waiting(1);
  CHECK(future.wait_for(std::chrono::milliseconds(0)) == std::future_status::timeout);
  CHECK_FALSE(s.order.customer.loaded());
  s.gate->open();
  CHECK(future.get()->name == "Ann");
  CHECK(s.order.customer.loaded());
}

TEST_CASE("concurrent get() calls on one relation share one load") {
  gated_shop s;
  s.gate->close();
  std::vector<std::future<std::shared_ptr<Customer>>> futures;
  futures.push_back(s.order.customer.get());
  s.gate->await_waiting(1);
  std::vector<std::thread> callers;
  std::mutex futures_mutex;
  for (int i = 0; i < 7; ++i) {
    callers.emplace_back([&] {
      auto f = s.order.customer.get();
      std::lock_guard lock(futures_mutex);
      futures.push_back(std::move(f));
    });
  }
  for (auto& t : callers) t.join();
  s.gate->open();
  std::shared_ptr<Customer> first = futures.front().get();
  REQUIRE(first != nullptr);
  for (std::size_t i = 1; i < futures.size(); ++i) CHECK(futures[i].get() == first);
  CHECK(s.customer_finds == 1);
}

TEST_CASE("refresh does not join a load in flight: it loads again") {
  gated_shop s;
  s.gate->close();
  auto plain = s.order.customer.get();
  s.gate->await_waiting(1);
  auto refreshed = s.order.customer.get(tether::refresh);
  s.gate->await_waiting(2);
  s.gate->open();
  CHECK(plain.get()->name == "Ann");
  CHECK(refreshed.get()->name == "Ann");
  CHECK(s.customer_finds == 2);
}

TEST_CASE("destroying the owner while a future is pending is safe and the future gets the result") {
  gated_shop s;
  auto owner = std::make_unique<Order>(s.order);
  s.gate->close();
  auto future = owner->customer.get();
  s.gate->await_waiting(1);
  owner.reset();
  s.gate->open();
  const auto customer = future.get();
  REQUIRE(customer != nullptr);
  CHECK(customer->name == "Ann");
}

TEST_CASE("moving the owner while a future is pending fills the moved-to object's cache") {
  gated_shop s;
  Order original = s.order;
  s.gate->close();
  auto future = original.customer.get();
  s.gate->await_waiting(1);
  Order moved = std::move(original);
  s.gate->open();
  const auto customer = future.get();
  CHECK(moved.customer.loaded());
  CHECK(moved.customer() == customer);
  CHECK_FALSE(original.customer.loaded());  // NOLINT(bugprone-use-after-move): checking the moved-from state
}

TEST_CASE("a load that completes after the key changed fills no cache") {
  gated_shop s;
  Order o = s.order;
  s.gate->close();
  auto future = o.customer.get();
  s.gate->await_waiting(1);
  o.customer = s.bob.id;
  s.gate->open();
  CHECK(future.get()->name == "Ann");
  CHECK_FALSE(o.customer.loaded());
  CHECK(o.customer() == nullptr);
  CHECK(o.customer.get().get()->name == "Bob");
}

TEST_CASE("the callback runs exactly once, on a worker, when the load completes") {
  gated_shop s;
  s.gate->close();
  std::promise<std::thread::id> ran_on;
  std::atomic<int> calls{0};
  s.order.customer([&](std::exception_ptr failure, std::shared_ptr<Customer> c) {
    ++calls;
    CHECK_FALSE(failure);
    CHECK(c != nullptr);
    ran_on.set_value(std::this_thread::get_id());
  });
  s.gate->await_waiting(1);
  CHECK(calls == 0);
  s.gate->open();
  CHECK(ran_on.get_future().get() != std::this_thread::get_id());
  CHECK(calls == 1);
}

TEST_CASE("reading the accessor while loads complete on other threads is safe") {
  gated_shop s;
  const Order& shared = s.order;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    int seen = 0;
    while (!stop) {
      if (auto c = shared.customer()) seen += c->name == "Ann" ? 1 : 0;
      (void)shared.customer.loaded();
    }
    (void)seen;
  });
  for (int i = 0; i < 200; ++i) CHECK(shared.customer.get(tether::refresh).get()->name == "Ann");
  stop = true;
  reader.join();
  CHECK(shared.customer.loaded());
}

TEST_CASE("destroying the datasource waits for loads in flight, whose futures still receive their results") {
  std::future<std::shared_ptr<Customer>> future;
  std::shared_ptr<tether_test::gate> gate;
  std::thread opener;
  {
    gated_shop s;
    gate = s.gate;
    gate->close();
    future = s.order.customer.get();
    gate->await_waiting(1);
    opener = std::thread([gate] { gate->open(); });
  }
  opener.join();
  CHECK(future.get()->name == "Ann");
}

TEST_CASE("many outstanding loads of different instances all complete") {
  gated_shop s;
  std::vector<Order> orders(200, s.order);
  std::vector<std::future<std::shared_ptr<Customer>>> futures;
  futures.reserve(orders.size());
  for (auto& o : orders) futures.push_back(o.customer.get());
  for (auto& f : futures) CHECK(f.get()->name == "Ann");
  for (auto& o : orders) CHECK(o.customer.loaded());
}

TEST_CASE("plain loads waiting for a worker are answered together, a query per batch of keys") {
  gated_shop s;
  auto customers = s.db.repository<Customer>();
  std::vector<Order> orders;
  for (int n = 0; n < 30; ++n) {
    Customer c{0, "C" + std::to_string(n)};
    customers.create(c);
    Order o{};
    o.customer = c.id;
    orders.push_back(o);
  }
  orders.push_back(orders.front());  // a key asked twice in one batch
  Order unlinked{};
  orders.push_back(unlinked);
  s.customer_finds = 0;
  s.gate->close();
  std::vector<std::future<std::shared_ptr<Customer>>> futures;
  for (auto& o : orders) futures.push_back(o.customer.get());
  s.gate->await_waiting(1);
  s.gate->open();
  for (int n = 0; n < 30; ++n) {
    const auto customer = futures[static_cast<std::size_t>(n)].get();
    REQUIRE(customer != nullptr);
    CHECK(customer->name == "C" + std::to_string(n));
    CHECK(orders[static_cast<std::size_t>(n)].customer.loaded());
  }
  CHECK(futures[30].get()->name == "C0");
  CHECK(futures[31].get() == nullptr);
  // Each worker's first query takes what is waiting then (at least one key); the rest go three keys a query
  // (the connector's parameter limit): far fewer than a query a load.
  const auto workers = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  CHECK(s.customer_finds <= workers + 11);
}

TEST_CASE("include splits its key lists by the connector's parameter limit, and links every row") {
  gated_shop s;
  auto customers = s.db.repository<Customer>();
  auto orders = s.db.repository<Order>();
  for (int n = 0; n < 6; ++n) {
    Customer c{0, "C" + std::to_string(n)};
    customers.create(c);
    Order o{};
    o.customer = c.id;
    orders.create(o);
  }
  s.customer_finds = 0;
  const auto rows = orders.find(tether::filter{}.include("customer"));
  CHECK(s.customer_finds == 3);  // 7 distinct keys, at most 3 per statement
  for (const auto& o : rows) CHECK(o.customer()->id == *o.customer.key());
}

// --- has_many and has_one ------------------------------------------------------------------------------------

TEST_CASE("concurrent get() calls on one has_many share one load, and so do a has_one's") {
  gated_stores s;
  s.gate->close();
  std::vector<std::future<sales_ptr>> sales;
  std::vector<std::future<std::shared_ptr<Cubby>>> cubbies;
  sales.push_back(s.ann.sales.get());
  cubbies.push_back(s.ann.cubby.get());
  s.gate->await_waiting(2);
  std::mutex futures_mutex;
  std::vector<std::thread> callers;
  for (int i = 0; i < 6; ++i) {
    callers.emplace_back([&] {
      auto many = s.ann.sales.get();
      auto one = s.ann.cubby.get();
      std::lock_guard lock(futures_mutex);
      sales.push_back(std::move(many));
      cubbies.push_back(std::move(one));
    });
  }
  for (auto& t : callers) t.join();
  s.gate->open();
  const auto first = sales.front().get();
  CHECK(sale_count(first) == 2);
  for (std::size_t i = 1; i < sales.size(); ++i) CHECK(sales[i].get() == first);
  const auto cubby = cubbies.front().get();
  REQUIRE(cubby != nullptr);
  for (std::size_t i = 1; i < cubbies.size(); ++i) CHECK(cubbies[i].get() == cubby);
  CHECK(s.sale_finds == 1);
  CHECK(s.cubby_finds == 1);
}

TEST_CASE("a get() for another owner key does not join the load in flight") {
  gated_stores s;
  Store owner = s.ann;
  s.gate->close();
  auto ann_sales = owner.sales.get();
  s.gate->await_waiting(1);
  owner.id = s.bob.id;
  auto bob_sales = owner.sales.get();
  s.gate->await_waiting(2);
  s.gate->open();
  CHECK(sale_count(ann_sales.get()) == 2);
  const auto bobs = bob_sales.get();
  CHECK(sale_count(bobs) == 1);
  CHECK(s.sale_finds == 2);
  CHECK(owner.sales.loaded());
  CHECK(owner.sales() == bobs);
}

TEST_CASE("a has_many load that completes after the owner's id changed fills no cache for the new id") {
  gated_stores s;
  Store owner = s.ann;
  s.gate->close();
  auto future = owner.sales.get();
  s.gate->await_waiting(1);
  owner.id = s.bob.id;
  s.gate->open();
  CHECK(sale_count(future.get()) == 2);
  CHECK_FALSE(owner.sales.loaded());
  CHECK(owner.sales() == nullptr);
  CHECK(sale_count(owner.sales.get().get()) == 1);
  owner.id = s.ann.id;
  CHECK_FALSE(owner.sales.loaded());  // the newest answer is Bob's
}

TEST_CASE("destroying the owner while its has_many and has_one loads are pending is safe") {
  gated_stores s;
  auto owner = std::make_unique<Store>(s.ann);
  s.gate->close();
  auto sales = owner->sales.get();
  auto cubby = owner->cubby.get();
  s.gate->await_waiting(2);
  owner.reset();
  s.gate->open();
  CHECK(sale_count(sales.get()) == 2);
  CHECK(cubby.get() != nullptr);
}

TEST_CASE("moving the owner while reflection loads are pending fills the moved-to object's caches") {
  gated_stores s;
  Store original = s.ann;
  s.gate->close();
  auto sales = original.sales.get();
  auto cubby = original.cubby.get();
  s.gate->await_waiting(2);
  Store moved = std::move(original);
  s.gate->open();
  const auto rows = sales.get();
  const auto one = cubby.get();
  CHECK(moved.sales.loaded());
  CHECK(moved.sales() == rows);
  CHECK(moved.cubby.loaded());
  CHECK(moved.cubby() == one);
  CHECK_FALSE(original.sales.loaded());  // NOLINT(bugprone-use-after-move): checking the moved-from state
}

TEST_CASE("a has_many callback runs exactly once, on a worker, when the load completes") {
  gated_stores s;
  s.gate->close();
  std::promise<std::size_t> rows;
  std::atomic<int> calls{0};
  s.ann.sales([&](std::exception_ptr failure, sales_ptr sales) {
    ++calls;
    CHECK_FALSE(failure);
    rows.set_value(sale_count(sales));
  });
  s.gate->await_waiting(1);
  CHECK(calls == 0);
  s.gate->open();
  CHECK(rows.get_future().get() == 2);
  CHECK(calls == 1);
}

TEST_CASE("reading a has_many and a has_one, and copying their owner, while loads complete is safe") {
  gated_stores s;
  const Store& shared = s.ann;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    std::size_t seen = 0;
    while (!stop) {
      seen += sale_count(shared.sales());
      seen += shared.cubby() != nullptr ? 1 : 0;
      (void)shared.sales.loaded();
      const Store copy = shared;
      seen += sale_count(copy.sales());
    }
    (void)seen;
  });
  for (int i = 0; i < 100; ++i) {
    CHECK(sale_count(shared.sales.get(tether::refresh).get()) == 2);
    CHECK(shared.cubby.get(tether::refresh).get() != nullptr);
  }
  stop = true;
  reader.join();
  CHECK(shared.sales.loaded());
  CHECK(shared.cubby.loaded());
}

TEST_CASE("has_one loads of many owners waiting for a worker are answered together") {
  gated_stores s;
  auto stores = s.db.repository<Store>();
  std::vector<Store> owners;
  for (int n = 0; n < 12; ++n) {
    Store store{};
    stores.create(store);
    Cubby cubby{};
    cubby.store = store.id;
    s.db.repository<Cubby>().create(cubby);
    owners.push_back(store);
  }
  s.cubby_finds = 0;
  s.gate->close();
  std::vector<std::future<std::shared_ptr<Cubby>>> futures;
  for (const auto& owner : owners) futures.push_back(owner.cubby.get());
  s.gate->await_waiting(1);
  s.gate->open();
  for (std::size_t n = 0; n < owners.size(); ++n) {
    const auto cubby = futures[n].get();
    REQUIRE(cubby != nullptr);
    CHECK(cubby->store.key() == owners[n].id);
    CHECK(owners[n].cubby.loaded());
  }
  // A query per batch of at most three keys (the connector's parameter limit), not one a load.
  const auto workers = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  CHECK(s.cubby_finds <= workers + 4);
}

}  // namespace unit_concurrency
