// The memory connector, through a datasource and its repositories: ids, finding, filters, writes, atomicity,
// transactions, threads, persistence to a JSON file in LoopBack's memory-connector layout, and on_query.

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

#include <tether/memory.hpp>
#include <tether/tether.hpp>

namespace {

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

// A model whose id is a string the caller supplies.
struct Coupon {
  BOOST_HANA_DEFINE_STRUCT(Coupon,
      (std::string, code),
      (double, discount));
  static constexpr std::string_view id_property = "code";
};

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

std::vector<std::int64_t> order_ids(memory_datasource& db, const tether::filter& f) {
  return ids_of(db.repository<Order>().find(f));
}

using ids = std::vector<std::int64_t>;

/// Records (model, operation) of every on_query event.
struct query_log {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> events;

  void listen(memory_datasource& db) {
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

TEST_CASE("memory: create generates integer ids starting from 1") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: an explicit id is kept and the next generated id continues after it") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: creating a row whose id exists already is a constraint_error and stores nothing") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: a string id is stored as the caller gives it") {
  tether::datasource db{tether::memory{}};
  db.automigrate<Coupon>();
  auto coupons = db.repository<Coupon>();

  Coupon spring{"SPRING", 0.1};
  coupons.create(spring);

  CHECK(spring.code == "SPRING");
  REQUIRE(coupons.find_by_id("SPRING"));
  CHECK(coupons.find_by_id("SPRING")->discount == 0.1);
}

TEST_CASE("memory: a string id must be supplied, and an empty one is a validation_error that stores nothing") {
  tether::datasource db{tether::memory{}};
  db.automigrate<Coupon>();
  auto coupons = db.repository<Coupon>();

  Coupon unnamed{"", 0.5};
  CHECK_THROWS_AS(coupons.create(unnamed), tether::validation_error);
  CHECK(unnamed.code.empty());
  CHECK(coupons.count() == 0u);
}

// --- find and filters ------------------------------------------------------------------------------------------

TEST_CASE("memory: find returns rows by id ascending, whatever the order of creation") {
  tether::datasource db{tether::memory{}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  for (std::int64_t id : {3, 1, 2}) {
    Customer c{id, "c" + std::to_string(id), std::nullopt};
    customers.create(c);
  }

  CHECK(ids_of(customers.find()) == ids{1, 2, 3});
}

TEST_CASE("memory: find_by_id gives nothing for an id no row has") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK_FALSE(db.repository<Order>().find_by_id(99).has_value());
}

TEST_CASE("memory: a plain value in where means equality") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("customerId", 1)) == ids{1, 2});
  CHECK(order_ids(db, tether::filter{}.where("description", "ink")) == ids{3});
}

TEST_CASE("memory: where with gt keeps rows strictly greater") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::gt(10))) == ids{2, 3, 5});
}

TEST_CASE("memory: where with gte keeps rows greater or equal") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::gte(12.5))) == ids{2, 3, 5});
}

TEST_CASE("memory: where with lt keeps rows strictly less") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::lt(10))) == ids{1});
}

TEST_CASE("memory: where with lte keeps rows less or equal") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::lte(10))) == ids{1, 4});
}

TEST_CASE("memory: where with neq keeps rows that differ") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::neq(10))) == ids{1, 2, 3, 5});
}

TEST_CASE("memory: where with inq keeps rows whose value is in the list") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::inq(std::vector<double>{5, 20}))) == ids{1, 3});
}

TEST_CASE("memory: where with nin keeps rows whose value is not in the list") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::nin(std::vector<double>{5, 20}))) == ids{2, 4, 5});
}

TEST_CASE("memory: where with between keeps rows within both bounds, inclusive") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("amount", tether::between(10, 20))) == ids{2, 3, 4});
}

TEST_CASE("memory: like matches % as any run of characters, case-sensitively") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("p%"))) == ids{1, 2});
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("P%"))) == ids{5});
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("%e%"))) == ids{1, 2, 4, 5});
}

TEST_CASE("memory: like matches _ as exactly one character") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("_nk"))) == ids{3});
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("_k"))) == ids{});
  CHECK(order_ids(db, tether::filter{}.where("description", tether::like("pa_er"))) == ids{2});
}

TEST_CASE("memory: nlike keeps the rows like would leave out") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("description", tether::nlike("p%"))) == ids{3, 4, 5});
}

TEST_CASE("memory: and_ keeps rows matching every condition") {
  tether::datasource db{tether::memory{}};
  seed(db);
  auto both = tether::and_(tether::where("customerId", 1), tether::where("amount", tether::gt(10)));
  CHECK(order_ids(db, tether::filter{}.where(both)) == ids{2});
}

TEST_CASE("memory: two where calls on one filter must both hold") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("customerId", 2).where("amount", tether::lt(25))) == ids{3});
}

TEST_CASE("memory: or_ keeps rows matching any condition") {
  tether::datasource db{tether::memory{}};
  seed(db);
  auto either = tether::or_(tether::where("amount", tether::lt(6)), tether::where("customerId", nullptr));
  CHECK(order_ids(db, tether::filter{}.where(either)) == ids{1, 4});
}

TEST_CASE("memory: where a key equals nullptr matches the rows whose key is null") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("customerId", nullptr)) == ids{4});
}

TEST_CASE("memory: a where on a name the model lacks is a validation_error naming model and name") {
  tether::datasource db{tether::memory{}};
  seed(db);
  try {
    (void)db.repository<Order>().find(tether::filter{}.where("amont", 1));
    FAIL("find with an unknown property did not throw");
  } catch (const tether::validation_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("Order") && Catch::Contains("amont"));
  }
}

TEST_CASE("memory: order \"amount DESC\" sorts by amount, largest first") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.order("amount DESC")) == ids{5, 3, 2, 4, 1});
}

TEST_CASE("memory: order by a string property sorts ascending by default") {
  tether::datasource db{tether::memory{}};
  seed(db);
  // Byte order: upper case sorts before lower case.
  CHECK(order_ids(db, tether::filter{}.order("description")) == ids{5, 3, 2, 1, 4});
}

TEST_CASE("memory: limit keeps the first rows of the order") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.order("amount ASC").limit(2)) == ids{1, 4});
}

TEST_CASE("memory: skip leaves out the first rows") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.skip(3)) == ids{4, 5});
}

TEST_CASE("memory: skip and limit together give one page of the ordered rows") {
  tether::datasource db{tether::memory{}};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.order("amount DESC").skip(1).limit(2)) == ids{3, 2});
  CHECK(order_ids(db, tether::filter{}.skip(10)) == ids{});
}

TEST_CASE("memory: fields leaves out properties as value-initialised and always reads the id") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: count with a condition counts the matching rows only") {
  tether::datasource db{tether::memory{}};
  seed(db);
  auto orders = db.repository<Order>();
  CHECK(orders.count() == 5u);
  CHECK(orders.count(tether::where("amount", tether::gt(10))) == 3u);
  CHECK(orders.count(tether::where("customerId", nullptr)) == 1u);
}

// --- writes ----------------------------------------------------------------------------------------------------

TEST_CASE("memory: update replaces the row with the same id") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: update of a row that does not exist is not_found and creates nothing") {
  tether::datasource db{tether::memory{}};
  seed(db);
  auto orders = db.repository<Order>();
  Order ghost = order_of("ghost", 1.0, std::nullopt);
  ghost.id = 42;

  CHECK_THROWS_AS(orders.update(ghost), tether::not_found);
  CHECK(orders.count() == 5u);
  CHECK_FALSE(orders.find_by_id(42).has_value());
}

TEST_CASE("memory: remove_by_id removes the row and says so, and a second removal says false") {
  tether::datasource db{tether::memory{}};
  seed(db);
  auto orders = db.repository<Order>();

  CHECK(orders.remove_by_id(4));
  CHECK_FALSE(orders.find_by_id(4).has_value());
  CHECK(orders.count() == 4u);
  CHECK_FALSE(orders.remove_by_id(4));
  CHECK(orders.count() == 4u);
}

TEST_CASE("memory: bulk create stores every row and fills every generated id") {
  tether::datasource db{tether::memory{}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  std::vector<Customer> batch{customer_named("A"), customer_named("B"), customer_named("C")};

  customers.create(batch);

  CHECK(ids_of(batch) == ids{1, 2, 3});
  CHECK(ids_of(customers.find()) == ids{1, 2, 3});
}

TEST_CASE("memory: bulk create is all or nothing: one bad row stores nothing and leaves the ids untouched") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: bulk create refuses two rows with the same id within the batch") {
  tether::datasource db{tether::memory{}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  std::vector<Customer> batch{Customer{7, "A", std::nullopt}, Customer{7, "B", std::nullopt}};

  CHECK_THROWS_AS(customers.create(batch), tether::constraint_error);
  CHECK(customers.count() == 0u);
}

// --- transactions ----------------------------------------------------------------------------------------------

TEST_CASE("memory: a transaction that returns commits every change") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: a transaction passes its function's return value through") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: an exception inside a transaction rolls back every change and goes on") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: a transaction rolled back leaves the store usable for later writes") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: concurrent writers on several threads each get distinct ids and every row is stored") {
  tether::datasource db{tether::memory{}};
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

// --- on_query --------------------------------------------------------------------------------------------------

TEST_CASE("memory: on_query reports a create as one event naming model and operation") {
  tether::datasource db{tether::memory{}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  query_log log;
  log.listen(db);

  Customer alice = customer_named("Alice");
  customers.create(alice);

  CHECK(log.take() == event_list{{"Customer", "create"}});
}

TEST_CASE("memory: on_query reports a bulk create as one round trip") {
  tether::datasource db{tether::memory{}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  query_log log;
  log.listen(db);

  std::vector<Customer> batch{customer_named("A"), customer_named("B"), customer_named("C")};
  customers.create(batch);

  CHECK(log.take() == event_list{{"Customer", "create"}});
}

TEST_CASE("memory: on_query reports find, find_by_id and count as one event each") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: on_query reports update and remove as one event each") {
  tether::datasource db{tether::memory{}};
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

TEST_CASE("memory: on_query reports an include as one more round trip for the related model") {
  tether::datasource db{tether::memory{}};
  seed(db);
  auto orders = db.repository<Order>();
  query_log log;
  log.listen(db);

  auto rows = orders.find(tether::filter{}.include("customer"));

  CHECK(rows.size() == 5u);
  CHECK(log.take() == event_list{{"Order", "find"}, {"Customer", "find"}});
}

TEST_CASE("memory: on_query(nullptr) removes the hook") {
  tether::datasource db{tether::memory{}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  query_log log;
  log.listen(db);
  db.on_query(nullptr);

  Customer alice = customer_named("Alice");
  customers.create(alice);

  CHECK(log.take().empty());
}
