// Repositories on every connector: ids, finding, every where operator, order, limit, skip, fields, count,
// writes, atomicity, transactions, writers on several threads, and on_query's round trips.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "semantic.hpp"
#include "support/models.hpp"

namespace semantic_repository {

namespace {

using tether_test::Customer;
using tether_test::Order;
using tether_test::Coupon;

template <class Row>
std::vector<std::int64_t> ids_of(const std::vector<Row>& rows) {
  std::vector<std::int64_t> ids;
  for (const auto& row : rows) ids.push_back(row.id);
  return ids;
}

Customer customer_named(std::string name, std::optional<std::string> email = std::nullopt) {
  return Customer{0, std::move(name), std::move(email)};
}

Order order_of(std::string description, double amount, std::optional<std::int64_t> customer) {
  Order o{};
  o.description = std::move(description);
  o.amount = amount;
  o.customer = customer;
  return o;
}

/// Two customers and five orders, the rows every filter case reads:
///   order 1 "pencils"  5.0  customer 1
///   order 2 "paper"   12.5  customer 1
///   order 3 "ink"     20.0  customer 2
///   order 4 "stapler" 10.0  no customer
///   order 5 "Pens"    30.0  customer 2
void seed(tether_test::datasource& db) {
  db.automigrate<Customer, Order>();
  auto customers = db.repository<Customer>();
  auto orders = db.repository<Order>();
  Customer alice = customer_named("Alice", "alice@example.com");
  Customer bob = customer_named("Bob");
  customers.create(alice);
  customers.create(bob);
  for (auto o : {order_of("pencils", 5.0, alice.id), order_of("paper", 12.5, alice.id), order_of("ink", 20.0, bob.id),
                 order_of("stapler", 10.0, std::nullopt), order_of("Pens", 30.0, bob.id)})
    orders.create(o);
}

std::vector<std::int64_t> order_ids(tether_test::datasource& db, const tether::filter& f) {
  return ids_of(db.repository<Order>().find(f));
}

using ids = std::vector<std::int64_t>;

/// Records (model, operation) of every on_query event.
struct query_log {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> events;

  void listen(tether_test::datasource& db) {
    db.on_query([this](const tether::query_event& e) {
      std::lock_guard lock(mutex);
      events.emplace_back(std::string(e.model), std::string(e.operation));
    });
  }
  std::vector<std::pair<std::string, std::string>> take() {
    std::lock_guard lock(mutex);
    return std::exchange(events, {});
  }
};

using event_list = std::vector<std::pair<std::string, std::string>>;

}  // namespace

// --- ids -------------------------------------------------------------------------------------------------------

TEST_CASE("create generates integer ids starting from 1") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();

  Customer alice = customer_named("Alice");
  Customer bob = customer_named("Bob");
  customers.create(alice);
  customers.create(bob);

  CHECK(alice.id == 1);
  CHECK(bob.id == 2);
  REQUIRE(customers.find_by_id(2));
  CHECK(customers.find_by_id(2)->name == "Bob");
}

TEST_CASE("an explicit id is kept and the next generated id continues after it") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();

  Customer explicit_id{10, "Ten", std::nullopt};
  customers.create(explicit_id);
  Customer generated = customer_named("Next");
  customers.create(generated);

  CHECK(explicit_id.id == 10);
  CHECK(generated.id == 11);
  CHECK(ids_of(customers.find()) == ids{10, 11});
}

TEST_CASE("creating a row whose id exists already is a constraint_error and stores nothing") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  Customer first{1, "First", std::nullopt};
  customers.create(first);

  Customer duplicate{1, "Duplicate", std::nullopt};
  CHECK_THROWS_AS(customers.create(duplicate), tether::constraint_error);

  CHECK(customers.count() == 1u);
  REQUIRE(customers.find_by_id(1));
  CHECK(customers.find_by_id(1)->name == "First");
}

TEST_CASE("a string id is stored as the caller gives it") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Coupon>();
  auto coupons = db.repository<Coupon>();

  Coupon spring{"SPRING", 0.1};
  coupons.create(spring);

  CHECK(spring.code == "SPRING");
  REQUIRE(coupons.find_by_id("SPRING"));
  CHECK(coupons.find_by_id("SPRING")->discount == 0.1);
}

TEST_CASE("a string id must be supplied, and an empty one is a validation_error that stores nothing") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Coupon>();
  auto coupons = db.repository<Coupon>();

  Coupon unnamed{"", 0.5};
  CHECK_THROWS_AS(coupons.create(unnamed), tether::validation_error);
  CHECK(unnamed.code.empty());
  CHECK(coupons.count() == 0u);
}

// --- find and filters ------------------------------------------------------------------------------------------

TEST_CASE("find returns rows by id ascending, whatever the order of creation") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  for (std::int64_t id : {3, 1, 2}) {
    Customer c{id, "c" + std::to_string(id), std::nullopt};
    customers.create(c);
  }

  CHECK(ids_of(customers.find()) == ids{1, 2, 3});
}

TEST_CASE("find_by_id gives nothing for an id no row has") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK_FALSE(db.repository<Order>().find_by_id(99).has_value());
}

TEST_CASE("a plain value in where means equality") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("customerId", 1)) == ids{1, 2});
  CHECK(order_ids(db, tether::filter{}.where("description", "ink")) == ids{3});
}

TEST_CASE("where with gt keeps rows strictly greater") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::gt(10))) == ids{2, 3, 5});
}

TEST_CASE("where with gte keeps rows greater or equal") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::gte(12.5))) == ids{2, 3, 5});
}

TEST_CASE("where with lt keeps rows strictly less") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::lt(10))) == ids{1});
}

TEST_CASE("where with lte keeps rows less or equal") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::lte(10))) == ids{1, 4});
}

TEST_CASE("where with neq keeps rows that differ") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::neq(10))) == ids{1, 2, 3, 5});
}

TEST_CASE("where with inq keeps rows whose value is in the list") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::inq(std::vector<double>{5, 20}))) == ids{1, 3});
}

TEST_CASE("where with nin keeps rows whose value is not in the list") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::nin(std::vector<double>{5, 20}))) == ids{2, 4, 5});
}

TEST_CASE("where with between keeps rows within both bounds, inclusive") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::between(10, 20))) == ids{2, 3, 4});
}

TEST_CASE("like matches % as any run of characters, case-sensitively") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("p%"))) == ids{1, 2});
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("P%"))) == ids{5});
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("%e%"))) == ids{1, 2, 4, 5});
}

TEST_CASE("like matches _ as exactly one character") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("_nk"))) == ids{3});
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("_k"))) == ids{});
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("pa_er"))) == ids{2});
}

TEST_CASE("nlike keeps the rows like would leave out") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("description", tether::nlike("p%"))) == ids{3, 4, 5});
}

TEST_CASE("and_ keeps rows matching every condition") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto both = tether::and_(tether::where("customerId", 1), tether::where("amount", tether::gt(10)));
  CHECK(order_ids(db, tether::filter{}.where(both)) == ids{2});
}

TEST_CASE("two where calls on one filter must both hold") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("customerId", 2).where("amount", tether::lt(25))) == ids{3});
}

TEST_CASE("or_ keeps rows matching any condition") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto either = tether::or_(tether::where("amount", tether::lt(6)), tether::where("customerId", nullptr));
  CHECK(order_ids(db, tether::filter{}.where(either)) == ids{1, 4});
}

TEST_CASE("where a key equals nullptr matches the rows whose key is null") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("customerId", nullptr)) == ids{4});
}

TEST_CASE("a where on a name the model lacks is a validation_error naming model and name") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  try {
    (void)db.repository<Order>().find(tether::filter{}.where("amont", 1));
    FAIL("find with an unknown property did not throw");
  } catch (const tether::validation_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("Order") && Catch::Contains("amont"));
  }
}

TEST_CASE("order \"amount DESC\" sorts by amount, largest first") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.order("amount DESC")) == ids{5, 3, 2, 4, 1});
}

TEST_CASE("order by a string property sorts ascending by default") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  // Byte order: upper case sorts before lower case.
  CHECK(order_ids(db, tether::filter{}.order("description")) == ids{5, 3, 2, 1, 4});
}

TEST_CASE("limit keeps the first rows of the order") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.order("amount ASC").limit(2)) == ids{1, 4});
}

TEST_CASE("skip leaves out the first rows") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.skip(3)) == ids{4, 5});
}

TEST_CASE("skip and limit together give one page of the ordered rows") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.order("amount DESC").skip(1).limit(2)) == ids{3, 2});
  CHECK(order_ids(db, tether::filter{}.skip(10)) == ids{});
}

TEST_CASE("fields leaves out properties as value-initialised and always reads the id") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto rows = db.repository<Order>().find(tether::filter{}.fields({"description"}).where("amount", tether::gt(15)));

  REQUIRE(rows.size() == 2u);
  CHECK(rows[0].id == 3);
  CHECK(rows[0].description == "ink");
  CHECK(rows[0].amount == 0.0);
  CHECK_FALSE(rows[0].customer.key().has_value());
  CHECK(rows[1].id == 5);
  CHECK(rows[1].description == "Pens");
}

TEST_CASE("count with a condition counts the matching rows only") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto orders = db.repository<Order>();
  CHECK(orders.count() == 5u);
  CHECK(orders.count(tether::where("amount", tether::gt(10))) == 3u);
  CHECK(orders.count(tether::where("customerId", nullptr)) == 1u);
}

// --- writes ----------------------------------------------------------------------------------------------------

TEST_CASE("update replaces the row with the same id") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto orders = db.repository<Order>();
  auto ink = *orders.find_by_id(3);
  ink.amount = 21.0;
  ink.customer = 1;
  orders.update(ink);

  auto stored = orders.find_by_id(3);
  REQUIRE(stored);
  CHECK(stored->amount == 21.0);
  CHECK(stored->customer.key() == 1);
  CHECK(orders.count() == 5u);
}

TEST_CASE("update of a row that does not exist is not_found and creates nothing") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto orders = db.repository<Order>();
  Order ghost = order_of("ghost", 1.0, std::nullopt);
  ghost.id = 42;

  CHECK_THROWS_AS(orders.update(ghost), tether::not_found);
  CHECK(orders.count() == 5u);
  CHECK_FALSE(orders.find_by_id(42).has_value());
}

TEST_CASE("remove_by_id removes the row and says so, and a second removal says false") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto orders = db.repository<Order>();

  CHECK(orders.remove_by_id(4));
  CHECK_FALSE(orders.find_by_id(4).has_value());
  CHECK(orders.count() == 4u);
  CHECK_FALSE(orders.remove_by_id(4));
  CHECK(orders.count() == 4u);
}

TEST_CASE("bulk create stores every row and fills every generated id") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  std::vector<Customer> batch{customer_named("A"), customer_named("B"), customer_named("C")};

  customers.create(batch);

  CHECK(ids_of(batch) == ids{1, 2, 3});
  CHECK(ids_of(customers.find()) == ids{1, 2, 3});
}

TEST_CASE("bulk create is all or nothing: one bad row stores nothing and leaves the ids untouched") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  Customer existing{1, "Existing", std::nullopt};
  customers.create(existing);

  // The third row repeats an id that exists.
  std::vector<Customer> batch{customer_named("A"), customer_named("B"), Customer{1, "Duplicate", std::nullopt}};
  CHECK_THROWS_AS(customers.create(batch), tether::constraint_error);

  CHECK(customers.count() == 1u);
  CHECK(customers.find_by_id(1)->name == "Existing");
  CHECK(batch[0].id == 0);
  CHECK(batch[1].id == 0);
  CHECK(batch[2].id == 1);
}

TEST_CASE("bulk create refuses two rows with the same id within the batch") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  std::vector<Customer> batch{Customer{7, "A", std::nullopt}, Customer{7, "B", std::nullopt}};

  CHECK_THROWS_AS(customers.create(batch), tether::constraint_error);
  CHECK(customers.count() == 0u);
}

// --- transactions ----------------------------------------------------------------------------------------------

TEST_CASE("a transaction that returns commits every change") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto customers = db.repository<Customer>();
  auto orders = db.repository<Order>();

  db.transaction([&] {
    Customer carol = customer_named("Carol");
    customers.create(carol);
    Order o = order_of("glue", 3.0, carol.id);
    orders.create(o);
  });

  CHECK(customers.count() == 3u);
  CHECK(orders.count(tether::where("description", "glue")) == 1u);
}

TEST_CASE("a transaction passes its function's return value through") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();

  const std::int64_t id = db.transaction([&] {
    Customer dave = customer_named("Dave");
    customers.create(dave);
    return dave.id;
  });

  CHECK(id == 1);
  REQUIRE(customers.find_by_id(id));
  CHECK(customers.find_by_id(id)->name == "Dave");
}

TEST_CASE("an exception inside a transaction rolls back every change and goes on") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto customers = db.repository<Customer>();
  auto orders = db.repository<Order>();

  CHECK_THROWS_WITH(db.transaction([&] {
    Customer carol = customer_named("Carol");
    customers.create(carol);
    Order glue = order_of("glue", 3.0, carol.id);
    orders.create(glue);
    auto ink = *orders.find_by_id(3);
    ink.amount = 99.0;
    orders.update(ink);
    orders.remove_by_id(4);
    throw std::runtime_error("changed my mind");
  }),
                    "changed my mind");

  CHECK(customers.count() == 2u);
  CHECK(ids_of(orders.find()) == ids{1, 2, 3, 4, 5});
  CHECK(orders.find_by_id(3)->amount == 20.0);
}

TEST_CASE("a transaction rolled back leaves the store usable for later writes") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();

  CHECK_THROWS_AS(db.transaction([&] {
    Customer c = customer_named("Gone");
    customers.create(c);
    throw std::logic_error("abort");
  }),
                  std::logic_error);
  Customer kept = customer_named("Kept");
  customers.create(kept);

  REQUIRE(customers.count() == 1u);
  CHECK(customers.find().front().name == "Kept");
}

// --- threads ---------------------------------------------------------------------------------------------------

TEST_CASE("concurrent writers on several threads each get distinct ids and every row is stored") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  constexpr int threads = 4;
  constexpr int per_thread = 250;

  std::vector<std::vector<std::int64_t>> created(threads);
  std::vector<std::exception_ptr> failures(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      try {
        auto mine = db.repository<Customer>();
        for (int i = 0; i < per_thread; ++i) {
          Customer c = customer_named("t" + std::to_string(t) + "-" + std::to_string(i));
          mine.create(c);
          created[static_cast<std::size_t>(t)].push_back(c.id);
        }
      } catch (...) {
        failures[static_cast<std::size_t>(t)] = std::current_exception();
      }
    });
  }
  for (auto& w : workers) w.join();
  for (const auto& failure : failures)
    if (failure) std::rethrow_exception(failure);

  std::set<std::int64_t> distinct;
  for (const auto& list : created) distinct.insert(list.begin(), list.end());
  CHECK(distinct.size() == 1000u);
  CHECK(*distinct.begin() == 1);
  CHECK(*distinct.rbegin() == 1000);
  CHECK(customers.count() == 1000u);
}

// --- on_query --------------------------------------------------------------------------------------------------

TEST_CASE("on_query reports a create as one event naming model and operation") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  query_log log;
  log.listen(db);

  Customer alice = customer_named("Alice");
  customers.create(alice);

  CHECK(log.take() == event_list{{"Customer", "create"}});
}

TEST_CASE("on_query reports a bulk create as one round trip") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  query_log log;
  log.listen(db);

  std::vector<Customer> batch{customer_named("A"), customer_named("B"), customer_named("C")};
  customers.create(batch);

  CHECK(log.take() == event_list{{"Customer", "create"}});
}

TEST_CASE("on_query reports find, find_by_id and count as one event each") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto orders = db.repository<Order>();
  query_log log;
  log.listen(db);

  (void)orders.find(tether::filter{}.where("amount", tether::gt(10)).order("amount DESC").limit(2));
  CHECK(log.take() == event_list{{"Order", "find"}});
  (void)orders.find_by_id(3);
  CHECK(log.take() == event_list{{"Order", "find"}});
  (void)orders.count(tether::where("customerId", 1));
  CHECK(log.take() == event_list{{"Order", "count"}});
}

TEST_CASE("on_query reports update and remove as one event each") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto orders = db.repository<Order>();
  auto ink = *orders.find_by_id(3);
  query_log log;
  log.listen(db);

  ink.amount = 1.0;
  orders.update(ink);
  CHECK(log.take() == event_list{{"Order", "update"}});
  orders.remove_by_id(3);
  CHECK(log.take() == event_list{{"Order", "delete"}});
}

TEST_CASE("on_query reports an include as one more round trip for the related model") {
  tether_test::datasource db{tether_test::make_connector()};
  seed(db);
  auto orders = db.repository<Order>();
  query_log log;
  log.listen(db);

  auto rows = orders.find(tether::filter{}.include("customer"));

  CHECK(rows.size() == 5u);
  CHECK(log.take() == event_list{{"Order", "find"}, {"Customer", "find"}});
}

TEST_CASE("on_query(nullptr) removes the hook") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  query_log log;
  log.listen(db);
  db.on_query(nullptr);

  Customer alice = customer_named("Alice");
  customers.create(alice);

  CHECK(log.take().empty());
}

}  // namespace semantic_repository
