// What only the memory connector does: persistence to a JSON file in LoopBack's memory-connector layout, and
// what happens when that file cannot be read or written. (What every connector does is tests/semantic/.)

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <tether/detail/row_buffer.hpp>
#include <tether/memory.hpp>
#include <tether/tether.hpp>

#include "support/models.hpp"

namespace unit_memory {

namespace {

using tether_test::Customer;
using tether_test::Order;
using tether_test::Coupon;
using tether_test::Newsletter;

using memory_datasource = tether::datasource<tether::memory>;

/// A fresh directory under the system's temporary directory, removed with everything in it at scope exit.
class temporary_directory {
public:
  temporary_directory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tether-memory-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  temporary_directory(const temporary_directory&) = delete;
  temporary_directory& operator=(const temporary_directory&) = delete;
  ~temporary_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json read_json_file(const std::filesystem::path& file) { return nlohmann::json::parse(read_text(file)); }

std::vector<std::string> names_in(const std::filesystem::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

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
void seed(memory_datasource& db) {
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


using ids = std::vector<std::int64_t>;


}  // namespace

// --- persistence -----------------------------------------------------------------------------------------------

TEST_CASE("memory: a file store is written after each change in LoopBack's memory-connector layout") {
  temporary_directory dir;
  const auto file = dir.path() / "shop.json";
  tether::datasource db{tether::memory{file}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  Customer alice = customer_named("Alice", "alice@example.com");
  Customer bob = customer_named("Bob");
  customers.create(alice);
  customers.create(bob);

  auto stored = read_json_file(file);
  REQUIRE(stored.is_object());
  REQUIRE(stored.contains("ids"));
  REQUIRE(stored.contains("models"));
  CHECK(stored["ids"]["Customer"] == 3);  // LoopBack keeps the next id to generate
  const auto& rows = stored["models"]["Customer"];
  REQUIRE(rows.is_object());
  CHECK(rows.size() == 2u);
  REQUIRE(rows.contains("1"));
  REQUIRE(rows["1"].is_string());  // each row is its JSON, as a string
  const auto row = nlohmann::json::parse(rows["1"].get<std::string>());
  CHECK(row == nlohmann::json{{"id", 1}, {"name", "Alice"}, {"email", "alice@example.com"}});

  customers.remove_by_id(2);
  const auto after_remove = read_json_file(file);
  CHECK_FALSE(after_remove["models"]["Customer"].contains("2"));
  CHECK(after_remove["models"]["Customer"].contains("1"));
}

TEST_CASE("memory: a file store writes a belongsTo as its key property") {
  temporary_directory dir;
  const auto file = dir.path() / "shop.json";
  tether::datasource db{tether::memory{file}};
  seed(db);

  const auto stored = read_json_file(file);
  const auto row = nlohmann::json::parse(stored["models"]["Order"]["3"].get<std::string>());
  CHECK(row == nlohmann::json{{"id", 3}, {"description", "ink"}, {"amount", 20.0}, {"customerId", 2}});
}

TEST_CASE("memory: a new datasource on the same file sees the data, and generated ids continue") {
  temporary_directory dir;
  const auto file = dir.path() / "shop.json";
  {
    tether::datasource db{tether::memory{file}};
    seed(db);
  }

  tether::datasource reopened{tether::memory{file}};
  reopened.autoupdate<Customer, Order>();
  auto customers = reopened.repository<Customer>();
  auto orders = reopened.repository<Order>();

  CHECK(ids_of(customers.find()) == ids{1, 2});
  CHECK(customers.find_by_id(1)->email == "alice@example.com");
  REQUIRE(orders.count() == 5u);
  auto ink = orders.find_by_id(3);
  REQUIRE(ink);
  CHECK(ink->description == "ink");
  CHECK(ink->amount == 20.0);
  CHECK(ink->customer.key() == 2);
  Customer carol = customer_named("Carol");
  customers.create(carol);
  CHECK(carol.id == 3);
}

TEST_CASE("memory: a file store keys rows with string ids by the id itself, and reads them back") {
  temporary_directory dir;
  const auto file = dir.path() / "shop.json";
  {
    tether::datasource db{tether::memory{file}};
    db.automigrate<Coupon>();
    Coupon spring{"SPRING", 0.25};
    db.repository<Coupon>().create(spring);
  }

  const auto stored = read_json_file(file);
  REQUIRE(stored["models"]["Coupon"].contains("SPRING"));
  CHECK(nlohmann::json::parse(stored["models"]["Coupon"]["SPRING"].get<std::string>()) ==
        nlohmann::json{{"code", "SPRING"}, {"discount", 0.25}});
  tether::datasource reopened{tether::memory{file}};
  reopened.autoupdate<Coupon>();
  const auto spring = reopened.repository<Coupon>().find_by_id("SPRING");
  REQUIRE(spring);
  CHECK(spring->discount == 0.25);
}

TEST_CASE("memory: automigrate on a file store drops the rows it held") {
  temporary_directory dir;
  const auto file = dir.path() / "shop.json";
  {
    tether::datasource db{tether::memory{file}};
    seed(db);
  }

  tether::datasource reopened{tether::memory{file}};
  reopened.automigrate<Customer, Order>();

  CHECK(reopened.repository<Customer>().count() == 0u);
  CHECK(reopened.repository<Order>().count() == 0u);
  CHECK(read_json_file(file)["models"]["Order"].empty());
}

TEST_CASE("memory: a file that is not JSON is a connection_error when the connector is made") {
  temporary_directory dir;
  const auto file = dir.path() / "shop.json";
  std::ofstream(file) << "this is { not JSON";

  CHECK_THROWS_AS(tether::memory{file}, tether::connection_error);
}

TEST_CASE("memory: a JSON file not in the memory-connector layout is a connection_error") {
  temporary_directory dir;
  const auto file = dir.path() / "shop.json";
  std::ofstream(file) << R"({"models": [1, 2, 3]})";

  CHECK_THROWS_AS(tether::memory{file}, tether::connection_error);
}

TEST_CASE("memory: writing the file leaves no temporary file behind") {
  temporary_directory dir;
  const auto file = dir.path() / "shop.json";
  {
    tether::datasource db{tether::memory{file}};
    seed(db);
    auto orders = db.repository<Order>();
    auto ink = *orders.find_by_id(3);
    ink.amount = 1.0;
    orders.update(ink);
    orders.remove_by_id(4);
    db.transaction([&] {
      Order o = order_of("glue", 3.0, std::nullopt);
      orders.create(o);
    });
  }

  CHECK(names_in(dir.path()) == std::vector<std::string>{"shop.json"});
}

TEST_CASE("memory: a create whose file write fails throws and leaves the store and the row unchanged") {
  temporary_directory dir;
  const auto gone = dir.path() / "gone";
  std::filesystem::create_directory(gone);
  tether::datasource db{tether::memory{gone / "shop.json"}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  Customer alice = customer_named("Alice");
  customers.create(alice);
  std::filesystem::remove_all(gone);  // every later write fails: its directory is gone

  Customer bob = customer_named("Bob");
  CHECK_THROWS_AS(customers.create(bob), tether::error);

  CHECK(bob.id == 0);
  CHECK(ids_of(customers.find()) == ids{1});
  CHECK(customers.count() == 1u);
}

TEST_CASE("memory: an update whose file write fails throws and leaves the stored row unchanged") {
  temporary_directory dir;
  const auto gone = dir.path() / "gone";
  std::filesystem::create_directory(gone);
  tether::datasource db{tether::memory{gone / "shop.json"}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  Customer alice = customer_named("Alice");
  customers.create(alice);
  std::filesystem::remove_all(gone);

  alice.name = "Alicia";
  CHECK_THROWS_AS(customers.update(alice), tether::error);

  CHECK(customers.find_by_id(1)->name == "Alice");
}

TEST_CASE("memory: a removal whose file write fails throws and keeps the row") {
  temporary_directory dir;
  const auto gone = dir.path() / "gone";
  std::filesystem::create_directory(gone);
  tether::datasource db{tether::memory{gone / "shop.json"}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  Customer alice = customer_named("Alice");
  customers.create(alice);
  std::filesystem::remove_all(gone);

  CHECK_THROWS_AS(customers.remove_by_id(1), tether::error);

  CHECK(customers.count() == 1u);
  CHECK(customers.find_by_id(1).has_value());
}

TEST_CASE("memory: a transaction whose commit cannot write the file throws and rolls back") {
  temporary_directory dir;
  const auto gone = dir.path() / "gone";
  std::filesystem::create_directory(gone);
  tether::datasource db{tether::memory{gone / "shop.json"}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  Customer alice = customer_named("Alice");
  customers.create(alice);
  std::filesystem::remove_all(gone);

  CHECK_THROWS_AS(db.transaction([&] {
    Customer bob = customer_named("Bob");
    customers.create(bob);
    alice.name = "Alicia";
    customers.update(alice);
  }),
                  tether::error);

  CHECK(customers.count() == 1u);
  CHECK(customers.find_by_id(1)->name == "Alice");
}

// --- generated ids and the undo log -----------------------------------------------------------------------------

/// Migrates Customer and Order and creates one customer, Alice; returns her id.
std::int64_t with_alice(memory_datasource& db) {
  db.automigrate<Customer, Order>();
  Customer alice = customer_named("Alice");
  db.repository<Customer>().create(alice);
  return alice.id;
}

/// Orders for `customer`, ids left to the store.
std::vector<Order> orders_of(std::int64_t customer, std::size_t count) {
  std::vector<Order> orders(count);
  for (auto& o : orders) o.customer = customer;
  return orders;
}

TEST_CASE("memory: a refused bulk create gives back every id it generated") {
  memory_datasource db{tether::memory{}};
  const auto alice = with_alice(db);
  auto orders = db.repository<Order>();

  auto batch = orders_of(alice, 3);
  batch.back().customer = 99;  // no such customer: the third row is refused, after two ids were generated
  CHECK_THROWS_AS(orders.create(batch), tether::constraint_error);
  CHECK(orders.count() == 0u);

  auto next = orders_of(alice, 1);
  orders.create(next);
  CHECK(next.front().id == 1);
}

TEST_CASE("memory: inside a transaction, a refused bulk create gives back its ids and keeps the earlier ones") {
  memory_datasource db{tether::memory{}};
  const auto alice = with_alice(db);
  auto orders = db.repository<Order>();

  db.transaction([&] {
    auto first = orders_of(alice, 2);
    orders.create(first);  // ids 1 and 2
    auto refused = orders_of(alice, 3);
    refused.back().customer = 99;
    CHECK_THROWS_AS(orders.create(refused), tether::constraint_error);
    auto after = orders_of(alice, 1);
    orders.create(after);
    CHECK(after.front().id == 3);
  });
  CHECK(ids_of(orders.find()) == ids{1, 2, 3});

  // A transaction rolled back gives back what it generated, however many operations generated it.
  CHECK_THROWS_AS(db.transaction([&] {
    auto more = orders_of(alice, 2);
    orders.create(more);
    Order given{};
    given.id = 10;  // an explicit id moves the next one past it
    given.customer = alice;
    orders.create(given);
    throw std::runtime_error("changed my mind");
  }),
                  std::runtime_error);
  auto last = orders_of(alice, 1);
  orders.create(last);
  CHECK(last.front().id == 4);
}

// --- lookup: a relation's load ------------------------------------------------------------------------------

namespace {

const tether::model_info& customer_model() { return tether::model_info_of<Customer>(); }
const tether::model_info& order_model() { return tether::model_info_of<Order>(); }
std::size_t property_of(const tether::model_info& m, std::string_view name) { return *m.find(name); }

/// The connector's lookup of `m`'s row whose `property` (by name) equals `key`, unobserved.
template <class Row>
std::shared_ptr<Row> lookup(memory_datasource& db, std::string_view property, const tether::value& key) {
  const tether::model_info& m = tether::model_info_of<Row>();
  return std::static_pointer_cast<Row>(db.connector().lookup(m, property_of(m, property), key, {}));
}

/// The connector's select of the rows whose property equals key, at most one: what lookup must agree with.
std::shared_ptr<void> select_first(memory_datasource& db, const tether::model_info& m, std::size_t property,
                                   const tether::value& key) {
  tether::query by_key;
  by_key.where = tether::predicate{property, tether::operator_kind::eq, {key}, {}};
  by_key.limit = 1;
  tether::detail::shared_buffer rows(m);
  db.connector().select(m, by_key, rows, {});
  return rows.shared().empty() ? nullptr : rows.shared().front();
}

}  // namespace

TEST_CASE("memory: lookup by id copies the stored row into a shared object of its own") {
  memory_datasource db{tether::memory{}};
  seed(db);
  const auto bob = lookup<Customer>(db, "id", std::int64_t{2});
  REQUIRE(bob != nullptr);
  CHECK(bob->id == 2);
  CHECK(bob->name == "Bob");
  CHECK_FALSE(bob->email.has_value());
  const auto ink = lookup<Order>(db, "id", std::int64_t{3});
  REQUIRE(ink != nullptr);
  CHECK(ink->description == "ink");
  CHECK(ink->amount == 20.0);
  CHECK(order_model().get(ink.get(), property_of(order_model(), "customerId")) == tether::value(std::int64_t{2}));

  // A copy: changing it leaves the store as it was, and a second lookup makes another object.
  bob->name = "Robert";
  const auto again = lookup<Customer>(db, "id", std::int64_t{2});
  CHECK(again->name == "Bob");
  CHECK(again != bob);
}

TEST_CASE("memory: lookup by an indexed property gives the first row by id among those that hold the key") {
  memory_datasource db{tether::memory{}};
  seed(db);
  // customerId is a foreign key, so indexed; orders 3 and 5 belong to customer 2, stored in that order.
  const auto first = lookup<Order>(db, "customerId", std::int64_t{2});
  REQUIRE(first != nullptr);
  CHECK(first->id == 3);

  // Still the smallest id once the index learned the keys in another order than the ids': order 3 moves to
  // customer 1 and back, after order 5.
  auto orders = db.repository<Order>();
  auto ink = *orders.find_by_id(3);
  ink.customer = std::int64_t{1};
  orders.update(ink);
  ink.customer = std::int64_t{2};
  orders.update(ink);
  CHECK(lookup<Order>(db, "customerId", std::int64_t{2})->id == 3);

  // email is indexed as the key a Newsletter's subscriber references.
  db.automigrate<Newsletter>();
  const auto alice = lookup<Customer>(db, "email", std::string("alice@example.com"));
  REQUIRE(alice != nullptr);
  CHECK(alice->name == "Alice");
}

TEST_CASE("memory: lookup by a property without an index gives the first row by id that holds the key") {
  memory_datasource db{tether::memory{}};
  seed(db);
  Customer second_bob = customer_named("Bob", "bob@example.com");
  db.repository<Customer>().create(second_bob);
  const auto bob = lookup<Customer>(db, "name", std::string("Bob"));
  REQUIRE(bob != nullptr);
  CHECK(bob->id == 2);
  CHECK(lookup<Order>(db, "amount", 30.0)->description == "Pens");
}

TEST_CASE("memory: lookup of a key that no row holds is null") {
  memory_datasource db{tether::memory{}};
  seed(db);
  CHECK(lookup<Customer>(db, "id", std::int64_t{99}) == nullptr);
  CHECK(lookup<Order>(db, "customerId", std::int64_t{99}) == nullptr);
  CHECK(lookup<Customer>(db, "name", std::string("Nobody")) == nullptr);
  // A key of another kind than the property's names no row, as it matches none in a select.
  CHECK(lookup<Customer>(db, "id", std::string("1")) == nullptr);
  CHECK(lookup<Customer>(db, "name", std::int64_t{1}) == nullptr);
  // A model whose table was never made has no rows.
  CHECK(lookup<Coupon>(db, "code", std::string("SPRING")) == nullptr);
}

TEST_CASE("memory: lookup answers as a select of eq with a limit of 1, whatever the property and key") {
  memory_datasource db{tether::memory{}};
  seed(db);
  db.automigrate<Newsletter>();  // indexes Customer.email
  const std::vector<tether::value> keys{std::int64_t{1}, std::int64_t{2},  std::int64_t{5}, std::int64_t{99},
                                        2.0,             12.5,             std::string("Bob"), std::string("ink"),
                                        std::string("alice@example.com"), nullptr};
  for (const tether::model_info* m : {&customer_model(), &order_model()}) {
    for (std::size_t property = 0; property < m->properties().size(); ++property) {
      for (const auto& key : keys) {
        CAPTURE(std::string(m->name()), std::string(m->property(property).name), tether::detail::describe(key));
        const auto looked_up = db.connector().lookup(*m, property, key, {});
        const auto selected = select_first(db, *m, property, key);
        REQUIRE((looked_up == nullptr) == (selected == nullptr));
        if (selected != nullptr) CHECK(m->get(looked_up.get(), m->id_index()) == m->get(selected.get(), m->id_index()));
      }
    }
  }
}

TEST_CASE("memory: lookup inside a transaction sees the transaction's own changes, and not once rolled back") {
  memory_datasource db{tether::memory{}};
  seed(db);
  auto customers = db.repository<Customer>();
  Customer carol = customer_named("Carol");
  CHECK_THROWS_AS(db.transaction([&] {
    customers.create(carol);
    const auto seen = lookup<Customer>(db, "id", carol.id);
    REQUIRE(seen != nullptr);
    CHECK(seen->name == "Carol");
    auto bob = *customers.find_by_id(2);
    bob.name = "Robert";
    customers.update(bob);
    CHECK(lookup<Customer>(db, "name", std::string("Robert"))->id == 2);
    throw std::runtime_error("changed my mind");
  }),
                  std::runtime_error);
  CHECK(lookup<Customer>(db, "id", carol.id) == nullptr);
  CHECK(lookup<Customer>(db, "name", std::string("Robert")) == nullptr);
  CHECK(lookup<Customer>(db, "id", std::int64_t{2})->name == "Bob");
}

TEST_CASE("memory: a relation's load reports one find to on_query, the query a select by key would run") {
  tether::datasource db{tether::memory{}};
  seed(db);
  auto ink = *db.repository<Order>().find_by_id(3);
  std::vector<std::string> texts;
  db.on_query([&](const tether::query_event& e) {
    texts.emplace_back(std::string(e.model) + " " + std::string(e.operation) + " " + std::string(e.text));
  });
  CHECK(ink.customer.get().get()->name == "Bob");
  REQUIRE(texts.size() == 1u);
  CHECK(texts[0] == R"(Customer find {"limit":1,"where":{"id":2}})");

  texts.clear();
  const tether::query_observer observer(
      std::make_shared<const tether::query_observer::hook>([&](const tether::query_event& e) {
        texts.emplace_back(std::string(e.model) + " " + std::string(e.operation) + " " + std::string(e.text));
      }));
  (void)db.connector().lookup(order_model(), property_of(order_model(), "customerId"), std::int64_t{7}, observer);
  REQUIRE(texts.size() == 1u);
  CHECK(texts[0] == R"(Order find {"limit":1,"where":{"customerId":7}})");
}

// --- on_query --------------------------------------------------------------------------------------------------

TEST_CASE("memory: on_query's text is the query as LoopBack JSON, and include lists each key once") {
  tether::datasource db{tether::memory{}};
  seed(db);
  std::vector<std::string> texts;
  db.on_query([&](const tether::query_event& e) { texts.emplace_back(std::string(e.model) + " " + std::string(e.text)); });
  (void)db.repository<Order>().find(tether::filter{}.where("amount", tether::gt(1)).include("customer"));
  REQUIRE(texts.size() == 2u);
  CHECK(texts[0] == R"(Order {"where":{"amount":{"gt":1.0}}})");
  CHECK(texts[1] == R"(Customer {"where":{"id":{"inq":[1,2]}}})");
}

}  // namespace unit_memory
