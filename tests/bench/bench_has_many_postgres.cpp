// Include of a has_many on tether::postgres, beside hand-written libpq code doing the same work on the same server
// in the same run: 1,000 customers with their 100,000 orders (customer c has the orders c, c + 1000, ...).
//   include:       every customer with all its orders. By hand: two prepared queries, the customers by id, then
//                  their orders by `"customerId" = ANY($1)` of the customers' ids, each order appended to its
//                  customer's std::vector;
//   include_top3:  every customer with its three largest orders (`{"order": "amount DESC", "limit": 3}`, which
//                  applies per customer, in one query). By hand: the window-function query one writes for this,
//                  `ROW_NUMBER() OVER (PARTITION BY "customerId" ORDER BY "amount" DESC, "id")` kept where it is
//                  at most 3, over the same array of ids.
// Both sides use the protocol's binary format (bench_postgres.cpp compares it with the text format). The time
// that counts is the wall time; the CPU time is the whole process's, so tether's pool threads count with it and
// the client's share of the work can be told from the server's. The server is the test fixture's (run through
// ctest), or the one TETHER_TEST_POSTGRES names.

#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <bit>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <semantic/connectors/postgres.hpp>
#include <tether/postgres.hpp>
#include <tether/tether.hpp>

#include "has_many_shop.hpp"

namespace {

using namespace has_many_bench;

/// A schema of its own holding 1,000 customers and 100,000 orders, order n belonging to customer 1 + n % 1000.
const std::string& database() {
  static const std::string conninfo = [] {
    auto made = tether_test::fresh_postgres_schema();
    tether::datasource db{tether::postgres{made}};
    db.automigrate<Customer, Order>();
    std::vector<Customer> cs(customer_count);
    for (int n = 0; n < customer_count; ++n) cs[n].name = "Customer number " + std::to_string(n);
    db.repository<Customer>().create(cs);
    std::vector<Order> os(order_count);
    for (int n = 0; n < order_count; ++n) {
      os[n].amount = n;
      os[n].customer = 1 + n % customer_count;
    }
    db.repository<Order>().create(os);
    tether_test::postgres_execute(made, "VACUUM ANALYZE");
    return made;
  }();
  return conninfo;
}

// --- hand-written libpq --------------------------------------------------------------------------------------

class raw_connection {
public:
  explicit raw_connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_));
  }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;
  ~raw_connection() { PQfinish(conn_); }

  void prepare(const char* name, const std::string& sql, int count, const Oid* types) {
    PGresult* r = PQprepare(conn_, name, sql.c_str(), count, types);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) throw std::runtime_error(PQerrorMessage(conn_));
  }
  /// Runs a prepared statement with binary parameters and results.
  PGresult* run(const char* name, int count, const char* const* values, const int* lengths) {
    const std::vector<int> formats(static_cast<std::size_t>(count), 1);
    PGresult* r = PQexecPrepared(conn_, name, count, values, lengths, formats.data(), 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      PQclear(r);
      throw std::runtime_error(PQerrorMessage(conn_));
    }
    return r;
  }

private:
  PGconn* conn_;
};

std::uint64_t big_endian(const char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void put_big_endian(std::string& out, std::uint64_t v, int n) {
  for (int shift = (n - 1) * 8; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

std::int64_t read_int8(const PGresult* r, int row, int column) {
  return static_cast<std::int64_t>(big_endian(PQgetvalue(r, row, column), 8));
}

double read_float8(const PGresult* r, int row, int column) {
  return std::bit_cast<double>(big_endian(PQgetvalue(r, row, column), 8));
}

constexpr Oid int8_oid = 20;
constexpr Oid int8_array_oid = 1016;

/// An int8[] parameter in the array's binary form.
std::string int8_array_parameter(const std::vector<RawCustomer>& customers) {
  std::string out;
  put_big_endian(out, 1, 4);  // dimensions
  put_big_endian(out, 0, 4);  // no nulls
  put_big_endian(out, int8_oid, 4);
  put_big_endian(out, customers.size(), 4);
  put_big_endian(out, 1, 4);  // lower bound
  for (const auto& c : customers) {
    put_big_endian(out, 8, 4);
    put_big_endian(out, static_cast<std::uint64_t>(c.id), 8);
  }
  return out;
}

/// Prepares on `c` the statements "customers" (every customer by id) and "orders" (`orders_sql`: id, amount,
/// customerId of the orders whose customerId is in the array $1).
void prepare_include(raw_connection& c, const std::string& orders_sql) {
  c.prepare("customers", R"(SELECT "id", "name" FROM "Customer" ORDER BY "id")", 0, nullptr);
  c.prepare("orders", orders_sql, 1, &int8_array_oid);
}

/// The hand-written include: the customers, then their orders in one query over the array of their ids, each
/// order appended to its customer.
std::vector<RawCustomer> raw_include(raw_connection& c) {
  PGresult* r = c.run("customers", 0, nullptr, nullptr);
  const int customers = PQntuples(r);
  std::vector<RawCustomer> rows;
  rows.reserve(static_cast<std::size_t>(customers));
  std::unordered_map<std::int64_t, std::size_t> position;
  position.reserve(static_cast<std::size_t>(customers));
  for (int i = 0; i < customers; ++i) {
    const auto id = read_int8(r, i, 0);
    position.emplace(id, rows.size());
    rows.push_back({id, std::string(PQgetvalue(r, i, 1), static_cast<std::size_t>(PQgetlength(r, i, 1))), {}});
  }
  PQclear(r);
  const std::string ids = int8_array_parameter(rows);
  const char* values[] = {ids.data()};
  const int lengths[] = {static_cast<int>(ids.size())};
  r = c.run("orders", 1, values, lengths);
  for (int i = 0, n = PQntuples(r); i < n; ++i) {
    // `= ANY` matches no null key.
    const RawOrder o{read_int8(r, i, 0), read_float8(r, i, 1), read_int8(r, i, 2)};
    if (const auto found = position.find(*o.customer_id); found != position.end())
      rows[found->second].orders.push_back(o);
  }
  PQclear(r);
  return rows;
}

// --- include of every order ------------------------------------------------------------------------------------

void include_tether(benchmark::State& state) {
  tether::datasource db{tether::postgres{database()}};
  auto customers = db.repository<Customer>();
  const auto with_orders = tether::filter{}.include("orders");
  for (auto _ : state) {
    auto rows = customers.find(with_orders);
    if (rows.size() != customer_count || rows.back().orders()->size() != order_count / customer_count)
      state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void include_libpq(benchmark::State& state) {
  raw_connection c(database());
  prepare_include(c,
                  R"(SELECT "id", "amount", "customerId" FROM "Order" WHERE "customerId" = ANY($1) ORDER BY "id")");
  for (auto _ : state) {
    auto rows = raw_include(c);
    if (rows.size() != customer_count || rows.back().orders.size() != order_count / customer_count)
      state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

// --- include of each customer's three largest orders ------------------------------------------------------------

void include_top3_tether(benchmark::State& state) {
  tether::datasource db{tether::postgres{database()}};
  auto customers = db.repository<Customer>();
  const auto with_largest_orders = tether::filter{}.include("orders", tether::filter{}.order("amount DESC").limit(top));
  for (auto _ : state) {
    auto rows = customers.find(with_largest_orders);
    if (rows.size() != customer_count || rows.back().orders()->size() != top ||
        rows.back().orders()->front().amount != order_count - 1)
      state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void include_top3_libpq(benchmark::State& state) {
  raw_connection c(database());
  prepare_include(
      c, R"(SELECT "id", "amount", "customerId" FROM (SELECT "id", "amount", "customerId", ROW_NUMBER() OVER )"
      R"((PARTITION BY "customerId" ORDER BY "amount" DESC, "id") AS "rank" FROM "Order" WHERE "customerId" = ANY($1)))"
      R"( AS "ranked" WHERE "rank" <= )" + std::to_string(top) + R"( ORDER BY "customerId", "rank")");
  for (auto _ : state) {
    auto rows = raw_include(c);
    if (rows.size() != customer_count || rows.back().orders.size() != top ||
        rows.back().orders.front().amount != order_count - 1)
      state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

}  // namespace

BENCHMARK(include_tether)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(include_libpq)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(include_top3_tether)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(include_top3_libpq)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
