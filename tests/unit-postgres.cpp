// The PostgreSQL connector (tether::postgres), through a datasource and its repositories, against a real
// server (the ctest fixture's): schema from the descriptors, the typed row path, filters in SQL with every
// value bound, include, relations, integrity, transactions, migrations keeping data, concurrency over the
// pool, and the failure paths (the server stopped and back, a statement timeout, refused writes). Each test
// case works in an empty schema of its own.

#include <catch2/catch.hpp>

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
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <semantic/connectors/postgres.hpp>
#include <tether/postgres.hpp>
#include <tether/tether.hpp>

namespace {

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer,
      (std::int64_t, id),
      (std::string, name),
      (std::optional<std::string>, email));
};

// "Order" is an SQL keyword: the table name must be quoted everywhere.
struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order,
      (std::int64_t, id),
      (std::string, description),
      (double, amount),
      (tether::belongs_to<Customer>, customer));
};

// Every property type, plain and optional.
struct Sample {
  BOOST_HANA_DEFINE_STRUCT(Sample,
      (std::int64_t, id),
      (int, small),
      (std::uint16_t, tiny),
      (float, ratio),
      (double, real),
      (bool, flag),
      (std::string, text),
      (tether::time_point, at),
      (nlohmann::json, data),
      (std::optional<std::int64_t>, maybe_int),
      (std::optional<double>, maybe_real),
      (std::optional<bool>, maybe_flag),
      (std::optional<std::string>, maybe_text),
      (std::optional<tether::time_point>, maybe_at),
      (std::optional<nlohmann::json>, maybe_data));
};

struct Coupon {
  BOOST_HANA_DEFINE_STRUCT(Coupon,
      (std::string, code),
      (double, discount));
  static constexpr std::string_view id_property = "code";
};

struct Note {
  BOOST_HANA_DEFINE_STRUCT(Note,
      (std::int64_t, id),
      (std::string, text),
      (tether::belongs_to<Customer, tether::on_delete<tether::cascade>>, customer));
};

struct Ticket {
  BOOST_HANA_DEFINE_STRUCT(Ticket,
      (std::int64_t, id),
      (std::string, subject),
      (tether::belongs_to<Customer, tether::on_delete<tether::set_null>>, customer));
};

struct Visit {
  BOOST_HANA_DEFINE_STRUCT(Visit,
      (std::int64_t, id),
      (std::string, page),
      (tether::belongs_to<Customer, tether::no_constraint>, customer));
};

struct Newsletter {
  BOOST_HANA_DEFINE_STRUCT(Newsletter,
      (std::int64_t, id),
      (std::string, topic),
      (tether::belongs_to<Customer, tether::primary_key<"email">>, subscriber));
};

struct Account {
  BOOST_HANA_DEFINE_STRUCT(Account, (std::int64_t, id), (std::string, name));
};

struct Project {
  BOOST_HANA_DEFINE_STRUCT(Project,
      (std::int64_t, id),
      (std::string, name),
      (tether::belongs_to<Account, tether::on_delete<tether::cascade>>, account));
};

struct Invoice {
  BOOST_HANA_DEFINE_STRUCT(Invoice,
      (std::int64_t, id),
      (std::string, number),
      (tether::belongs_to<Project>, project));
};

struct Employee {
  BOOST_HANA_DEFINE_STRUCT(Employee,
      (std::int64_t, id),
      (std::string, name),
      (tether::belongs_to<Employee, tether::key_type<std::int64_t>, tether::on_delete<tether::cascade>>, manager));
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

/// A libpq connection of the test's own, for what tether does not do (locking a table, counting sessions).
class raw_connection {
public:
  explicit raw_connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_));
  }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;
  ~raw_connection() { PQfinish(conn_); }
  std::string exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
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

// --- opening ---------------------------------------------------------------------------------------------------

TEST_CASE("postgres: a connector works through a datasource") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  Customer alice{0, "Alice", std::nullopt};
  customers.create(alice);
  CHECK(alice.id == 1);
  CHECK(customers.count() == 1u);
  CHECK(db.connector().worker_count() == tether::postgres_options{}.pool_size);
}

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

TEST_CASE("postgres: data survives closing and reopening the connector") {
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

// --- failure paths ---------------------------------------------------------------------------------------------

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

// --- schema ----------------------------------------------------------------------------------------------------

TEST_CASE("postgres: automigrate writes quoted DDL with types, NOT NULL, REFERENCES and indexes") {
  tether::datasource db{tether_test::make_connector()};
  query_log log;
  log.listen(db);
  db.automigrate<Customer, Order, Newsletter, Visit, Sample>();
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
}

TEST_CASE("postgres: a string id is a text primary key the caller supplies") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Coupon>();
  auto coupons = db.repository<Coupon>();
  Coupon spring{"SPRING'24", 0.1};
  coupons.create(spring);
  REQUIRE(coupons.find_by_id("SPRING'24"));
  CHECK(coupons.find_by_id("SPRING'24")->discount == 0.1);
  Coupon again{"SPRING'24", 0.2};
  CHECK_THAT(message_of<tether::constraint_error>([&] { coupons.create(again); }),
             Catch::Contains("Coupon") && Catch::Contains("SPRING'24") && Catch::Contains("Coupon_pkey"));
  Coupon unnamed{"", 0.5};
  CHECK_THROWS_AS(coupons.create(unnamed), tether::validation_error);
}

TEST_CASE("postgres: autoupdate keeps the data and adds the missing columns") {
  const auto conninfo = tether_test::fresh_postgres_schema();
  {
    tether::datasource db{tether::postgres{conninfo}};
    db.automigrate<Customer>();
    (void)created(db.repository<Customer>(), Customer{0, "Alice", "alice@example.com"});
  }
  tether::datasource db{tether::postgres{conninfo}};
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

TEST_CASE("postgres: automigrate refuses to drop a table whose rows others reference, changing nothing") {
  tether::datasource db{tether_test::make_connector()};
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

TEST_CASE("postgres: automigrate of a referenced model alone keeps the other tables' foreign keys to it") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Note>();
  db.automigrate<Customer>();  // Note is empty: Customer may be dropped and created again
  Note dangling{};
  dangling.text = "x";
  dangling.customer = 5;
  CHECK_THAT(message_of<tether::constraint_error>([&] { db.repository<Note>().create(dangling); }),
             Catch::Contains("Note.customer") && Catch::Contains("Note_customerId_fkey"));
}

// --- the typed row path ----------------------------------------------------------------------------------------

TEST_CASE("postgres: every property type round-trips exactly, including hostile strings") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Sample>();
  auto samples = db.repository<Sample>();
  Sample full{};
  full.small = -42;
  full.tiny = 65535;
  full.ratio = 0.25f;
  full.real = -1.0e300;
  full.flag = true;
  full.text = hostile;
  full.at = at_us(1'764'000'000'123'456);
  full.data = {{"quote", "it's \"x\""}, {"list", {1, 2.5, nullptr}}, {"日本", "🎉"}};
  full.maybe_int = -7;
  full.maybe_real = 3.5;
  full.maybe_flag = false;
  full.maybe_text = "";
  full.maybe_at = at_us(-86'400'000'000'000);  // before 1970, and before PostgreSQL's epoch of 2000
  full.maybe_data = nlohmann::json(nullptr);
  Sample empty{};
  samples.create(full);
  samples.create(empty);

  const auto rows = samples.find();
  REQUIRE(rows.size() == 2u);
  const auto& r = rows[0];
  CHECK(r.small == -42);
  CHECK(r.tiny == 65535);
  CHECK(r.ratio == 0.25f);
  CHECK(r.real == -1.0e300);
  CHECK(r.flag);
  CHECK(r.text == full.text);
  CHECK(r.at == full.at);
  CHECK(r.data == full.data);
  CHECK(r.maybe_int == -7);
  CHECK(r.maybe_real == 3.5);
  CHECK(r.maybe_flag == false);
  CHECK(r.maybe_text == "");
  CHECK(r.maybe_at == full.maybe_at);
  REQUIRE(r.maybe_data.has_value());
  CHECK(r.maybe_data->is_null());
  const auto& e = rows[1];
  CHECK(e.text.empty());
  CHECK(e.at == tether::time_point{});
  CHECK(e.data.is_null());
  CHECK_FALSE(e.maybe_int.has_value());
  CHECK_FALSE(e.maybe_text.has_value());
  CHECK_FALSE(e.maybe_at.has_value());
  CHECK_FALSE(e.maybe_data.has_value());
}

TEST_CASE("postgres: times keep microseconds, and finer parts are cut towards the past") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Sample>();
  auto samples = db.repository<Sample>();
  Sample s{};
  s.at = tether::time_point(std::chrono::duration_cast<tether::time_point::duration>(std::chrono::nanoseconds(-1'500)));
  samples.create(s);
  CHECK(samples.find_by_id(s.id)->at == at_us(-2));
}

TEST_CASE("postgres: hostile strings in a where are values, never SQL") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  (void)created(customers, Customer{0, hostile, std::nullopt});
  (void)created(customers, Customer{0, "plain", std::nullopt});
  (void)created(customers, Customer{0, "'; DROP TABLE x; --", std::nullopt});
  CHECK(ids_of(customers.find(tether::filter{}.where("name", hostile))) == ids{1});
  CHECK(ids_of(customers.find(tether::filter{}.where("name", "'; DROP TABLE x; --"))) == ids{3});
  CHECK(ids_of(customers.find(tether::filter{}.where("name", tether::inq(std::vector<std::string>{hostile, "x"})))) ==
        ids{1});
  CHECK(ids_of(customers.find(tether::filter{}.where("name", tether::like("%DROP TABLE \"Customer\"%")))) == ids{1});
  CHECK(ids_of(customers.find(tether::filter{}.where("name", tether::like("'; DROP%")))) == ids{3});
  CHECK(customers.count() == 3u);
}

TEST_CASE("postgres: ids are generated from 1, an explicit id is kept and generation continues after it") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  auto a = created(customers, Customer{0, "a", std::nullopt});
  auto ten = created(customers, Customer{10, "ten", std::nullopt});
  auto b = created(customers, Customer{0, "b", std::nullopt});
  CHECK(a.id == 1);
  CHECK(ten.id == 10);
  CHECK(b.id == 11);
  CHECK(customers.remove_by_id(11));
  CHECK(created(customers, Customer{0, "c", std::nullopt}).id == 12);  // an id is never handed out twice
  Customer duplicate{1, "dup", std::nullopt};
  CHECK_THAT(message_of<tether::constraint_error>([&] { customers.create(duplicate); }),
             Catch::Contains("Customer") && Catch::Contains("id 1") && Catch::Contains("Customer_pkey"));
}

TEST_CASE("postgres: update replaces the row, and a missing row is not_found") {
  tether::datasource db{tether_test::make_connector()};
  seed(db);
  auto orders = db.repository<Order>();
  auto o = *orders.find_by_id(2);
  o.description = "card";
  o.amount = 1.0;
  o.customer = std::nullopt;
  orders.update(o);
  const auto stored = orders.find_by_id(2);
  CHECK(stored->description == "card");
  CHECK_FALSE(stored->customer.key().has_value());
  o.id = 99;
  CHECK_THROWS_AS(orders.update(o), tether::not_found);
  CHECK_FALSE(orders.remove_by_id(99));
  CHECK(orders.remove_by_id(2));
  CHECK(orders.count() == 4u);
}

TEST_CASE("postgres: a bulk create is one statement, all or nothing, and ids are written back only on success") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  const auto alice = created(db.repository<Customer>(), Customer{0, "Alice", std::nullopt});
  auto orders = db.repository<Order>();
  std::vector<Order> batch{order_of("a", 1, alice.id), order_of("b", 2, 7), order_of("c", 3, alice.id)};
  CHECK_THAT(message_of<tether::constraint_error>([&] { orders.create(batch); }),
             Catch::Contains("Order.customer") && Catch::Contains("no Customer has id 7"));
  CHECK(orders.count() == 0u);
  CHECK(batch[0].id == 0);
  CHECK(batch[2].id == 0);

  std::vector<Order> good;
  for (int i = 0; i < 1000; ++i) good.push_back(order_of("o" + std::to_string(i), i, alice.id));
  query_log log;
  log.listen(db);
  orders.create(good);
  CHECK(log.count("Order create") == 1);
  // Ids in row order (the refused batch used up some: a sequence does not roll back).
  CHECK(good.front().id > 0);
  for (std::size_t i = 0; i < good.size(); ++i) CHECK(good[i].id == good.front().id + static_cast<std::int64_t>(i));
  CHECK(orders.count() == 1000u);
  CHECK(orders.find_by_id(good[497].id)->description == "o497");
}

TEST_CASE("postgres: a bulk create beyond the 65535 parameters of one statement is split, still all or nothing") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  const auto alice = created(db.repository<Customer>(), Customer{0, "Alice", std::nullopt});
  auto orders = db.repository<Order>();
  std::vector<Order> many;
  for (int i = 0; i < 40'000; ++i) many.push_back(order_of("o" + std::to_string(i), i, alice.id));
  many.back().customer = 12345;
  query_log log;
  log.listen(db);
  CHECK_THROWS_AS(orders.create(many), tether::constraint_error);
  CHECK(log.count("Order create") == 3);  // 4 parameters a row: 16383 rows a statement
  CHECK(orders.count() == 0u);
  CHECK(many.front().id == 0);
  many.back().customer = alice.id;
  orders.create(many);
  CHECK(orders.count() == 40'000u);
  CHECK(many.back().id - many.front().id == 39'999);
}

// --- filters ---------------------------------------------------------------------------------------------------

TEST_CASE("postgres: every where operator matches as on the memory connector") {
  tether::datasource db{tether_test::make_connector()};
  seed(db);
  using tether::filter;
  CHECK(order_ids(db, filter{}.where("customerId", 1)) == ids{1, 2});
  CHECK(order_ids(db, filter{}.where("description", "ink")) == ids{3});
  CHECK(order_ids(db, filter{}.where("amount", tether::gt(10))) == ids{2, 3, 5});
  CHECK(order_ids(db, filter{}.where("amount", tether::gte(12.5))) == ids{2, 3, 5});
  CHECK(order_ids(db, filter{}.where("amount", tether::lt(10))) == ids{1});
  CHECK(order_ids(db, filter{}.where("amount", tether::lte(10))) == ids{1, 4});
  CHECK(order_ids(db, filter{}.where("amount", tether::neq(10))) == ids{1, 2, 3, 5});
  CHECK(order_ids(db, filter{}.where("amount", tether::inq(std::vector<double>{5, 20}))) == ids{1, 3});
  CHECK(order_ids(db, filter{}.where("amount", tether::nin(std::vector<double>{5, 20}))) == ids{2, 4, 5});
  CHECK(order_ids(db, filter{}.where("amount", tether::between(10, 20))) == ids{2, 3, 4});
  CHECK(order_ids(db, filter{}.where("description", tether::gt("p"))) == ids{1, 2, 4});  // bytes: "Pens" < "p"
  CHECK(order_ids(db, filter{}.where("description", tether::like("p%"))) == ids{1, 2});
  CHECK(order_ids(db, filter{}.where("description", tether::like("P%"))) == ids{5});
  CHECK(order_ids(db, filter{}.where("description", tether::like("_nk"))) == ids{3});
  CHECK(order_ids(db, filter{}.where("description", tether::like("pa_er"))) == ids{2});
  CHECK(order_ids(db, filter{}.where("description", tether::nlike("p%"))) == ids{3, 4, 5});
  CHECK(order_ids(db, filter{}.where(tether::and_(tether::where("customerId", 1),
                                                  tether::where("amount", tether::gt(10))))) == ids{2});
  CHECK(order_ids(db, filter{}.where(tether::or_(tether::where("amount", tether::lt(6)),
                                                 tether::where("customerId", nullptr)))) == ids{1, 4});
  CHECK(order_ids(db, filter{}.where("customerId", 2).where("amount", tether::lt(25))) == ids{3});
}

TEST_CASE("postgres: null matches only eq null, and neq, nin and nlike never match a null key") {
  tether::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.where("customerId", nullptr)) == ids{4});
  CHECK(order_ids(db, tether::filter{}.where("customerId", tether::neq(nullptr))) == ids{1, 2, 3, 5});
  CHECK(order_ids(db, tether::filter{}.where("customerId", tether::neq(1))) == ids{3, 5});
  CHECK(order_ids(db, tether::filter{}.where("customerId", tether::nin(std::vector<std::int64_t>{1}))) == ids{3, 5});
  CHECK(order_ids(db, tether::filter{}.where("customerId", tether::inq(std::vector<std::int64_t>{}))) == ids{});
  CHECK(order_ids(db, tether::filter{}.where("customerId", tether::nin(std::vector<std::int64_t>{}))) ==
        ids{1, 2, 3, 5});
  auto customers = db.repository<Customer>();
  CHECK(ids_of(customers.find(tether::filter{}.where("email", tether::nlike("x%")))) == ids{1});
  CHECK(ids_of(customers.find(tether::filter{}.where("email", tether::neq("x")))) == ids{1});
}

TEST_CASE("postgres: like is case-sensitive, with % and _ as wildcards and backslash as escape, on bytes") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  for (const char* name : {"100%", "1000", "a_b", "axb", "Abc", "abc", "é", "back\\slash", "end\\"})
    (void)created(customers, Customer{0, name, {}});
  auto like = [&](const char* pattern) { return ids_of(customers.find(tether::filter{}.where("name", tether::like(pattern)))); };
  CHECK(like("100\\%") == ids{1});
  CHECK(like("100%") == ids{1, 2});
  CHECK(like("a\\_b") == ids{3});
  CHECK(like("a_b") == ids{3, 4});
  CHECK(like("abc") == ids{6});
  CHECK(like("A%") == ids{5});
  CHECK(like("__") == ids{7});  // bytes, as on the memory connector
  CHECK(like("back\\\\slash") == ids{8});
  CHECK(like("end\\") == ids{9});  // a lone trailing backslash is literal
  CHECK(like("%\\\\%") == ids{8, 9});
}

TEST_CASE("postgres: order, limit, skip and fields") {
  tether::datasource db{tether_test::make_connector()};
  seed(db);
  CHECK(order_ids(db, tether::filter{}.order("amount DESC")) == ids{5, 3, 2, 4, 1});
  CHECK(order_ids(db, tether::filter{}.order("description")) == ids{5, 3, 2, 1, 4});
  CHECK(order_ids(db, tether::filter{}.order("amount ASC").limit(2)) == ids{1, 4});
  CHECK(order_ids(db, tether::filter{}.skip(3)) == ids{4, 5});
  CHECK(order_ids(db, tether::filter{}.order("amount DESC").skip(1).limit(2)) == ids{3, 2});
  CHECK(order_ids(db, tether::filter{}.skip(10)) == ids{});
  // Nulls first ascending, ties by id.
  CHECK(order_ids(db, tether::filter{}.order("customerId")) == ids{4, 1, 2, 3, 5});
  CHECK(order_ids(db, tether::filter{}.order("customerId DESC")) == ids{3, 5, 1, 2, 4});
  const auto rows = db.repository<Order>().find(tether::filter{}.fields({"description"}).where("amount", tether::gt(15)));
  REQUIRE(rows.size() == 2u);
  CHECK(rows[0].id == 3);
  CHECK(rows[0].description == "ink");
  CHECK(rows[0].amount == 0.0);
  CHECK_FALSE(rows[0].customer.key().has_value());
}

TEST_CASE("postgres: times compare and sort as times") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Sample>();
  auto samples = db.repository<Sample>();
  for (std::int64_t us : {3'000'000LL, -5'000'000LL, 1'000'001LL}) {
    Sample s{};
    s.at = at_us(us);
    samples.create(s);
  }
  CHECK(ids_of(samples.find(tether::filter{}.order("at"))) == ids{2, 3, 1});
  CHECK(ids_of(samples.find(tether::filter{}.where("at", tether::gt(at_us(1'000'000))))) == ids{1, 3});
  CHECK(ids_of(samples.find(tether::filter{}.where("at", tether::inq(std::vector<tether::time_point>{at_us(-5'000'000)})))) ==
        ids{2});
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

// --- relations -------------------------------------------------------------------------------------------------

TEST_CASE("postgres: include costs two queries for orders with their customers, the keys one array parameter") {
  tether::datasource db{tether_test::make_connector()};
  seed(db);
  query_log log;
  log.listen(db);
  const auto orders = db.repository<Order>().find(tether::filter::parse(R"({"include": "customer"})"));
  CHECK(log.count("Order find") == 1);
  CHECK(log.count("Customer find") == 1);
  const auto texts = log.take();
  CHECK(texts.size() == 2u);
  for (const auto& t : texts)
    if (t.starts_with("Customer find")) CHECK_THAT(t, Catch::Contains(R"("id" = ANY($1))"));
  REQUIRE(orders.size() == 5u);
  for (const auto& o : orders) {
    CHECK(o.customer.loaded());
    if (o.customer.key()) {
      REQUIRE(o.customer());
      CHECK(o.customer()->id == *o.customer.key());
    }
  }
  CHECK(orders[0].customer()->name == "Alice");
}

TEST_CASE("postgres: include of many keys is still one query") {
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
  CHECK(log.count("Customer find") == 1);
  REQUIRE(found.size() == 5000u);
  CHECK(found[4321].customer()->name == "c4321");
}

TEST_CASE("postgres: belongs_to get() loads through the datasource and refresh loads again") {
  tether::datasource db{tether_test::make_connector()};
  seed(db);
  auto o = *db.repository<Order>().find_by_id(3);
  const auto bob = o.customer.get().get();
  REQUIRE(bob);
  CHECK(bob->name == "Bob");
  CHECK(o.customer() == bob);
  auto renamed = *bob;
  renamed.name = "Robert";
  db.repository<Customer>().update(renamed);
  CHECK(o.customer.get().get()->name == "Bob");
  CHECK(o.customer.get(tether::refresh).get()->name == "Robert");
}

// --- integrity -------------------------------------------------------------------------------------------------

TEST_CASE("postgres: a key matching no target is refused, naming model, relation, key and constraint") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto orders = db.repository<Order>();
  Order dangling = order_of("x", 1, 99);
  const auto message = message_of<tether::constraint_error>([&] { orders.create(dangling); });
  CHECK_THAT(message, Catch::Contains("Order.customer") && Catch::Contains("99") && Catch::Contains("no Customer") &&
                          Catch::Contains("Order_customerId_fkey"));
  CHECK(dangling.id == 0);
  CHECK(orders.count() == 0u);

  const auto alice = created(db.repository<Customer>(), Customer{0, "Alice", std::nullopt});
  auto o = created(orders, order_of("x", 1, alice.id));
  o.customer = 42;
  CHECK_THAT(message_of<tether::constraint_error>([&] { orders.update(o); }), Catch::Contains("42"));
  CHECK(orders.find_by_id(o.id)->customer.key() == alice.id);
}

TEST_CASE("postgres: removing a referenced target is refused under restrict, naming the relation and constraint") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, Customer{0, "Alice", std::nullopt});
  (void)created(db.repository<Order>(), order_of("x", 1, alice.id));
  const auto message = message_of<tether::constraint_error>([&] { customers.remove_by_id(alice.id); });
  CHECK_THAT(message, Catch::Contains("cannot remove Customer id 1") &&
                          Catch::Contains("Order.customerId references it from 1 row (Order id 1)") &&
                          Catch::Contains("Order_customerId_fkey"));
  CHECK(customers.count() == 1u);
}

TEST_CASE("postgres: cascade removes the referencing rows, set_null clears their keys") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Note, Ticket>();
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, Customer{0, "Alice", std::nullopt});
  const auto bob = created(customers, Customer{0, "Bob", std::nullopt});
  for (auto owner : {alice.id, bob.id, alice.id}) {
    Note n{};
    n.text = "n";
    n.customer = owner;
    db.repository<Note>().create(n);
    Ticket t{};
    t.subject = "t";
    t.customer = owner;
    db.repository<Ticket>().create(t);
  }
  CHECK(customers.remove_by_id(alice.id));
  CHECK(ids_of(db.repository<Note>().find()) == ids{2});
  const auto tickets = db.repository<Ticket>().find();
  REQUIRE(tickets.size() == 3u);
  CHECK_FALSE(tickets[0].customer.key().has_value());
  CHECK(tickets[1].customer.key() == bob.id);
  CHECK_FALSE(tickets[2].customer.key().has_value());
}

TEST_CASE("postgres: a restrict below a cascade refuses the whole removal, naming the restricting relation") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Account, Project, Invoice>();
  const auto acme = created(db.repository<Account>(), Account{0, "Acme"});
  Project p{0, "p", {}};
  p.account = acme.id;
  db.repository<Project>().create(p);
  Invoice i{0, "INV-1", {}};
  i.project = p.id;
  db.repository<Invoice>().create(i);
  const auto message = message_of<tether::constraint_error>([&] { db.repository<Account>().remove_by_id(acme.id); });
  CHECK_THAT(message, Catch::Contains("Invoice.projectId") && Catch::Contains("cannot remove Project"));
  CHECK(db.repository<Account>().count() == 1u);
  CHECK(db.repository<Project>().count() == 1u);
}

TEST_CASE("postgres: cascade follows a self-reference") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Employee>();
  auto employees = db.repository<Employee>();
  Employee boss{0, "boss", {}};
  employees.create(boss);
  Employee mid{0, "mid", {}};
  mid.manager = boss.id;
  employees.create(mid);
  Employee low{0, "low", {}};
  low.manager = mid.id;
  employees.create(low);
  Employee other{0, "other", {}};
  employees.create(other);
  CHECK(employees.remove_by_id(boss.id));
  CHECK(ids_of(employees.find()) == ids{other.id});
}

TEST_CASE("postgres: no_constraint accepts dangling keys and lets targets go") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Visit>();
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, Customer{0, "Alice", std::nullopt});
  Visit v{};
  v.page = "/";
  v.customer = 404;
  db.repository<Visit>().create(v);
  Visit w{};
  w.page = "/a";
  w.customer = alice.id;
  db.repository<Visit>().create(w);
  CHECK(customers.remove_by_id(alice.id));
  CHECK(db.repository<Visit>().count() == 2u);
}

TEST_CASE("postgres: a primary_key target property is unique and cannot change while referenced") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Newsletter>();
  auto customers = db.repository<Customer>();
  auto alice = created(customers, Customer{0, "Alice", "alice@example.com"});
  Customer twin{0, "Twin", "alice@example.com"};
  CHECK_THAT(message_of<tether::constraint_error>([&] { customers.create(twin); }),
             Catch::Contains("Customer.email") && Catch::Contains("unique") && Catch::Contains("Customer_email_unique"));
  Newsletter n{};
  n.topic = "news";
  n.subscriber = "alice@example.com";
  db.repository<Newsletter>().create(n);
  Newsletter stray{};
  stray.subscriber = "nobody@example.com";
  CHECK_THAT(message_of<tether::constraint_error>([&] { db.repository<Newsletter>().create(stray); }),
             Catch::Contains("Newsletter.subscriber") && Catch::Contains("nobody@example.com"));
  alice.email = "new@example.com";
  CHECK_THAT(message_of<tether::constraint_error>([&] { customers.update(alice); }),
             Catch::Contains("cannot change Customer.email") && Catch::Contains("Newsletter.subscriberId") &&
                 Catch::Contains("Newsletter_subscriberId_fkey"));
  CHECK(customers.find_by_id(alice.id)->email == "alice@example.com");
}

// --- transactions ----------------------------------------------------------------------------------------------

TEST_CASE("postgres: a transaction that throws leaves nothing behind and one that returns commits") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto customers = db.repository<Customer>();
  CHECK_THROWS_AS(db.transaction([&] {
    (void)created(customers, Customer{0, "Alice", std::nullopt});
    throw std::runtime_error("stop");
  }),
                  std::runtime_error);
  CHECK(customers.count() == 0u);
  db.transaction([&] {
    const auto alice = created(customers, Customer{0, "Alice", std::nullopt});
    Order bad = order_of("bad", 1, 77);
    CHECK_THROWS_AS(db.repository<Order>().create(bad), tether::constraint_error);  // undoes itself only
    (void)created(db.repository<Order>(), order_of("good", 1, alice.id));
  });
  CHECK(customers.count() == 1u);
  CHECK(db.repository<Order>().count() == 1u);
}

TEST_CASE("postgres: nested transactions roll back to their own start") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer>();
  auto customers = db.repository<Customer>();
  db.transaction([&] {
    (void)created(customers, Customer{0, "outer", std::nullopt});
    CHECK_THROWS(db.transaction([&] {
      (void)created(customers, Customer{0, "inner", std::nullopt});
      throw std::runtime_error("inner");
    }));
  });
  const auto rows = customers.find();
  REQUIRE(rows.size() == 1u);
  CHECK(rows[0].name == "outer");
}

TEST_CASE("postgres: a refused write inside a transaction leaves the transaction usable") {
  tether::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto customers = db.repository<Customer>();
  db.transaction([&] {
    const auto alice = created(customers, Customer{0, "Alice", std::nullopt});
    Customer again{alice.id, "again", std::nullopt};
    CHECK_THAT(message_of<tether::constraint_error>([&] { customers.create(again); }),
               Catch::Contains("Customer_pkey"));
    Order dangling = order_of("x", 1, 404);
    CHECK_THAT(message_of<tether::constraint_error>([&] { db.repository<Order>().create(dangling); }),
               Catch::Contains("Order_customerId_fkey"));
    CHECK(customers.count() == 1u);
  });
  CHECK(customers.count() == 1u);
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

TEST_CASE("postgres: loads run on as many workers as the pool has connections") {
  tether::datasource db{tether::postgres{tether_test::fresh_postgres_schema(), tether::postgres_options{6, {}, {}}}};
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
  std::vector<std::future<std::shared_ptr<Customer>>> pending;
  for (const auto& o : orders) pending.push_back(o.customer.get(tether::refresh));
  for (auto& f : pending) CHECK(f.get()->name == "Alice");
  CHECK(started.load() == 6);
}

// --- faults ----------------------------------------------------------------------------------------------------

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
