// The SQLite connector (tether::sqlite), through a datasource and its repositories: schema from the
// descriptors, the typed row path, filters in SQL with every value bound, include, relations, integrity,
// transactions, migrations keeping data, persistence in a file, and the failure paths.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sqlite3.h>
#include <unistd.h>

#include <tether/sqlite.hpp>
#include <tether/tether.hpp>

#include "support/models.hpp"

namespace {

using tether_test::Customer;
using tether_test::Order;
using tether_test::Coupon;
using tether_test::Note;
using tether_test::Visit;
using tether_test::Newsletter;

// Customer as a later version of the program sees it: one more property.
struct CustomerV2 {
  static constexpr std::string_view model_name = "Customer";
  BOOST_HANA_DEFINE_STRUCT(CustomerV2,
      (std::int64_t, id),
      (std::string, name),
      (std::optional<std::string>, email),
      (std::int64_t, points),
      (std::optional<std::string>, phone));
};

using sqlite_datasource = tether::datasource<tether::sqlite>;
using ids = std::vector<std::int64_t>;

/// A fresh directory under the system's temporary directory, removed with everything in it at scope exit.
class temporary_directory {
public:
  temporary_directory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tether-sqlite-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  temporary_directory(const temporary_directory&) = delete;
  temporary_directory& operator=(const temporary_directory&) = delete;
  ~temporary_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

std::string read_text(const std::string& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

template <class Error, class F>
std::string message_of(F&& operation) {
  try {
    operation();
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("the operation did not throw the expected error");
  return {};
}

template <class Row>
ids ids_of(const std::vector<Row>& rows) {
  ids out;
  for (const auto& row : rows) out.push_back(row.id);
  return out;
}

template <class M>
M created(tether::repository<M> repo, M row) {
  repo.create(row);
  return row;
}

Order order_of(std::string description, double amount, std::optional<std::int64_t> customer) {
  Order o{};
  o.description = std::move(description);
  o.amount = amount;
  o.customer = customer;
  return o;
}

/// The rows of the memory connector's filter tests:
///   order 1 "pencils"  5.0  customer 1      order 4 "stapler" 10.0  no customer
///   order 2 "paper"   12.5  customer 1      order 5 "Pens"    30.0  customer 2
///   order 3 "ink"     20.0  customer 2
void seed(sqlite_datasource& db) {
  db.automigrate<Customer, Order>();
  auto customers = db.repository<Customer>();
  auto orders = db.repository<Order>();
  Customer alice{0, "Alice", "alice@example.com"};
  Customer bob{0, "Bob", std::nullopt};
  customers.create(alice);
  customers.create(bob);
  for (auto o : {order_of("pencils", 5.0, alice.id), order_of("paper", 12.5, alice.id), order_of("ink", 20.0, bob.id),
                 order_of("stapler", 10.0, std::nullopt), order_of("Pens", 30.0, bob.id)})
    orders.create(o);
}

ids order_ids(sqlite_datasource& db, const tether::filter& f) { return ids_of(db.repository<Order>().find(f)); }

/// Every round trip's (model, operation, text).
struct query_log {
  std::mutex mutex;
  std::vector<tether::query_event> events;
  std::vector<std::string> texts;

  void listen(sqlite_datasource& db) {
    db.on_query([this](const tether::query_event& e) {
      std::lock_guard lock(mutex);
      texts.emplace_back(std::string(e.model) + " " + std::string(e.operation) + " " + std::string(e.text));
    });
  }
  std::vector<std::string> take() {
    std::lock_guard lock(mutex);
    return std::exchange(texts, {});
  }
  int count(const std::string& prefix) {
    std::lock_guard lock(mutex);
    int n = 0;
    for (const auto& t : texts) n += t.rfind(prefix, 0) == 0 ? 1 : 0;
    return n;
  }
};

const std::string hostile = "O'Brien \"the\" ; DROP TABLE \"Customer\"; -- 100% _x_ \\ é 日本 🎉";

}  // namespace

// --- opening ---------------------------------------------------------------------------------------------------

TEST_CASE("sqlite: an in-memory database works through a datasource") {
  tether::datasource db{tether::sqlite{":memory:"}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  Customer alice{0, "Alice", std::nullopt};
  customers.create(alice);
  CHECK(alice.id == 1);
  CHECK(customers.count() == 1u);
}

TEST_CASE("sqlite: a file database is in WAL mode with foreign keys on") {
  temporary_directory dir;
  const auto file = dir.file("shop.db");
  tether::datasource db{tether::sqlite{file}};
  db.automigrate<Customer>();
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0))) == "wal");
  sqlite3_finalize(s);
  sqlite3_close(raw);
  CHECK(db.connector().file() == file);
}

TEST_CASE("sqlite: data survives closing and reopening the file") {
  temporary_directory dir;
  const auto file = dir.file("shop.db");
  {
    tether::datasource db{tether::sqlite{file}};
    db.automigrate<Customer, Order>();
    const auto alice = created(db.repository<Customer>(), Customer{0, hostile, "a@example.com"});
    (void)created(db.repository<Order>(), order_of("first", 1.5, alice.id));
  }
  tether::datasource db{tether::sqlite{file}};
  db.autoupdate<Customer, Order>();
  const auto customers = db.repository<Customer>().find();
  REQUIRE(customers.size() == 1u);
  CHECK(customers[0].name == hostile);
  const auto orders = db.repository<Order>().find();
  REQUIRE(orders.size() == 1u);
  CHECK(orders[0].customer.key() == customers[0].id);
  Customer next{0, "Next", std::nullopt};
  db.repository<Customer>().create(next);
  CHECK(next.id == 2);
}

// --- failure paths ---------------------------------------------------------------------------------------------

TEST_CASE("sqlite: a path in a directory that does not exist is a connection_error naming the file") {
  temporary_directory dir;
  const auto file = dir.file("missing/shop.db");
  const auto message = message_of<tether::connection_error>([&] { tether::sqlite store{file}; });
  CHECK_THAT(message, Catch::Contains(file));
  CHECK_FALSE(std::filesystem::exists(dir.file("missing")));
}

TEST_CASE("sqlite: a path that cannot be written is a connection_error naming the file") {
  temporary_directory dir;
  // Under a regular file, no user (root included) can create a database.
  std::ofstream(dir.file("plain")) << "x";
  const auto file = dir.file("plain/shop.db");
  CHECK_THAT(message_of<tether::connection_error>([&] { tether::sqlite store{file}; }),
             Catch::Contains(file) && Catch::Contains("cannot open"));
  // A directory without write permission, where permissions apply (root ignores them).
  if (::geteuid() != 0) {
    std::filesystem::create_directory(dir.file("locked"));
    std::filesystem::permissions(dir.file("locked"), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    CHECK_THROWS_AS(tether::sqlite{dir.file("locked/shop.db")}, tether::connection_error);
    std::filesystem::permissions(dir.file("locked"), std::filesystem::perms::owner_all);
  }
}

TEST_CASE("sqlite: a file that is not a SQLite database is a connection_error naming the file, and is left as it was") {
  temporary_directory dir;
  const auto file = dir.file("notes.txt");
  const std::string text = "This is a plain text file, not a database. It is long enough to have a header page.\n" +
                           std::string(200, 'x');
  std::ofstream(file) << text;
  const auto message = message_of<tether::connection_error>([&] { tether::sqlite store{file}; });
  CHECK_THAT(message, Catch::Contains(file) && Catch::Contains("not a SQLite database"));
  CHECK(read_text(file) == text);
  CHECK_FALSE(std::filesystem::exists(file + "-wal"));
}

TEST_CASE("sqlite: a database another process keeps locked is a connection_error after the busy timeout") {
  temporary_directory dir;
  const auto file = dir.file("shop.db");
  const auto release = dir.file("release");
  tether::datasource db{tether::sqlite{file, tether::sqlite_options{std::chrono::milliseconds(100)}}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  (void)created(customers, Customer{0, "Before", std::nullopt});

  const std::string command = std::string(TETHER_SQLITE_LOCK_HOLDER) + " '" + file + "' '" + release + "'";
  FILE* holder = ::popen(command.c_str(), "r");
  REQUIRE(holder != nullptr);
  char line[16] = {};
  REQUIRE(std::fgets(line, sizeof line, holder) != nullptr);
  REQUIRE(std::string(line) == "locked\n");

  Customer alice{0, "Alice", std::nullopt};
  const auto started = std::chrono::steady_clock::now();
  const auto message = message_of<tether::connection_error>([&] { customers.create(alice); });
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(waited >= std::chrono::milliseconds(90));
  CHECK(waited < std::chrono::seconds(5));
  CHECK_THAT(message, Catch::Contains(file) && Catch::Contains("busy"));
  CHECK(alice.id == 0);
  CHECK(customers.count() == 1u);  // reading goes on under WAL while another process writes

  std::ofstream(release) << "go";
  CHECK(::pclose(holder) == 0);
  customers.create(alice);
  CHECK(alice.id == 2);
  CHECK(customers.count() == 2u);
}

TEST_CASE("sqlite: a table that lacks a column the model has is an error naming model and column") {
  temporary_directory dir;
  const auto file = dir.file("shop.db");
  {
    tether::datasource db{tether::sqlite{file}};
    db.automigrate<Customer>();
  }
  tether::datasource db{tether::sqlite{file}};
  const auto message = message_of<tether::error>([&] { (void)db.repository<CustomerV2>().find(); });
  CHECK_THAT(message, Catch::Contains("Customer") && Catch::Contains("points") && Catch::Contains(file));
}

TEST_CASE("sqlite: using a model whose table was never migrated is an error naming it") {
  tether::datasource db{tether::sqlite{":memory:"}};
  const auto message = message_of<tether::error>([&] { (void)db.repository<Customer>().count(); });
  CHECK_THAT(message, Catch::Contains("Customer"));
}

// --- schema ----------------------------------------------------------------------------------------------------

TEST_CASE("sqlite: automigrate writes quoted DDL with types, NOT NULL, REFERENCES and indexes") {
  tether::datasource db{tether::sqlite{":memory:"}};
  query_log log;
  log.listen(db);
  db.automigrate<Customer, Order, Newsletter, Visit>();
  std::string ddl;
  for (const auto& t : log.take()) ddl += t + "\n";
  CHECK_THAT(ddl, Catch::Contains(R"(CREATE TABLE IF NOT EXISTS "Order" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, )"
                                  R"("description" TEXT NOT NULL, "amount" REAL NOT NULL, "customerId" INTEGER )"
                                  R"(REFERENCES "Customer" ("id") ON DELETE RESTRICT))"));
  CHECK_THAT(ddl, Catch::Contains(R"("email" TEXT,)") || Catch::Contains(R"("email" TEXT))"));
  CHECK_THAT(ddl, Catch::Contains(R"(CREATE INDEX IF NOT EXISTS "Order_customerId_index" ON "Order" ("customerId"))"));
  CHECK_THAT(ddl, Catch::Contains(R"(CREATE UNIQUE INDEX IF NOT EXISTS "Customer_email_unique" ON "Customer" ("email"))"));
  CHECK_THAT(ddl, Catch::Contains(R"("customerId" INTEGER))"));  // the loose Visit key: no REFERENCES
  CHECK_THAT(ddl, Catch::Contains(R"(CREATE INDEX IF NOT EXISTS "Visit_customerId_index")"));
  CHECK_THAT(ddl, Catch::Contains(R"(DROP TABLE IF EXISTS "Order")"));
}

namespace one_to_one_ddl {
struct Plate;
struct Car {
  BOOST_HANA_DEFINE_STRUCT(Car, (std::int64_t, id), (tether::has_one<Plate>, plate));
};
struct Plate {
  BOOST_HANA_DEFINE_STRUCT(Plate, (std::int64_t, id), (tether::belongs_to<Car>, car));
};
}  // namespace one_to_one_ddl

TEST_CASE("sqlite: a has_one's key gets a unique index in place of the plain one") {
  tether::datasource db{tether::sqlite{":memory:"}};
  query_log log;
  log.listen(db);
  db.automigrate<one_to_one_ddl::Car, one_to_one_ddl::Plate>();
  std::string ddl;
  for (const auto& t : log.take()) ddl += t + "\n";
  CHECK_THAT(ddl, Catch::Contains(R"(CREATE UNIQUE INDEX IF NOT EXISTS "Plate_carId_unique" ON "Plate" ("carId"))"));
  CHECK_THAT(ddl, !Catch::Contains("Plate_carId_index"));
}

TEST_CASE("sqlite: a string id is a TEXT primary key the caller supplies") {
  tether::datasource db{tether::sqlite{":memory:"}};
  db.automigrate<Coupon>();
  auto coupons = db.repository<Coupon>();
  Coupon spring{"SPRING'24", 0.1};
  coupons.create(spring);
  REQUIRE(coupons.find_by_id("SPRING'24"));
  CHECK(coupons.find_by_id("SPRING'24")->discount == 0.1);
  Coupon again{"SPRING'24", 0.2};
  CHECK_THAT(message_of<tether::constraint_error>([&] { coupons.create(again); }),
             Catch::Contains("Coupon") && Catch::Contains("SPRING'24"));
  Coupon unnamed{"", 0.5};
  CHECK_THROWS_AS(coupons.create(unnamed), tether::validation_error);
}

TEST_CASE("sqlite: autoupdate keeps the data and adds the missing columns") {
  temporary_directory dir;
  const auto file = dir.file("shop.db");
  {
    tether::datasource db{tether::sqlite{file}};
    db.automigrate<Customer>();
    (void)created(db.repository<Customer>(), Customer{0, "Alice", "alice@example.com"});
  }
  tether::datasource db{tether::sqlite{file}};
  db.autoupdate<CustomerV2>();
  auto customers = db.repository<CustomerV2>();
  const auto rows = customers.find();
  REQUIRE(rows.size() == 1u);
  CHECK(rows[0].name == "Alice");
  CHECK(rows[0].points == 0);
  CHECK_FALSE(rows[0].phone.has_value());
  auto alice = rows[0];
  alice.points = 7;
  alice.phone = "+1 555";
  customers.update(alice);
  CHECK(customers.find_by_id(alice.id)->points == 7);
  db.autoupdate<CustomerV2>();  // a second time changes nothing
  CHECK(customers.count() == 1u);
}

TEST_CASE("sqlite: automigrate refuses to drop a table whose rows others reference, changing nothing") {
  tether::datasource db{tether::sqlite{":memory:"}};
  db.automigrate<Customer, Note>();
  const auto alice = created(db.repository<Customer>(), Customer{0, "Alice", std::nullopt});
  Note n{};
  n.text = "kept";
  n.customer = alice.id;
  db.repository<Note>().create(n);
  CHECK_THAT(message_of<tether::constraint_error>([&] { db.automigrate<Customer>(); }),
             Catch::Contains("Customer") && Catch::Contains("Note.customerId"));
  CHECK(db.repository<Note>().count() == 1u);
  CHECK(db.repository<Customer>().count() == 1u);
}

// --- the typed row path ----------------------------------------------------------------------------------------

TEST_CASE("sqlite: a bulk create is one transaction, all or nothing, and ids are written back only on success") {
  tether::datasource db{tether::sqlite{":memory:"}};
  db.automigrate<Customer, Order>();
  const auto alice = created(db.repository<Customer>(), Customer{0, "Alice", std::nullopt});
  auto orders = db.repository<Order>();
  std::vector<Order> batch{order_of("a", 1, alice.id), order_of("b", 2, 7), order_of("c", 3, alice.id)};
  CHECK_THROWS_AS(orders.create(batch), tether::constraint_error);
  CHECK(orders.count() == 0u);
  CHECK(batch[0].id == 0);
  CHECK(batch[2].id == 0);

  std::vector<Order> good;
  for (int i = 0; i < 1000; ++i) good.push_back(order_of("o" + std::to_string(i), i, alice.id));
  query_log log;
  log.listen(db);
  orders.create(good);
  CHECK(log.count("Order create") == 1);
  CHECK(good.front().id == 1);
  CHECK(good.back().id == 1000);
  CHECK(orders.count() == 1000u);
}

// --- filters ---------------------------------------------------------------------------------------------------

TEST_CASE("sqlite: every value is a parameter and the SQL text holds none") {
  tether::datasource db{tether::sqlite{":memory:"}};
  seed(db);
  query_log log;
  log.listen(db);
  (void)order_ids(db, tether::filter{}.where("description", "secret-value").where("amount", tether::between(1234, 5678)).limit(3));
  const auto texts = log.take();
  REQUIRE(texts.size() == 1u);
  CHECK_THAT(texts[0], Catch::StartsWith("Order find SELECT"));
  CHECK_THAT(texts[0], !Catch::Contains("secret") && !Catch::Contains("1234") && !Catch::Contains("5678"));
}

// --- statements ------------------------------------------------------------------------------------------------

TEST_CASE("sqlite: the statements a model keeps are prepared again after a migration, and work on past a full statement cache") {
  tether::datasource db{tether::sqlite{":memory:"}};
  seed(db);
  auto orders = db.repository<Order>();
  auto customers = db.repository<Customer>();
  query_log log;
  log.listen(db);
  auto first = *orders.find_by_id(1);
  (void)log.take();
  REQUIRE(first.customer.get().get() != nullptr);
  CHECK(first.customer()->name == "Alice");
  const auto texts = log.take();
  REQUIRE(texts.size() == 1u);
  CHECK(texts[0] == R"(Customer find SELECT "id", "name", "email" FROM "Customer" WHERE "id" = ?)");

  // A migration finalises every prepared statement: the lookup, the insert and the update prepare theirs again.
  db.autoupdate<Customer, Order>();
  auto second = *orders.find_by_id(3);
  CHECK(second.customer.get().get()->name == "Bob");
  Customer carol{0, "Carol", std::nullopt};
  customers.create(carol);
  carol.name = "Caroline";
  customers.update(carol);
  CHECK(customers.find_by_id(carol.id)->name == "Caroline");

  // More shapes than the statement cache holds empty it of those shapes.
  for (std::size_t n = 1; n <= tether::detail::sqlite::statement_cache::capacity + 8; ++n)
    (void)orders.count(tether::where("id", tether::inq(std::vector<std::int64_t>(n, 1))));
  auto third = *orders.find_by_id(5);
  CHECK(third.customer.get().get()->name == "Bob");
  Customer dave{0, "Dave", std::nullopt};
  customers.create(dave);
  CHECK(dave.id == carol.id + 1);
  CHECK(customers.remove_by_id(dave.id));
}

TEST_CASE("sqlite: includes of any length keep a model's lookup statements prepared") {
  // The connector's statement cache, fed a relation load's lookup and then the selects of includes of 1 to 600
  // keys: the lookup is prepared once and stays prepared (the one statement of its text counts both runs).
  namespace detail = tether::detail;
  const tether::model_info& customer = tether::model_info_of<Customer>();
  detail::sqlite::connection connection(":memory:", std::chrono::milliseconds(0));
  const auto dialect = detail::sqlite::dialect(
      static_cast<std::size_t>(sqlite3_limit(connection.handle(), SQLITE_LIMIT_VARIABLE_NUMBER, -1)));
  connection.exec(detail::sql::create_table(dialect, customer), "cannot create Customer");
  detail::sqlite::statement_cache cache(connection);
  const detail::sqlite::model_sql fixed(dialect, customer);
  const auto lookup = fixed.lookup(customer.id_index(), true);
  detail::sqlite::statement_slot slot;
  const auto run_lookup = [&] {
    detail::sqlite::run run(cache.get(lookup.text, slot));
    run->bind_int(1, 1);
    (void)run->step();
  };
  const auto lookup_runs = [&] {
    int runs = 0;
    for (sqlite3_stmt* s = sqlite3_next_stmt(connection.handle(), nullptr); s != nullptr;
         s = sqlite3_next_stmt(connection.handle(), s))
      if (lookup.text == sqlite3_sql(s)) runs += sqlite3_stmt_status(s, SQLITE_STMTSTATUS_RUN, 0);
    return runs;
  };
  run_lookup();
  REQUIRE(lookup_runs() == 1);

  std::vector<std::int64_t> keys;
  for (std::int64_t n = 1; n <= 600; ++n) {
    keys.push_back(n);
    tether::query include;
    include.where = tether::predicate{customer.id_index(), tether::operator_kind::inq, {keys.begin(), keys.end()}, {}};
    const auto sql = detail::sql::select(dialect, customer, include, detail::selected_properties(customer, include));
    detail::sqlite::run run(cache.get(sql.text));
    int index = 1;
    for (const auto& key : sql.operands) detail::sqlite::bind_operand(*run, index++, *key.single);
    while (run->step()) {
    }
  }
  run_lookup();
  CHECK(lookup_runs() == 2);
}

// --- threads ---------------------------------------------------------------------------------------------------

TEST_CASE("sqlite: get() answers on the caller's thread while the connection is free, and never waits for another thread") {
  tether::datasource db{tether::sqlite{":memory:"}};
  seed(db);
  const auto caller = std::this_thread::get_id();

  auto idle = *db.repository<Order>().find_by_id(1);
  std::thread::id answered_on;
  idle.customer([&](std::exception_ptr, std::shared_ptr<Customer>) { answered_on = std::this_thread::get_id(); });
  CHECK(answered_on == caller);
  CHECK(idle.customer()->name == "Alice");

  // Another thread holds the connection in a transaction: get() returns at once and a worker waits instead.
  auto busy = *db.repository<Order>().find_by_id(3);
  std::promise<void> holding, release;
  std::thread holder([&, released = release.get_future()] {
    db.transaction([&] {
      holding.set_value();
      released.wait();
    });
  });
  holding.get_future().wait();
  std::promise<std::thread::id> answered;
  busy.customer([&](std::exception_ptr, std::shared_ptr<Customer>) { answered.set_value(std::this_thread::get_id()); });
  auto pending = busy.customer.get();  // joins the load in flight
  CHECK(pending.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
  release.set_value();
  holder.join();
  CHECK(pending.get()->name == "Bob");
  CHECK(answered.get_future().get() != caller);
}

// --- include ---------------------------------------------------------------------------------------------------

TEST_CASE("sqlite: include binds each distinct key once, in chunks as large as this build of SQLite allows") {
  tether::datasource db{tether::sqlite{":memory:"}};
  seed(db);
  query_log log;
  log.listen(db);
  (void)db.repository<Order>().find(tether::filter{}.include("customer"));
  const auto texts = log.take();
  REQUIRE(texts.size() == 2u);
  CHECK_THAT(texts[1], Catch::StartsWith("Customer find SELECT") && Catch::Contains(R"("id" IN (?,?))"));

  // One more key than a statement may bind: two statements.
  const std::size_t limit = db.connector().parameter_limit();
  CHECK(limit >= 999u);
  std::vector<Customer> many(limit + 1 - 2, Customer{0, "c", std::nullopt});
  db.repository<Customer>().create(many);
  std::vector<Order> orders;
  for (const auto& c : many) orders.push_back(order_of("o", 1, c.id));
  db.repository<Order>().create(orders);
  (void)log.take();
  const auto rows = db.repository<Order>().find(tether::filter{}.include("customer"));
  CHECK(log.count("Customer find") == 2);
  const auto linked = std::count_if(rows.begin(), rows.end(), [](const Order& o) {
    return !o.customer.key() || (o.customer() && o.customer()->id == *o.customer.key());
  });
  CHECK(static_cast<std::size_t>(linked) == rows.size());
}

