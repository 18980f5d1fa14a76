// The LoopBack documentation's belongsTo example, in C++: an Order belongs to a Customer.
// https://loopback.io/doc/en/lb3/BelongsTo-relations.html
//
// `orders` runs on the memory connector; `orders "host=... port=... dbname=..."` runs the same code on that
// PostgreSQL database (where it drops and creates the tables Customer and Order).

#include <atomic>
#include <cstdio>
#include <optional>
#include <string>

#include <tether/memory.hpp>
#include <tether/tether.hpp>
#ifdef TETHER_EXAMPLE_POSTGRES
#include <tether/postgres.hpp>
#endif

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer,
      (std::int64_t, id),
      (std::string, name),
      (std::optional<std::string>, email));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order,
      (std::int64_t, id),
      (std::string, description),
      (double, amount),
      (tether::belongs_to<Customer>, customer));
};

namespace {

std::string show(const std::shared_ptr<Customer>& c) { return c ? "Customer " + c->name : "nothing"; }

/// Round trips to the store, counted by the datasource's on_query hook (on whichever thread makes them).
std::atomic<int> round_trips{0};

/// The example, on whichever store the repositories belong to.
void run(tether::repository<Customer> customers, tether::repository<Order> orders) {

  Customer john{0, "John Smith", "john@example.com"};
  Customer mary{0, "Mary Jones", std::nullopt};
  customers.create(john);
  customers.create(mary);
  std::printf("created customers %lld (%s) and %lld (%s)\n", static_cast<long long>(john.id), john.name.c_str(),
              static_cast<long long>(mary.id), mary.name.c_str());

  Order order{};
  order.description = "Pencils";
  order.amount = 12.50;
  order.customer = john.id;  // the foreign key, customerId
  orders.create(order);
  std::printf("created order %lld with customerId %lld\n", static_cast<long long>(order.id),
              static_cast<long long>(*order.customer.key()));

  auto loaded = *orders.find_by_id(order.id);
  std::printf("order.customer() before get(): %s (loaded: %s)\n", show(loaded.customer()).c_str(),
              loaded.customer.loaded() ? "yes" : "no");

  const int before = round_trips.load();
  auto customer = loaded.customer.get().get();  // a std::future, ready once the customer is loaded
  std::printf("order.customer.get(): %s, in %d round trip\n", show(customer).c_str(), round_trips - before);
  std::printf("order.customer() after get(): %s (cached, no I/O)\n", show(loaded.customer()).c_str());

  loaded.customer(mary);  // set: key and cache, no I/O
  std::printf("order.customer(mary): customerId is now %lld, order.customer() is %s\n",
              static_cast<long long>(*loaded.customer.key()), show(loaded.customer()).c_str());
  orders.update(loaded);

  mary.name = "Mary Jones-Smith";
  customers.update(mary);
  std::printf("after renaming Mary in the store, the cache still says %s\n", show(loaded.customer()).c_str());
  std::printf("order.customer.get(tether::refresh): %s\n", show(loaded.customer.get(tether::refresh).get()).c_str());

  loaded.customer = john.id;  // a new key: the cache no longer applies
  std::printf("order.customer = %lld: order.customer() is %s until the next get()\n",
              static_cast<long long>(john.id), show(loaded.customer()).c_str());
  std::printf("order.customer.get(): %s\n", show(loaded.customer.get().get()).c_str());
  orders.update(loaded);

  loaded.customer([](std::exception_ptr failure, std::shared_ptr<Customer> c) {
    std::printf("callback form: %s\n", failure ? "failed" : show(c).c_str());
  });

  auto with_customers = orders.find(tether::filter{}.include("customer"));
  std::printf("include: %zu order(s) with their customers: %s\n", with_customers.size(),
              nlohmann::json(with_customers.front()).dump().c_str());

  try {
    customers.remove_by_id(john.id);
  } catch (const tether::constraint_error& e) {
    std::printf("removing John is refused: %s\n", e.what());
  }
  std::printf("%d round trips in all\n", round_trips.load());
}

}  // namespace

int main(int argc, char** argv) {
  const auto count = [](const tether::query_event&) { ++round_trips; };
  if (argc > 1) {
#ifdef TETHER_EXAMPLE_POSTGRES
    try {
      tether::datasource db{tether::postgres{argv[1]}};
      db.on_query(count);
      db.automigrate<Customer, Order>();
      run(db.repository<Customer>(), db.repository<Order>());
      return 0;
    } catch (const tether::error& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 1;
    }
#else
    std::fprintf(stderr, "orders: built without tether::postgres (libpq), so it runs on memory only\n");
    return 2;
#endif
  }
  tether::datasource db{tether::memory{}};
  db.on_query(count);
  db.automigrate<Customer, Order>();
  run(db.repository<Customer>(), db.repository<Order>());
}
