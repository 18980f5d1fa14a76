// tether::postgres beside hand-written libpq code doing the same work on the same server in the same run:
//   - include of 100,000 orders with their 1,000 customers: tether's find with include, against two prepared
//     binary-format queries (the orders; the customers by `= ANY($1)` of the de-duplicated keys) decoded and
//     linked through an unordered_map;
//   - 10,000 uncached get() issued at once: tether's futures over its pool, against as many threads as the
//     pool has connections, each with a connection of its own and a prepared query, splitting the keys.
// The server is the test fixture's (run through ctest), or the one TETHER_TEST_POSTGRES names.

#include <benchmark/benchmark.h>
#include <libpq-fe.h>
#include <malloc.h>

#include <bit>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <semantic/connectors/postgres.hpp>
#include <tether/postgres.hpp>
#include <tether/tether.hpp>

namespace {

struct Customer {
  BOOST_HANA_DEFINE_STRUCT(Customer, (std::int64_t, id), (std::string, name));
};

struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (std::int64_t, id), (double, amount), (tether::belongs_to<Customer>, customer));
};

struct RawOrder {
  std::int64_t id;
  double amount;
  std::optional<std::int64_t> customer_id;
  std::shared_ptr<Customer> customer;
};

constexpr int customer_count = 1000;
constexpr int order_count = 100000;
constexpr int get_count = 10000;
constexpr std::size_t pool_size = 8;

/// One schema with the rows, shared by every benchmark of the run.
const std::string& database() {
  static const std::string conninfo = [] {
    auto conninfo = tether_test::fresh_postgres_schema();
    tether::datasource db{tether::postgres{conninfo}};
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
    tether_test::postgres_execute(conninfo, "VACUUM ANALYZE");
    return conninfo;
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

  void prepare(const char* name, const char* sql, int count, const Oid* types) {
    check(PQprepare(conn_, name, sql, count, types));
  }
  PGresult* run(const char* name, int count, const char* const* values, const int* lengths, const int* formats) {
    PGresult* r = PQexecPrepared(conn_, name, count, values, lengths, formats, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      PQclear(r);
      throw std::runtime_error(PQerrorMessage(conn_));
    }
    return r;
  }

private:
  void check(PGresult* r) {
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) throw std::runtime_error(PQerrorMessage(conn_));
  }
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

constexpr Oid int8_oid = 20;
constexpr Oid int8_array_oid = 1016;

void include_tether(benchmark::State& state) {
  tether::datasource db{tether::postgres{database()}};
  auto orders = db.repository<Order>();
  const auto with_customers = tether::filter{}.include("customer");
  for (auto _ : state) {
    auto rows = orders.find(with_customers);
    if (rows.size() != order_count || !rows.back().customer()) state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void include_libpq(benchmark::State& state) {
  raw_connection c(database());
  c.prepare("orders", R"(SELECT "id", "amount", "customerId" FROM "Order" ORDER BY "id")", 0, nullptr);
  c.prepare("customers", R"(SELECT "id", "name" FROM "Customer" WHERE "id" = ANY($1))", 1, &int8_array_oid);
  for (auto _ : state) {
    PGresult* r = c.run("orders", 0, nullptr, nullptr, nullptr);
    const int n = PQntuples(r);
    std::vector<RawOrder> rows;
    rows.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      RawOrder o{static_cast<std::int64_t>(big_endian(PQgetvalue(r, i, 0), 8)),
                 std::bit_cast<double>(big_endian(PQgetvalue(r, i, 1), 8)), std::nullopt, nullptr};
      if (!PQgetisnull(r, i, 2)) o.customer_id = static_cast<std::int64_t>(big_endian(PQgetvalue(r, i, 2), 8));
      rows.push_back(std::move(o));
    }
    PQclear(r);
    std::unordered_set<std::int64_t> seen;
    std::vector<std::int64_t> keys;
    for (const auto& row : rows)
      if (row.customer_id && seen.insert(*row.customer_id).second) keys.push_back(*row.customer_id);
    std::string array;
    put_big_endian(array, 1, 4);
    put_big_endian(array, 0, 4);
    put_big_endian(array, int8_oid, 4);
    put_big_endian(array, keys.size(), 4);
    put_big_endian(array, 1, 4);
    for (const auto key : keys) {
      put_big_endian(array, 8, 4);
      put_big_endian(array, static_cast<std::uint64_t>(key), 8);
    }
    const char* values[] = {array.data()};
    const int lengths[] = {static_cast<int>(array.size())};
    const int formats[] = {1};
    PGresult* cr = c.run("customers", 1, values, lengths, formats);
    std::unordered_map<std::int64_t, std::shared_ptr<Customer>> by_id;
    for (int i = 0; i < PQntuples(cr); ++i) {
      const auto id = static_cast<std::int64_t>(big_endian(PQgetvalue(cr, i, 0), 8));
      by_id.emplace(id, std::make_shared<Customer>(Customer{id, std::string(PQgetvalue(cr, i, 1),
                                                                           static_cast<std::size_t>(PQgetlength(cr, i, 1)))}));
    }
    PQclear(cr);
    for (auto& row : rows)
      if (row.customer_id)
        if (const auto found = by_id.find(*row.customer_id); found != by_id.end()) row.customer = found->second;
    if (rows.size() != order_count || !rows.back().customer) state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void get_tether(benchmark::State& state) {
  tether::datasource db{tether::postgres{database(), tether::postgres_options{pool_size, {}, {}}}};
  const auto orders = db.repository<Order>().find(tether::filter{}.limit(get_count));
  std::vector<std::future<std::shared_ptr<Customer>>> pending;
  pending.reserve(orders.size());
  for (auto _ : state) {
    pending.clear();
    for (const auto& o : orders) pending.push_back(o.customer.get(tether::refresh));
    for (auto& f : pending)
      if (!f.get()) state.SkipWithError("no customer");
  }
  state.SetItemsProcessed(state.iterations() * get_count);
}

void get_libpq(benchmark::State& state) {
  std::vector<std::int64_t> keys;
  for (int n = 0; n < get_count; ++n) keys.push_back(1 + n % customer_count);
  std::vector<std::unique_ptr<raw_connection>> connections;
  for (std::size_t t = 0; t < pool_size; ++t) {
    connections.push_back(std::make_unique<raw_connection>(database()));
    connections.back()->prepare("customer", R"(SELECT "id", "name" FROM "Customer" WHERE "id" = $1 LIMIT 1)", 1,
                                &int8_oid);
  }
  for (auto _ : state) {
    std::vector<std::thread> threads;
    std::vector<std::vector<std::shared_ptr<Customer>>> results(pool_size);
    for (std::size_t t = 0; t < pool_size; ++t) {
      threads.emplace_back([&, t] {
        auto& c = *connections[t];
        for (std::size_t k = t; k < keys.size(); k += pool_size) {
          std::string key;
          put_big_endian(key, static_cast<std::uint64_t>(keys[k]), 8);
          const char* values[] = {key.data()};
          const int lengths[] = {8};
          const int formats[] = {1};
          PGresult* r = c.run("customer", 1, values, lengths, formats);
          if (PQntuples(r) == 1)
            results[t].push_back(std::make_shared<Customer>(
                Customer{static_cast<std::int64_t>(big_endian(PQgetvalue(r, 0, 0), 8)),
                         std::string(PQgetvalue(r, 0, 1), static_cast<std::size_t>(PQgetlength(r, 0, 1)))}));
          PQclear(r);
        }
      });
    }
    for (auto& t : threads) t.join();
    std::size_t found = 0;
    for (const auto& r : results) found += r.size();
    if (found != keys.size()) state.SkipWithError("wrong result");
  }
  state.SetItemsProcessed(state.iterations() * get_count);
}

}  // namespace

BENCHMARK(include_tether)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(include_libpq)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(get_tether)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(get_libpq)->Unit(benchmark::kMillisecond)->UseRealTime();

// As in bench_include.cpp: keep freed memory in the process so the 100,000-row vectors do not fault in anew
// each iteration, which makes the ratios repeatable.
int main(int argc, char** argv) {
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
