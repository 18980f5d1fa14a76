// What is PostgreSQL's own in the PostgreSQL connector (tether::postgres), against a real server (the ctest
// fixture's): the DDL it writes, persistence across connectors, the pool (its size, its threads' transactions,
// broken connections replaced, the connect timeout), times to the microsecond, the SQL text, bulk creates (one
// INSERT, or COPY when one INSERT cannot hold them), include's array parameter, 1,000 concurrent get(), and the
// faults (the server stopped and back, a statement timeout, refused writes naming the server's constraint). What
// every connector must do alike is in tests/semantic/, which runs on PostgreSQL too. Each test case works in an
// empty schema of its own.

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <locale.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <semantic/connectors/postgres.hpp>
#include <tether/postgres.hpp>
#include <tether/tether.hpp>

#include "support/models.hpp"

namespace {

using tether_test::Customer;
using tether_test::Order;
using tether_test::Sample;
using tether_test::Coupon;
using tether_test::Note;
using tether_test::Visit;
using tether_test::Newsletter;
using tether_test::Account;
using tether_test::Project;
using tether_test::Invoice;

// Read from a table made elsewhere, whose columns are narrower types of each property's family.
struct Reading {
  BOOST_HANA_DEFINE_STRUCT(Reading,
      (std::int64_t, id),
      (std::int64_t, count),
      (int, small),
      (double, ratio),
      (std::string, label),
      (tether::time_point, at),
      (nlohmann::json, data),
      (std::optional<nlohmann::json>, extra));
};

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

using postgres_datasource = tether::datasource<tether::postgres>;
using ids = std::vector<std::int64_t>;

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
void seed(postgres_datasource& db) {
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

ids order_ids(postgres_datasource& db, const tether::filter& f) { return ids_of(db.repository<Order>().find(f)); }

/// Every round trip's "model operation text".
struct query_log {
  std::mutex mutex;
  std::vector<std::string> texts;

  void listen(postgres_datasource& db) {
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

tether::time_point at_us(std::int64_t us) {
  return tether::time_point(std::chrono::duration_cast<tether::time_point::duration>(std::chrono::microseconds(us)));
}

const std::string hostile = "O'Brien \"the\" ; DROP TABLE \"Customer\"; -- 100% _x_ \\ é 日本 🎉";

/// A libpq connection of the test's own, for what tether does not do (locking a table, ending sessions).
class raw_connection {
public:
  explicit raw_connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_));
  }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;
  ~raw_connection() { PQfinish(conn_); }
  /// Runs `sql`, binding `parameter` (text) to $1 when given; returns the first row's first value, or "".
  std::string exec(const std::string& sql, const std::optional<std::string>& parameter = std::nullopt) {
    const char* values[] = {parameter ? parameter->c_str() : nullptr};
    PGresult* r = PQexecParams(conn_, sql.c_str(), parameter ? 1 : 0, nullptr, values, nullptr, nullptr, 0);
    const auto status = PQresultStatus(r);
    std::string first = status == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    const std::string failure = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? "" : PQerrorMessage(conn_);
    PQclear(r);
    if (!failure.empty()) throw std::runtime_error(sql + ": " + failure);
    return first;
  }

private:
  PGconn* conn_;
};

/// A second throwaway server of the test's own, which the test may stop and start again without disturbing the
/// fixture's server that other tests use.
class own_server {
public:
  own_server() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tether-postgres-state-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    state_ = pattern;
    script("start " + state_ + " " + TETHER_TEST_POSTGRES_BIN);
    std::ifstream file(state_ + "/conninfo");
    std::getline(file, conninfo_);
  }
  own_server(const own_server&) = delete;
  own_server& operator=(const own_server&) = delete;
  ~own_server() {
    try {
      script("stop " + state_);
    } catch (...) {
    }
    std::error_code ignored;
    std::filesystem::remove_all(state_, ignored);
  }
  [[nodiscard]] const std::string& conninfo() const noexcept { return conninfo_; }
  void pause() { script("pause " + state_); }
  void resume() { script("resume " + state_); }

private:
  static void script(const std::string& arguments) {
    const std::string command = std::string("sh ") + TETHER_TEST_POSTGRES_SERVER_SCRIPT + " " + arguments + " >/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  }
  std::string state_;
  std::string conninfo_;
};

}  // namespace

// --- opening and the pool ----------------------------------------------------------------------------------

TEST_CASE("postgres: a server nobody listens on is a connection_error naming it, within the connect timeout") {
  tether::datasource db{tether::postgres{"host=127.0.0.1 port=1 dbname=shop user=nobody connect_timeout=2"}};
  const auto started = std::chrono::steady_clock::now();
  const auto message = message_of<tether::connection_error>([&] { db.automigrate<Customer>(); });
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK_THAT(message, Catch::Contains("127.0.0.1") && Catch::Contains("port=1"));
}

TEST_CASE("postgres: a server that accepts the connection but never answers is a connection_error after the connect timeout") {
  // A socket that listens and never accepts: the kernel completes the handshake, nobody answers the startup.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 8) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(ntohs(address.sin_port)) + " dbname=shop";

  tether::datasource db{tether::postgres{conninfo, tether::postgres_options{2, std::chrono::seconds(2), {}}}};
  const auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(db.repository<Customer>().count(), tether::connection_error);
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(waited >= std::chrono::milliseconds(1500));
  CHECK(waited < std::chrono::seconds(6));
  ::close(listener);
}

TEST_CASE("postgres: data survives closing and reopening the connector, and ids continue") {
  const auto conninfo = tether_test::fresh_postgres_schema();
  {
    tether::datasource db{tether::postgres{conninfo}};
    db.automigrate<Customer, Order>();
    const auto alice = created(db.repository<Customer>(), Customer{0, hostile, "a@example.com"});
    (void)created(db.repository<Order>(), order_of("first", 1.5, alice.id));
  }
  tether::datasource db{tether::postgres{conninfo}};
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

TEST_CASE("postgres: loads run on as many workers as the pool has connections") {
  tether::datasource db{tether::postgres{tether_test::fresh_postgres_schema(), tether::postgres_options{6, {}, {}}}};
  CHECK(db.connector().worker_count() == 6u);
  db.automigrate<Customer, Order>();
  const auto alice = created(db.repository<Customer>(), Customer{0, "Alice", std::nullopt});
  std::vector<Order> orders(6, order_of("o", 1, alice.id));
  db.repository<Order>().create(orders);
  // Each load waits for the others to have started: it finishes only if all six run at once.
  std::atomic<int> started{0};
  db.on_query([&](const tether::query_event& e) {
    if (e.model != "Customer") return;
    ++started;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (started.load() < 6 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  });
  // Loads with a filter run one query each (plain loads waiting together share one: the next test).
  std::vector<std::future<std::shared_ptr<Customer>>> pending;
  for (const auto& o : orders) pending.push_back(o.customer.get(tether::filter{}));
  for (auto& f : pending) CHECK(f.get()->name == "Alice");
  CHECK(started.load() == 6);
}

TEST_CASE("postgres: plain loads waiting for a worker are answered together by one query") {
  tether::datasource db{tether::postgres{tether_test::fresh_postgres_schema(), tether::postgres_options{4, {}, {}}}};
  db.automigrate<Customer, Order>();
  std::vector<Order> orders;
  for (int n = 0; n < 200; ++n) {
    const auto c = created(db.repository<Customer>(), Customer{0, "C" + std::to_string(n), std::nullopt});
    orders.push_back(order_of("o", 1, c.id));
  }
  db.repository<Order>().create(orders);
  // The first query of each worker waits until every load is issued, so the rest wait together.
  std::atomic<bool> issued{false};
  std::atomic<int> queries{0};
  db.on_query([&](const tether::query_event& e) {
    if (e.model != "Customer") return;
    ++queries;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!issued.load() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  });
  std::vector<std::future<std::shared_ptr<Customer>>> pending;
  for (const auto& o : orders) pending.push_back(o.customer.get());
  issued = true;
  for (std::size_t n = 0; n < pending.size(); ++n) {
    const auto customer = pending[n].get();
    REQUIRE(customer != nullptr);
    CHECK(customer->name == "C" + std::to_string(n));
    CHECK(orders[n].customer()->name == customer->name);  // each cache filled by the shared answer
  }
  // A first query for each worker, then the loads left waiting in one query.
  const auto workers = static_cast<int>(std::max(4u, std::thread::hardware_concurrency()));
  CHECK(queries.load() <= workers + 1);
}

TEST_CASE("postgres: a pooled connection the server closed while it sat idle is replaced on next use") {
  // The datasource's sessions carry a name of their own, so the test ends only them on the shared server.
  const std::string name = "tether_replaced_" + std::to_string(::getpid());
  tether::datasource db{tether::postgres{tether_test::fresh_postgres_schema() + " application_name=" + name}};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  (void)created(customers, Customer{0, "Alice", std::nullopt});
  raw_connection admin(tether_test::postgres_server());
  const std::string sessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1";
  REQUIRE(admin.exec(sessions, name) != "0");
  admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", name);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (admin.exec(sessions, name) != "0" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(admin.exec(sessions, name) == "0");

  CHECK(customers.count() == 1u);
  CHECK(admin.exec(sessions, name) == "1");
}

TEST_CASE("postgres: a transaction is its thread's: other threads do not see it until it commits") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  db.transaction([&] {
    (void)created(customers, Customer{0, "pending", std::nullopt});
    CHECK(customers.count() == 1u);
    CHECK(std::async(std::launch::async, [&] { return customers.count(); }).get() == 0u);
  });
  CHECK(std::async(std::launch::async, [&] { return customers.count(); }).get() == 1u);
}

// --- the schema ------------------------------------------------------------------------------------------------

TEST_CASE("postgres: automigrate writes quoted DDL with types, NOT NULL, REFERENCES and indexes") {
  tether::datasource db{tether_test::make_connector()};
  query_log log;
  log.listen(db);
  db.automigrate<Customer, Order, Newsletter, Visit, Sample, Coupon>();
  std::string ddl;
  for (const auto& t : log.take()) ddl += t + "\n";
  CHECK_THAT(ddl, Catch::Contains(R"(CREATE TABLE IF NOT EXISTS "Order" ("id" bigint GENERATED BY DEFAULT AS IDENTITY )"
                                  R"(PRIMARY KEY, "description" text NOT NULL, "amount" double precision NOT NULL, )"
                                  R"("customerId" bigint CONSTRAINT "Order_customerId_fkey" REFERENCES "Customer" ("id") )"
                                  R"(ON DELETE RESTRICT))"));
  CHECK_THAT(ddl, Catch::Contains(R"("email" text,)") || Catch::Contains(R"("email" text))"));
  CHECK_THAT(ddl, Catch::Contains(R"(CREATE INDEX IF NOT EXISTS "Order_customerId_index" ON "Order" ("customerId"))"));
  CHECK_THAT(ddl, Catch::Contains(R"(CREATE UNIQUE INDEX IF NOT EXISTS "Customer_email_unique" ON "Customer" ("email"))"));
  CHECK_THAT(ddl, Catch::Contains(R"("customerId" bigint))"));  // the loose Visit key: no REFERENCES
  CHECK_THAT(ddl, Catch::Contains(R"(CREATE INDEX IF NOT EXISTS "Visit_customerId_index")"));
  CHECK_THAT(ddl, Catch::Contains(R"(DROP TABLE IF EXISTS "Order")"));
  CHECK_THAT(ddl, Catch::Contains(R"("small" bigint NOT NULL, "tiny" bigint NOT NULL, "ratio" double precision NOT NULL, )"
                                  R"("real" double precision NOT NULL, "flag" boolean NOT NULL, "text" text NOT NULL, )"
                                  R"("at" timestamptz NOT NULL, "data" jsonb NOT NULL, "maybe_int" bigint, )"));
  CHECK_THAT(ddl, Catch::Contains(R"(CREATE TABLE IF NOT EXISTS "Coupon" ("code" text PRIMARY KEY, )"));
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

TEST_CASE("postgres: a has_one's key gets a unique index in place of the plain one") {
  tether::datasource db{tether_test::make_connector()};
  query_log log;
  log.listen(db);
  db.automigrate<one_to_one_ddl::Car, one_to_one_ddl::Plate>();
  std::string ddl;
  for (const auto& t : log.take()) ddl += t + "\n";
  CHECK_THAT(ddl, Catch::Contains(R"(CREATE UNIQUE INDEX IF NOT EXISTS "Plate_carId_unique" ON "Plate" ("carId"))"));
  CHECK_THAT(ddl, !Catch::Contains("Plate_carId_index"));
}

TEST_CASE("postgres: autoupdate keeps the data and adds the missing columns") {
  const auto conninfo = tether_test::fresh_postgres_schema();
  {
    tether::datasource db{tether::postgres{conninfo}};
    db.automigrate<Customer>();
    (void)created(db.repository<Customer>(), Customer{0, "Alice", "alice@example.com"});
  }
  tether::datasource db{tether::postgres{conninfo}};
  query_log log;
  log.listen(db);
  db.autoupdate<CustomerV2>();
  CHECK(log.count(R"(Customer migrate ALTER TABLE "Customer" ADD COLUMN "points" bigint NOT NULL DEFAULT 0)") == 1);
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

TEST_CASE("postgres: a table that lacks a column the model has is an error naming model and column") {
  const auto conninfo = tether_test::fresh_postgres_schema();
  {
    tether::datasource db{tether::postgres{conninfo}};
    db.automigrate<Customer>();
  }
  tether::datasource db{tether::postgres{conninfo}};
  const auto message = message_of<tether::error>([&] { (void)db.repository<CustomerV2>().find(); });
  CHECK_THAT(message, Catch::Contains("Customer") && Catch::Contains("points"));
}

TEST_CASE("postgres: using a model whose table was never migrated is an error naming it") {
  tether::datasource db{tether_test::make_connector()};
  const auto message = message_of<tether::error>([&] { (void)db.repository<Customer>().count(); });
  CHECK_THAT(message, Catch::Contains("Customer") && Catch::Contains("autoupdate"));
}

TEST_CASE("postgres: a create into a table never migrated, inside a transaction, leaves the transaction usable") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();  // Order's table is never made
  auto customers = db.repository<Customer>();
  db.transaction([&] {
    Customer alice{0, "Alice", std::nullopt};
    customers.create(alice);
    Order lost = order_of("pencils", 5.0, alice.id);
    CHECK_THROWS_AS(db.repository<Order>().create(lost), tether::error);
    std::vector<Order> lost_batch{order_of("paper", 1.0, alice.id), order_of("ink", 2.0, alice.id)};
    CHECK_THROWS_AS(db.repository<Order>().create(lost_batch), tether::error);
    Customer bob{0, "Bob", std::nullopt};
    customers.create(bob);  // the refusals above spoiled nothing: this and the commit go through
  });
  CHECK(customers.count() == 2u);
}

TEST_CASE("postgres: automigrate of a referenced model alone puts back the other tables' foreign keys to it") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Note>();
  db.automigrate<Customer>();  // Note is empty: Customer may be dropped (DROP ... CASCADE) and created again
  Note dangling{};
  dangling.text = "x";
  dangling.customer = 5;
  CHECK_THAT(message_of<tether::constraint_error>([&] { db.repository<Note>().create(dangling); }),
             Catch::Contains("Note.customer") && Catch::Contains("Note_customerId_fkey"));
}

// --- the row path ----------------------------------------------------------------------------------------------

TEST_CASE("postgres: times keep microseconds, and finer parts are cut towards the past") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Sample>();
  auto samples = db.repository<Sample>();
  Sample s{};
  s.at = tether::time_point(std::chrono::duration_cast<tether::time_point::duration>(std::chrono::nanoseconds(-1'500)));
  s.maybe_at = at_us(1'764'000'000'123'456);
  samples.create(s);
  const auto stored = samples.find_by_id(s.id);
  REQUIRE(stored);
  CHECK(stored->at == at_us(-2));
  CHECK(stored->maybe_at == at_us(1'764'000'000'123'456));
}

TEST_CASE("postgres: columns of narrower types read back into their properties") {
  const auto conninfo = tether_test::fresh_postgres_schema();
  tether_test::postgres_execute(conninfo, R"(CREATE TABLE "Reading" ("id" bigint GENERATED BY DEFAULT AS IDENTITY )"
                                          R"(PRIMARY KEY, "count" integer NOT NULL, "small" smallint NOT NULL, )"
                                          R"("ratio" real NOT NULL, "label" varchar(20) NOT NULL, )"
                                          R"("at" timestamp NOT NULL, "data" json NOT NULL, "extra" text))");
  tether_test::postgres_execute(conninfo, R"(INSERT INTO "Reading" ("count", "small", "ratio", "label", "at", "data", )"
                                          R"("extra") VALUES (-7, -3, 0.5, 'abc', '2000-01-01 00:00:01', )"
                                          R"('{"a": [1, 2]}', '[true]'), (1, 2, 3, '', '1999-12-31 23:59:59', )"
                                          R"('null', NULL))");
  tether::datasource db{tether::postgres{conninfo}};
  db.autoupdate<Reading>();
  const auto rows = db.repository<Reading>().find();
  REQUIRE(rows.size() == 2u);
  CHECK(rows[0].count == -7);
  CHECK(rows[0].small == -3);
  CHECK(rows[0].ratio == 0.5);
  CHECK(rows[0].label == "abc");
  CHECK(rows[0].at == at_us(946'684'801'000'000));
  CHECK(rows[0].data == nlohmann::json::parse(R"({"a": [1, 2]})"));
  CHECK(rows[0].extra == nlohmann::json::parse("[true]"));
  CHECK(rows[1].at == at_us(946'684'799'000'000));
  CHECK(rows[1].data.is_null());
  CHECK_FALSE(rows[1].extra.has_value());
}

TEST_CASE("postgres: a column whose type cannot hold its property is an error at its first value, naming it") {
  const auto conninfo = tether_test::fresh_postgres_schema();
  tether_test::postgres_execute(conninfo, R"(CREATE TABLE "Customer" ("id" bigint GENERATED BY DEFAULT AS IDENTITY )"
                                          R"(PRIMARY KEY, "name" text NOT NULL, "email" integer))");
  tether::datasource db{tether::postgres{conninfo}};
  db.autoupdate<Customer>();
  auto customers = db.repository<Customer>();
  CHECK(customers.find().empty());
  tether_test::postgres_execute(conninfo, R"(INSERT INTO "Customer" ("name", "email") VALUES ('Alice', NULL))");
  REQUIRE(customers.find().size() == 1u);  // a null fits any column
  tether_test::postgres_execute(conninfo, R"(INSERT INTO "Customer" ("name", "email") VALUES ('Bob', 5))");
  CHECK_THAT(message_of<tether::error>([&] { (void)customers.find(); }),
             Catch::Contains("column email has type OID 23, which does not hold a string"));
  CHECK_THAT(message_of<tether::error>([&] { (void)customers.find_by_id(2); }),
             Catch::Contains("column email has type OID 23"));
  CHECK(customers.find_by_id(1)->name == "Alice");
}

TEST_CASE("postgres: a relation's load is the select of one row by its key, the text find writes") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order, Newsletter>();
  const auto alice = created(db.repository<Customer>(), Customer{0, "Alice", "alice@example.com"});
  const auto o = created(db.repository<Order>(), order_of("x", 1, alice.id));
  Newsletter n{};
  n.topic = "news";
  n.subscriber = "alice@example.com";
  db.repository<Newsletter>().create(n);
  query_log log;
  log.listen(db);
  CHECK(o.customer.get(tether::refresh).get()->name == "Alice");
  CHECK(n.subscriber.get(tether::refresh).get()->id == alice.id);
  Order dangling = o;
  dangling.customer = 12345;
  CHECK(dangling.customer.get().get() == nullptr);
  const std::string by_id =
      R"(Customer find SELECT "id", "name", "email" FROM "Customer" WHERE "id" = $1 ORDER BY "id" LIMIT 1)";
  const std::string by_email =
      R"(Customer find SELECT "id", "name", "email" FROM "Customer" WHERE "email" = $1 ORDER BY "id" LIMIT 1)";
  CHECK(log.take() == std::vector<std::string>{by_id, by_email, by_id});
}

TEST_CASE("postgres: every value is a parameter and the SQL text holds none") {
  tether::datasource db{tether_test::make_connector()};
  seed(db);
  query_log log;
  log.listen(db);
  (void)order_ids(db, tether::filter{}.where("description", "secret-value").where("amount", tether::between(1234, 5678)).limit(3));
  const auto texts = log.take();
  REQUIRE(texts.size() == 1u);
  CHECK_THAT(texts[0], Catch::StartsWith("Order find SELECT"));
  CHECK_THAT(texts[0], Catch::Contains("$1") && Catch::Contains("$3") && Catch::EndsWith("LIMIT 3"));
  CHECK_THAT(texts[0], !Catch::Contains("secret") && !Catch::Contains("1234") && !Catch::Contains("5678"));
}

TEST_CASE("postgres: include sends the keys as one array parameter, however many there are") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  std::vector<Customer> customers(5000);
  for (std::size_t i = 0; i < customers.size(); ++i) customers[i].name = "c" + std::to_string(i);
  db.repository<Customer>().create(customers);
  std::vector<Order> orders;
  for (const auto& c : customers) orders.push_back(order_of("o", 1, c.id));
  db.repository<Order>().create(orders);
  query_log log;
  log.listen(db);
  const auto found = db.repository<Order>().find(tether::filter::parse(R"({"include": "customer"})"));
  const auto texts = log.take();
  REQUIRE(texts.size() == 2u);
  CHECK_THAT(texts[1], Catch::StartsWith("Customer find") && Catch::Contains(R"("id" = ANY($1))"));
  REQUIRE(found.size() == 5000u);
  CHECK(found[4321].customer()->name == "c4321");
}

TEST_CASE("postgres: a bulk create is one statement, and a refused one names the row the server refused") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  const auto alice = created(db.repository<Customer>(), Customer{0, "Alice", std::nullopt});
  auto orders = db.repository<Order>();
  std::vector<Order> batch{order_of("a", 1, alice.id), order_of("b", 2, 7), order_of("c", 3, alice.id)};
  CHECK_THAT(message_of<tether::constraint_error>([&] { orders.create(batch); }),
             Catch::Contains("Order.customer") && Catch::Contains("no Customer has id 7") &&
                 Catch::Contains("Order_customerId_fkey"));

  std::vector<Order> good;
  for (int i = 0; i < 1000; ++i) good.push_back(order_of("o" + std::to_string(i), i, alice.id));
  query_log log;
  log.listen(db);
  orders.create(good);
  CHECK(log.count(R"(Order create WITH "tether rows")") == 1);
  // Ids in row order (the refused batch used up some: a sequence does not roll back).
  for (std::size_t i = 0; i < good.size(); ++i) CHECK(good[i].id == good.front().id + static_cast<std::int64_t>(i));
  CHECK(orders.find_by_id(good[497].id)->description == "o497");
}

TEST_CASE("postgres: a bulk create reads each generated id by its row's number, and mixes given and generated ids in row order") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  query_log log;
  log.listen(db);
  std::vector<Customer> generated{Customer{0, "a", std::nullopt}, Customer{0, "b", std::nullopt}};
  customers.create(generated);
  CHECK(log.count(R"(Customer create WITH "tether rows" AS MATERIALIZED (SELECT "tether row", nextval()") == 1);
  CHECK(log.count("Customer create") == 1);
  CHECK(ids_of(generated) == ids{1, 2});

  std::vector<Customer> mixed{Customer{0, "c", std::nullopt}, Customer{10, "ten", std::nullopt},
                              Customer{0, "d", std::nullopt}};
  customers.create(mixed);
  CHECK(log.count(R"(Customer create WITH "tether rows" AS MATERIALIZED (SELECT "tether row", COALESCE("id", )") == 1);
  CHECK(ids_of(mixed) == ids{3, 10, 4});
  CHECK(created(customers, Customer{0, "e", std::nullopt}).id == 11);
  CHECK(ids_of(customers.find()) == ids{1, 2, 3, 4, 10, 11});
  CHECK(customers.find_by_id(4)->name == "d");
}

TEST_CASE("postgres: every row of a bulk create reads back by the id it was given, with its own contents") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  const auto alice = created(db.repository<Customer>(), Customer{0, "Alice", std::nullopt});
  auto orders = db.repository<Order>();
  // One INSERT, given and generated ids interleaved, every row different.
  std::vector<Order> many;
  for (int i = 0; i < 5'000; ++i) many.push_back(order_of("o" + std::to_string(i), i, alice.id));
  for (std::size_t i = 0; i < many.size(); i += 7) many[i].id = 1'000'000 + static_cast<std::int64_t>(i);
  orders.create(many);
  std::set<std::int64_t> distinct;
  for (std::size_t i = 0; i < many.size(); ++i) {
    distinct.insert(many[i].id);
    const auto read = orders.find_by_id(many[i].id);
    REQUIRE(read.has_value());
    CHECK(read->description == "o" + std::to_string(i));
    CHECK(read->amount == static_cast<double>(i));
  }
  CHECK(distinct.size() == many.size());
}

TEST_CASE("postgres: a bulk create too large for one INSERT is one COPY with ids reserved first, still all or nothing") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  const auto alice = created(db.repository<Customer>(), Customer{0, "Alice", std::nullopt});
  auto orders = db.repository<Order>();
  std::vector<Order> many;
  for (int i = 0; i < 40'000; ++i) many.push_back(order_of("o" + std::to_string(i), i, alice.id));
  many[20'000].customer = 12345;
  query_log log;
  log.listen(db);
  CHECK_THAT(message_of<tether::constraint_error>([&] { orders.create(many); }),
             Catch::Contains("no Customer has id 12345") && Catch::Contains("Order_customerId_fkey"));
  CHECK(log.count("Order create SELECT nextval(") == 1);
  CHECK(log.count(R"(Order create COPY "Order" ("id", "description", "amount", "customerId") FROM STDIN (FORMAT binary))") == 1);
  CHECK(orders.count() == 0u);
  CHECK(many.front().id == 0);
  CHECK(many.back().id == 0);

  many[20'000].customer = alice.id;
  many[30'000].id = 1'000'000;  // a given id among generated ones
  orders.create(many);
  CHECK(orders.count() == 40'000u);
  CHECK(many[30'000].id == 1'000'000);
  CHECK(many[29'999].id - many.front().id == 29'999);
  CHECK(many[30'001].id == many[29'999].id + 1);
  CHECK(many.back().id - many.front().id == 39'998);
  CHECK(orders.find_by_id(many[12'345].id)->description == "o12345");
  CHECK(orders.find_by_id(1'000'000)->description == "o30000");
  CHECK(created(orders, order_of("next", 1, alice.id)).id == 1'000'001);
}

TEST_CASE("postgres: a bulk create by COPY carries every property type, nulls and JSON included, as INSERT does") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Sample>();
  auto samples = db.repository<Sample>();
  // 15 columns: 4369 rows fill one INSERT, so 5000 go by COPY and 2 by INSERT.
  const auto make = [](std::size_t n) {
    std::vector<Sample> rows(n);
    for (std::size_t i = 0; i < n; ++i) {
      Sample& s = rows[i];
      s.small = -static_cast<int>(i);
      s.tiny = static_cast<std::uint16_t>(i);
      s.ratio = 0.25f;
      s.real = -1.5 * static_cast<double>(i);
      s.flag = i % 2 == 1;
      s.text = i == 1 ? hostile : "t" + std::to_string(i);
      s.at = at_us(-1'000'000 + static_cast<std::int64_t>(i));
      s.data = nlohmann::json{{"i", i}, {"s", hostile}};
      if (i % 2 == 1) {
        s.maybe_int = static_cast<std::int64_t>(i) << 40;
        s.maybe_real = 0.1;
        s.maybe_flag = false;
        s.maybe_text = "";
        s.maybe_at = at_us(1'764'000'000'123'456);
        s.maybe_data = nlohmann::json();  // a JSON null, not an empty optional
      }
    }
    return rows;
  };
  query_log log;
  log.listen(db);
  auto copied = make(5000);
  samples.create(copied);
  CHECK(log.count("Sample create COPY") == 1);
  auto inserted = make(2);
  samples.create(inserted);
  CHECK(log.count(R"(Sample create WITH "tether rows")") == 1);
  for (const auto* rows : {&copied, &inserted}) {
    for (const std::size_t i : {std::size_t{0}, std::size_t{1}}) {
      const auto& given = (*rows)[i];
      const auto stored = samples.find_by_id(given.id);
      REQUIRE(stored);
      CHECK(stored->small == given.small);
      CHECK(stored->tiny == given.tiny);
      CHECK(stored->ratio == given.ratio);
      CHECK(stored->real == given.real);
      CHECK(stored->flag == given.flag);
      CHECK(stored->text == given.text);
      CHECK(stored->at == given.at);
      CHECK(stored->data == given.data);
      CHECK(stored->maybe_int == given.maybe_int);
      CHECK(stored->maybe_real == given.maybe_real);
      CHECK(stored->maybe_flag == given.maybe_flag);
      CHECK(stored->maybe_text == given.maybe_text);
      CHECK(stored->maybe_at == given.maybe_at);
      CHECK(stored->maybe_data == given.maybe_data);
    }
  }
  CHECK(samples.find_by_id(copied[4999].id)->tiny == 4999);
  CHECK(samples.count(tether::where("maybe_text", nullptr)) == 2501u);
}

TEST_CASE("postgres: a bulk create into a table whose columns COPY cannot fill goes by INSERTs of 65535 parameters") {
  const auto conninfo = tether_test::fresh_postgres_schema();
  // A table made elsewhere: varchar where automigrate would write text.
  tether_test::postgres_execute(conninfo, R"(CREATE TABLE "Customer" ("id" bigint GENERATED BY DEFAULT AS IDENTITY )"
                                          R"(PRIMARY KEY, "name" varchar(40) NOT NULL, "email" text))");
  tether::datasource db{tether::postgres{conninfo}};
  db.autoupdate<Customer>();
  auto customers = db.repository<Customer>();
  std::vector<Customer> many(30'000);
  for (std::size_t i = 0; i < many.size(); ++i) many[i].name = "c" + std::to_string(i);
  query_log log;
  log.listen(db);
  customers.create(many);
  CHECK(log.count(R"(Customer create WITH "tether rows")") == 2);  // 3 parameters a row: 21845 rows a statement
  CHECK(log.count("Customer create COPY") == 0);
  CHECK(customers.count() == 30'000u);
  CHECK(many.back().id - many.front().id == 29'999);
  CHECK(customers.find_by_id(many[29'999].id)->name == "c29999");
}

TEST_CASE("postgres: a statement of many parameters runs unprepared, so bulk creates of many sizes keep no plan each") {
  using tether::detail::postgres::connection;
  connection c(tether_test::postgres_server(), std::chrono::seconds(5), std::chrono::milliseconds(0));
  // The sum of n parameters, as one statement of n parameters: a shape per n, as multi-row INSERTs have.
  const auto sum_of = [&](int n) {
    std::string sql = "SELECT sum(x)::int8 FROM (VALUES ";
    tether::detail::postgres::parameters params;
    for (int i = 1; i <= n; ++i) {
      sql += (i == 1 ? "($" : ", ($") + std::to_string(i) + "::int8)";
      tether::detail::postgres::add_int8(params, i);
    }
    const auto r = c.run(sql + ") AS v(x)", params, "sum");
    return tether::detail::postgres::read_int8(r, 0, 0);
  };
  const auto kept_statements = [&] {
    tether::detail::postgres::parameters none;
    return std::string(c.query_text("SELECT count(*) FROM pg_prepared_statements", none, "count").bytes(0, 0));
  };
  const int limit = connection::prepared_parameter_limit;

  CHECK(sum_of(3) == 6);
  CHECK(sum_of(3) == 6);
  CHECK(kept_statements() == "1");
  CHECK(sum_of(limit + 1) == std::int64_t{limit + 1} * (limit + 2) / 2);
  CHECK(sum_of(limit + 2) == std::int64_t{limit + 2} * (limit + 3) / 2);
  CHECK(kept_statements() == "1");
}

// --- concurrency -----------------------------------------------------------------------------------------------

TEST_CASE("postgres: 1,000 concurrent get() calls over the pool all receive their own customer") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  std::vector<Customer> customers(100);
  for (std::size_t i = 0; i < customers.size(); ++i) customers[i].name = "customer " + std::to_string(i);
  db.repository<Customer>().create(customers);
  std::vector<Order> orders;
  for (int i = 0; i < 1000; ++i) orders.push_back(order_of("o" + std::to_string(i), i, customers[i % 100].id));
  db.repository<Order>().create(orders);
  auto loaded = db.repository<Order>().find();
  REQUIRE(loaded.size() == 1000u);

  std::vector<std::future<std::shared_ptr<Customer>>> pending;
  pending.reserve(loaded.size());
  for (const auto& o : loaded) pending.push_back(o.customer.get());
  for (std::size_t i = 0; i < loaded.size(); ++i) {
    const auto c = pending[i].get();
    REQUIRE(c);
    CHECK(c->id == *loaded[i].customer.key());
    CHECK(c->name == "customer " + std::to_string(i % 100));
    CHECK(loaded[i].customer() == c);
  }
}

// --- faults ----------------------------------------------------------------------------------------------------

TEST_CASE("postgres: a unique violation is a constraint_error naming the model, the value and the constraint") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Coupon, Newsletter>();  // Newsletter makes Customer.email unique
  auto customers = db.repository<Customer>();
  auto coupons = db.repository<Coupon>();
  (void)created(customers, Customer{0, "Alice", "alice@example.com"});
  (void)created(coupons, Coupon{"SPRING'24", 0.1});
  // Inside a transaction, which each refusal leaves usable.
  db.transaction([&] {
    Customer again{1, "again", std::nullopt};
    CHECK_THAT(message_of<tether::constraint_error>([&] { customers.create(again); }),
               Catch::Contains("Customer") && Catch::Contains("id 1") && Catch::Contains("Customer_pkey"));
    Coupon twice{"SPRING'24", 0.2};
    CHECK_THAT(message_of<tether::constraint_error>([&] { coupons.create(twice); }),
               Catch::Contains("Coupon") && Catch::Contains("SPRING'24") && Catch::Contains("Coupon_pkey"));
    Customer twin{0, "Twin", "alice@example.com"};
    CHECK_THAT(message_of<tether::constraint_error>([&] { customers.create(twin); }),
               Catch::Contains("Customer.email") && Catch::Contains("alice@example.com") &&
                   Catch::Contains("Customer_email_unique"));
    (void)created(customers, Customer{0, "Bob", std::nullopt});
  });
  CHECK(customers.count() == 2u);
}

TEST_CASE("postgres: a foreign-key violation is a constraint_error naming the relation, the key and the constraint") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order, Newsletter>();
  auto orders = db.repository<Order>();
  Order dangling = order_of("x", 1, 99);
  CHECK_THAT(message_of<tether::constraint_error>([&] { orders.create(dangling); }),
             Catch::Contains("Order.customer") && Catch::Contains("no Customer has id 99") &&
                 Catch::Contains("Order_customerId_fkey"));

  auto alice = created(db.repository<Customer>(), Customer{0, "Alice", "alice@example.com"});
  auto o = created(orders, order_of("x", 1, alice.id));
  o.customer = 42;
  CHECK_THAT(message_of<tether::constraint_error>([&] { orders.update(o); }),
             Catch::Contains("no Customer has id 42") && Catch::Contains("Order_customerId_fkey"));

  Newsletter n{};
  n.topic = "news";
  n.subscriber = "alice@example.com";
  db.repository<Newsletter>().create(n);
  alice.email = "new@example.com";
  CHECK_THAT(message_of<tether::constraint_error>([&] { db.repository<Customer>().update(alice); }),
             Catch::Contains("cannot change Customer.email") && Catch::Contains("Newsletter.subscriberId") &&
                 Catch::Contains("Newsletter_subscriberId_fkey"));
}

TEST_CASE("postgres: a refused removal names the referencing rows and the constraint, below a cascade too") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order, Account, Project, Invoice>();
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, Customer{0, "Alice", std::nullopt});
  (void)created(db.repository<Order>(), order_of("x", 1, alice.id));
  CHECK_THAT(message_of<tether::constraint_error>([&] { customers.remove_by_id(alice.id); }),
             Catch::Contains("cannot remove Customer id 1") &&
                 Catch::Contains("Order.customerId references it from 1 row (Order id 1)") &&
                 Catch::Contains("Order_customerId_fkey"));

  const auto acme = created(db.repository<Account>(), Account{0, "Acme"});
  Project p{0, "p", {}};
  p.account = acme.id;
  db.repository<Project>().create(p);
  Invoice i{0, "INV-1", {}};
  i.project = p.id;
  db.repository<Invoice>().create(i);
  CHECK_THAT(message_of<tether::constraint_error>([&] { db.repository<Account>().remove_by_id(acme.id); }),
             Catch::Contains("it cascades to Project, and cannot remove Project id 1") &&
                 Catch::Contains("Invoice.projectId references it") && Catch::Contains("Invoice_projectId_fkey"));
}

TEST_CASE("postgres: the test server speaks German where the machine has the locale, so no English is read") {
  // tests/postgres/server.sh starts it with lc_messages=de_DE.UTF-8 when this locale and PostgreSQL's German
  // messages are installed, unless TETHER_TEST_POSTGRES_LC_MESSAGES chooses another language.
  const locale_t german = ::newlocale(LC_MESSAGES_MASK, "de_DE.UTF-8", locale_t{});
  if (german != locale_t{}) ::freelocale(german);
  std::error_code absent;
  bool translated = false;
  for (const auto& file : std::filesystem::directory_iterator("/usr/share/locale/de/LC_MESSAGES", absent))
    translated = translated || file.path().filename().string().starts_with("postgres-");
  if (german == locale_t{} || !translated || std::getenv("TETHER_TEST_POSTGRES_LC_MESSAGES") != nullptr) {
    WARN("the German locale or PostgreSQL's German messages are missing: the server speaks English");
    return;
  }
  raw_connection admin(tether_test::postgres_server());
  CHECK(admin.exec("SHOW lc_messages") == "de_DE.UTF-8");
  CHECK_THAT(message_of<std::runtime_error>([&] { admin.exec("SELECT 1 / 0"); }),
             Catch::Contains("Division durch Null"));
}

TEST_CASE("postgres: a refused bulk create names the row the server refused, in any server language") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order, Coupon, Newsletter>();  // Newsletter makes Customer.email unique
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, Customer{0, "Alice", "alice@example.com"});

  std::vector<Order> orders{order_of("a", 1, alice.id), order_of("b", 2, 77), order_of("c", 3, 78)};
  CHECK_THAT(message_of<tether::constraint_error>([&] { db.repository<Order>().create(orders); }),
             Catch::Contains("tether: Order.customer: no Customer has id 77 (customerId 77)") &&
                 Catch::Contains("Order_customerId_fkey"));

  std::vector<Customer> repeated_id{{5, "Eve", std::nullopt}, {alice.id, "again", std::nullopt}};
  CHECK_THAT(message_of<tether::constraint_error>([&] { customers.create(repeated_id); }),
             Catch::Contains("tether: cannot create Customer: id " + std::to_string(alice.id) + " exists already") &&
                 Catch::Contains("Customer_pkey"));

  std::vector<Customer> repeated_within{{6, "Ann", std::nullopt}, {7, "Bea", std::nullopt}, {7, "Cy", std::nullopt}};
  CHECK_THAT(message_of<tether::constraint_error>([&] { customers.create(repeated_within); }),
             Catch::Contains("id 7 exists already"));

  std::vector<Customer> repeated_email{{0, "Ann", "ann@example.com"}, {0, "Twin", "alice@example.com"}};
  CHECK_THAT(message_of<tether::constraint_error>([&] { customers.create(repeated_email); }),
             Catch::Contains("tether: Customer.email must be unique (a foreign key references it), and "
                             "\"alice@example.com\" is taken") &&
                 Catch::Contains("Customer_email_unique"));

  auto coupons = db.repository<Coupon>();
  (void)created(coupons, Coupon{"SPRING'24", 0.1});
  std::vector<Coupon> repeated_code{{"SUMMER", 0.2}, {"SPRING'24", 0.3}};
  CHECK_THAT(message_of<tether::constraint_error>([&] { coupons.create(repeated_code); }),
             Catch::Contains("id \"SPRING'24\" exists already"));
  CHECK(customers.count() == 1u);
  CHECK(coupons.count() == 1u);
}

TEST_CASE("postgres: a removal refused below a cascade names the row that cannot go and the rows holding it") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Account, Project, Invoice>();
  const auto acme = created(db.repository<Account>(), Account{0, "Acme"});
  for (const char* name : {"idle", "billed"}) {
    Project p{0, name, {}};
    p.account = acme.id;
    db.repository<Project>().create(p);
  }
  for (const char* number : {"INV-1", "INV-2"}) {
    Invoice i{0, number, {}};
    i.project = 2;  // "billed"
    db.repository<Invoice>().create(i);
  }
  CHECK_THAT(message_of<tether::constraint_error>([&] { db.repository<Account>().remove_by_id(acme.id); }),
             Catch::Equals("tether: cannot remove Account id 1: it cascades to Project, and cannot remove Project id "
                           "2: Invoice.projectId references it from 2 rows (Invoice id 1, ...) (constraint "
                           "\"Invoice_projectId_fkey\"); remove or relink them first, or declare "
                           "on_delete<cascade> or on_delete<set_null>"));
  CHECK_THAT(message_of<tether::constraint_error>([&] { db.repository<Project>().remove_by_id(2); }),
             Catch::StartsWith("tether: cannot remove Project id 2: Invoice.projectId references it from 2 rows"));
  CHECK(db.repository<Project>().count() == 2u);
}

TEST_CASE("postgres: a server stopped mid-run fails pending and new calls with connection_error, then recovers") {
  own_server server;
  tether::datasource db{tether::postgres{server.conninfo(), tether::postgres_options{4, std::chrono::seconds(2), {}}}};
  db.automigrate<Customer, Order>();
  std::vector<Customer> customers(50);
  for (auto& c : customers) c.name = "c";
  db.repository<Customer>().create(customers);
  std::vector<Order> orders;
  for (const auto& c : customers) orders.push_back(order_of("o", 1, c.id));
  db.repository<Order>().create(orders);

  // Loads in flight while the server goes away: each ends, with its customer or a connection_error.
  std::vector<std::future<std::shared_ptr<Customer>>> pending;
  for (int round = 0; round < 20; ++round)
    for (const auto& o : orders) pending.push_back(o.customer.get(tether::refresh));
  const auto stopped_at = std::chrono::steady_clock::now();
  server.pause();
  int failed = 0;
  for (auto& f : pending) {
    REQUIRE(f.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    try {
      const auto customer = f.get();
      CHECK(customer != nullptr);
    } catch (const tether::connection_error&) {
      ++failed;
    }
  }
  CHECK(std::chrono::steady_clock::now() - stopped_at < std::chrono::seconds(30));
  INFO(failed << " of " << pending.size() << " loads failed");

  // New calls while it is down.
  const auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(db.repository<Customer>().count(), tether::connection_error);
  CHECK_THROWS_AS(orders[0].customer.get(tether::refresh).get(), tether::connection_error);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));

  // Back: the next calls succeed, same process, same datasource.
  server.resume();
  CHECK(db.repository<Customer>().count() == 50u);
  CHECK(orders[7].customer.get(tether::refresh).get()->id == customers[7].id);
  Customer late{0, "late", std::nullopt};
  db.repository<Customer>().create(late);
  CHECK(late.id == 51);
}

TEST_CASE("postgres: a statement that runs past the statement timeout is a connection_error saying so") {
  const auto conninfo = tether_test::fresh_postgres_schema();
  tether::datasource db{tether::postgres{conninfo, tether::postgres_options{2, std::chrono::seconds(5),
                                                                            std::chrono::milliseconds(200)}}};
  db.automigrate<Customer>();
  (void)created(db.repository<Customer>(), Customer{0, "Alice", std::nullopt});
  raw_connection locker(conninfo);
  locker.exec("BEGIN");
  locker.exec("LOCK TABLE \"Customer\" IN ACCESS EXCLUSIVE MODE");
  const auto started = std::chrono::steady_clock::now();
  const auto message = message_of<tether::connection_error>([&] { (void)db.repository<Customer>().count(); });
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK_THAT(message, Catch::Contains("statement timeout") && Catch::Contains("Customer"));
  locker.exec("ROLLBACK");
  CHECK(db.repository<Customer>().count() == 1u);
}
