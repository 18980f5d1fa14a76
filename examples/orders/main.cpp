// The LoopBack documentation's belongsTo example, in C++: an Order belongs to a Customer. reflections.cpp shows
// the Customer's side: its orders (hasMany) and its one address (hasOne).
// https://loopback.io/doc/en/lb3/BelongsTo-relations.html
//
//   orders                            keeps its data in orders.db beside the program (SQLite), adding to it on
//                                     every run
//   orders --memory                   keeps it in memory, gone when the program ends
//   orders "host=... dbname=..."      keeps it in that PostgreSQL database (tables Customer and Order)

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <tether/memory.hpp>
#include <tether/tether.hpp>
#ifdef TETHER_EXAMPLE_HAVE_SQLITE
#include <tether/sqlite.hpp>
#endif
#ifdef TETHER_EXAMPLE_HAVE_POSTGRES
#include <tether/postgres.hpp>
#endif

#include "models.hpp"
#include "reflections.hpp"

namespace {

std::string show(const std::shared_ptr<Customer>& c) { return c ? "Customer " + c->name : "nothing"; }

}  // namespace

/// The same program on any connector.
template <class Connector>
void run(tether::datasource<Connector>& db) {
  db.template autoupdate<Customer, Order, Address>();  // creates what is missing, keeps earlier runs' rows
  std::atomic<int> round_trips{0};  // on_query runs on the thread making the round trip, a worker's too
  db.on_query([&](const tether::query_event&) { ++round_trips; });

  auto customers = db.template repository<Customer>();
  auto orders = db.template repository<Order>();
  std::printf("the store holds %zu order(s) from earlier runs\n", orders.count());

  Customer john{0, "John Smith", "john@example.com", {}, {}};  // {}: no orders, no address loaded
  Customer mary{0, "Mary Jones", std::nullopt, {}, {}};
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

  const int before = round_trips;
  auto customer = loaded.customer.get().get();  // a tether::future, ready once the customer is loaded
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
  // The seed's order.customer.get().then(function(customer) { ... }): a failure would skip the step and
  // travel on to get().
  auto greeting = loaded.customer.get().then([](std::shared_ptr<Customer> c) { return "Dear " + show(c); });
  std::printf("get().then(...): %s\n", greeting.get().c_str());

  auto with_customers = orders.find(tether::filter{}.include("customer"));
  std::printf("include: %zu order(s) with their customers: %s\n", with_customers.size(),
              nlohmann::json(with_customers.front()).dump().c_str());

  try {
    customers.remove_by_id(john.id);
  } catch (const tether::constraint_error& e) {
    std::printf("removing John is refused: %s\n", e.what());
  }
  show_reflections(customers, orders, db.template repository<Address>(), round_trips);
  std::printf("%d round trips in all\n", round_trips.load());
}

int main(int argc, char** argv) {
  const bool in_memory = argc > 1 && std::string_view(argv[1]) == "--memory";
  if (argc > 1 && !in_memory) {
#ifdef TETHER_EXAMPLE_HAVE_POSTGRES
    try {
      std::printf("PostgreSQL database: %s\n", argv[1]);
      tether::datasource db{tether::postgres{argv[1]}};
      run(db);
      return 0;
    } catch (const tether::error& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 1;
    }
#else
    std::fprintf(stderr, "orders: built without tether::postgres (libpq): run it with no argument or --memory\n");
    return 2;
#endif
  }
#ifdef TETHER_EXAMPLE_HAVE_SQLITE
  if (!in_memory) {
    const auto file = (std::filesystem::weakly_canonical(argv[0]).parent_path() / "orders.db").string();
    std::printf("SQLite database: %s (run with --memory to keep nothing)\n", file.c_str());
    tether::datasource db{tether::sqlite{file}};
    run(db);
    return 0;
  }
#else
  if (!in_memory) std::printf("built without SQLite: using memory\n");
#endif
  std::printf("memory connector: nothing is kept after the program ends\n");
  tether::datasource db{tether::memory{}};
  run(db);
  return 0;
}
