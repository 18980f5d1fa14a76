// tether::postgres beside hand-written libpq code doing the same work on the same server in the same run:
//   - include of 100,000 orders with their 1,000 customers: tether's find with include, against two prepared
//     queries (the orders; the customers by `= ANY($1)` of the de-duplicated keys) decoded and linked through
//     an unordered_map;
//   - 10,000 uncached get() issued at once: tether's futures over its pool, against as many threads as the
//     pool has connections, each with a connection of its own and a prepared query, splitting the keys;
//   - 2,000 uncached get() one by one, each awaited before the next is issued, on one thread: against the same
//     prepared query run key after key on one connection, in the binary format;
//   - bulk create of 100,000 orders in one transaction, each learning its generated id: tether's create,
//     against multi-row INSERT ... RETURNING "id", and against COPY with ids reserved from the sequence first.
// The libpq baselines of include and get come twice, in the protocol's binary format (what tether uses) and in
// its text format, so one run shows which format is faster for these workloads; COPY comes in both formats too.
// The server is the test fixture's (run through ctest), or the one TETHER_TEST_POSTGRES names.

#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <span>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <semantic/connectors/postgres.hpp>
#include <tether/postgres.hpp>
#include <tether/tether.hpp>

#include "belongs_to_shop.hpp"

namespace {

using namespace belongs_to_bench;

constexpr int customer_count = 1000;
constexpr int order_count = 100000;
constexpr int get_count = 10000;
constexpr std::size_t pool_size = 8;

std::vector<Order> new_orders() {
  std::vector<Order> os(order_count);
  for (int n = 0; n < order_count; ++n) {
    os[n].amount = n;
    os[n].customer = 1 + n % customer_count;
  }
  return os;
}

/// A schema of its own holding the customers and, when `with_orders`, the orders.
std::string make_database(bool with_orders) {
  auto conninfo = tether_test::fresh_postgres_schema();
  tether::datasource db{tether::postgres{conninfo}};
  db.automigrate<Customer, Order>();
  std::vector<Customer> cs(customer_count);
  for (int n = 0; n < customer_count; ++n) cs[n].name = "Customer number " + std::to_string(n);
  db.repository<Customer>().create(cs);
  if (with_orders) {
    auto os = new_orders();
    db.repository<Order>().create(os);
  }
  tether_test::postgres_execute(conninfo, "VACUUM ANALYZE");
  return conninfo;
}

/// The schema of the include and get benchmarks, shared by all of them.
const std::string& database() {
  static const std::string conninfo = make_database(true);
  return conninfo;
}

/// The schema of the bulk benchmarks, whose Order table each iteration empties.
const std::string& bulk_database() {
  static const std::string conninfo = make_database(false);
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
  /// Runs a prepared statement; `result_format` 1 is binary, 0 text.
  PGresult* run(const char* name, int count, const char* const* values, const int* lengths, const int* formats,
                int result_format) {
    PGresult* r = PQexecPrepared(conn_, name, count, values, lengths, formats, result_format);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      PQclear(r);
      throw std::runtime_error(PQerrorMessage(conn_));
    }
    return r;
  }
  void exec(const char* sql) { check(PQexec(conn_, sql)); }
  [[nodiscard]] PGconn* handle() const noexcept { return conn_; }

private:
  void check(PGresult* r) {
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
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
constexpr Oid float8_oid = 701;
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

/// The protocol's two formats for parameters and results: the baselines come in both.
enum class wire { binary, text };

std::int64_t read_int8(const PGresult* r, int row, int column, wire format) {
  const char* p = PQgetvalue(r, row, column);
  if (format == wire::binary) return static_cast<std::int64_t>(big_endian(p, 8));
  std::int64_t v = 0;
  std::from_chars(p, p + PQgetlength(r, row, column), v);
  return v;
}

double read_float8(const PGresult* r, int row, int column, wire format) {
  const char* p = PQgetvalue(r, row, column);
  if (format == wire::binary) return std::bit_cast<double>(big_endian(p, 8));
  double v = 0;
  std::from_chars(p, p + PQgetlength(r, row, column), v);
  return v;
}

/// An int8 parameter: 8 bytes big-endian, or its decimal digits.
std::string int8_parameter(std::int64_t v, wire format) {
  if (format == wire::text) return std::to_string(v);
  std::string out;
  put_big_endian(out, static_cast<std::uint64_t>(v), 8);
  return out;
}

/// An int8[] parameter: the array's binary form, or its text form `{1,2,3}`.
std::string int8_array_parameter(const std::vector<std::int64_t>& keys, wire format) {
  std::string out;
  if (format == wire::text) {
    out = "{";
    for (const auto key : keys) {
      if (out.size() > 1) out += ',';
      out += std::to_string(key);
    }
    return out + '}';
  }
  put_big_endian(out, 1, 4);
  put_big_endian(out, 0, 4);
  put_big_endian(out, int8_oid, 4);
  put_big_endian(out, keys.size(), 4);
  put_big_endian(out, 1, 4);
  for (const auto key : keys) {
    put_big_endian(out, 8, 4);
    put_big_endian(out, static_cast<std::uint64_t>(key), 8);
  }
  return out;
}

void include_libpq(benchmark::State& state, wire format) {
  raw_connection c(database());
  c.prepare("orders", R"(SELECT "id", "amount", "customerId" FROM "Order" ORDER BY "id")", 0, nullptr);
  c.prepare("customers", R"(SELECT "id", "name" FROM "Customer" WHERE "id" = ANY($1))", 1, &int8_array_oid);
  const int result_format = format == wire::binary ? 1 : 0;
  for (auto _ : state) {
    PGresult* r = c.run("orders", 0, nullptr, nullptr, nullptr, result_format);
    const int n = PQntuples(r);
    std::vector<RawOrder> rows;
    rows.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      RawOrder o{read_int8(r, i, 0, format), read_float8(r, i, 1, format), std::nullopt, nullptr};
      if (!PQgetisnull(r, i, 2)) o.customer_id = read_int8(r, i, 2, format);
      rows.push_back(std::move(o));
    }
    PQclear(r);
    std::unordered_set<std::int64_t> seen;
    std::vector<std::int64_t> keys;
    for (const auto& row : rows)
      if (row.customer_id && seen.insert(*row.customer_id).second) keys.push_back(*row.customer_id);
    const std::string array = int8_array_parameter(keys, format);
    const char* values[] = {array.data()};
    const int lengths[] = {static_cast<int>(array.size())};
    const int formats[] = {result_format};
    PGresult* cr = c.run("customers", 1, values, lengths, formats, result_format);
    std::unordered_map<std::int64_t, std::shared_ptr<Customer>> by_id;
    for (int i = 0; i < PQntuples(cr); ++i) {
      const auto id = read_int8(cr, i, 0, format);
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

void include_libpq_binary(benchmark::State& state) { include_libpq(state, wire::binary); }
void include_libpq_text(benchmark::State& state) { include_libpq(state, wire::text); }

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

void get_libpq(benchmark::State& state, wire format) {
  std::vector<std::int64_t> keys;
  for (int n = 0; n < get_count; ++n) keys.push_back(1 + n % customer_count);
  std::vector<std::unique_ptr<raw_connection>> connections;
  for (std::size_t t = 0; t < pool_size; ++t) {
    connections.push_back(std::make_unique<raw_connection>(database()));
    connections.back()->prepare("customer", R"(SELECT "id", "name" FROM "Customer" WHERE "id" = $1 LIMIT 1)", 1,
                                &int8_oid);
  }
  const int result_format = format == wire::binary ? 1 : 0;
  for (auto _ : state) {
    std::vector<std::thread> threads;
    std::vector<std::vector<std::shared_ptr<Customer>>> results(pool_size);
    for (std::size_t t = 0; t < pool_size; ++t) {
      threads.emplace_back([&, t] {
        auto& c = *connections[t];
        for (std::size_t k = t; k < keys.size(); k += pool_size) {
          const std::string key = int8_parameter(keys[k], format);
          const char* values[] = {key.data()};
          const int lengths[] = {static_cast<int>(key.size())};
          const int formats[] = {result_format};
          PGresult* r = c.run("customer", 1, values, lengths, formats, result_format);
          if (PQntuples(r) == 1)
            results[t].push_back(std::make_shared<Customer>(
                Customer{read_int8(r, 0, 0, format),
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

void get_libpq_binary(benchmark::State& state) { get_libpq(state, wire::binary); }
void get_libpq_text(benchmark::State& state) { get_libpq(state, wire::text); }

/// Keys of the awaited benchmarks, fewer than the batch's: one by one, each costs a round trip.
constexpr int awaited_count = 2000;

void get_awaited_tether(benchmark::State& state) {
  tether::datasource db{tether::postgres{database()}};
  const auto orders = db.repository<Order>().find(tether::filter{}.limit(awaited_count));
  for (auto _ : state) {
    for (const auto& o : orders)
      if (!o.customer.get(tether::refresh).get()) state.SkipWithError("no customer");
  }
  state.SetItemsProcessed(state.iterations() * awaited_count);
}

void get_awaited_libpq(benchmark::State& state) {
  raw_connection c(database());
  c.prepare("customer", R"(SELECT "id", "name" FROM "Customer" WHERE "id" = $1 LIMIT 1)", 1, &int8_oid);
  std::vector<RawOrder> orders(awaited_count);
  for (int n = 0; n < awaited_count; ++n) orders[n].customer_id = 1 + n % customer_count;
  for (auto _ : state) {
    for (auto& o : orders) {
      const std::string key = int8_parameter(*o.customer_id, wire::binary);
      const char* values[] = {key.data()};
      const int lengths[] = {static_cast<int>(key.size())};
      const int formats[] = {1};
      PGresult* r = c.run("customer", 1, values, lengths, formats, 1);
      if (PQntuples(r) == 1)
        o.customer = std::make_shared<Customer>(
            Customer{read_int8(r, 0, 0, wire::binary),
                     std::string(PQgetvalue(r, 0, 1), static_cast<std::size_t>(PQgetlength(r, 0, 1)))});
      else
        state.SkipWithError("no customer");
      PQclear(r);
    }
  }
  state.SetItemsProcessed(state.iterations() * awaited_count);
}

// --- bulk create -----------------------------------------------------------------------------------------------

std::vector<RawOrder> new_raw_orders() {
  std::vector<RawOrder> os(order_count);
  for (int n = 0; n < order_count; ++n) {
    os[n].amount = n;
    os[n].customer_id = 1 + n % customer_count;
  }
  return os;
}

/// Empties the Order table outside the timing, so every iteration starts alike.
void empty_orders(benchmark::State& state, raw_connection& c) {
  state.PauseTiming();
  c.exec(R"(TRUNCATE "Order")");
  state.ResumeTiming();
}

void bulk_create_tether(benchmark::State& state) {
  tether::datasource db{tether::postgres{bulk_database()}};
  raw_connection cleanup(bulk_database());
  auto orders = db.repository<Order>();
  for (auto _ : state) {
    empty_orders(state, cleanup);
    state.PauseTiming();
    auto batch = new_orders();
    state.ResumeTiming();
    orders.create(batch);
    if (batch.front().id == 0 || batch.back().id == 0) state.SkipWithError("no ids");
    benchmark::DoNotOptimize(batch.back().id);
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

/// BEGIN; INSERT ... VALUES (...), ... RETURNING "id" as many times as the 65535 parameters of a statement need;
/// COMMIT. Binary parameters and results; the ids come back in the VALUES' order.
void bulk_create_libpq_insert(benchmark::State& state) {
  raw_connection c(bulk_database());
  constexpr std::size_t per_statement = 65535 / 2;
  for (auto _ : state) {
    empty_orders(state, c);
    state.PauseTiming();
    auto batch = new_raw_orders();
    state.ResumeTiming();
    c.exec("BEGIN");
    for (std::size_t first = 0; first < batch.size(); first += per_statement) {
      const auto rows = std::span(batch).subspan(first, std::min(per_statement, batch.size() - first));
      std::string sql = R"(INSERT INTO "Order" ("amount", "customerId") VALUES )";
      std::string buffer;
      buffer.reserve(rows.size() * 16);
      std::vector<Oid> types;
      std::vector<int> lengths(rows.size() * 2, 8), formats(rows.size() * 2, 1);
      for (std::size_t r = 0; r < rows.size(); ++r) {
        sql += r == 0 ? "($" : ", ($";
        sql += std::to_string(2 * r + 1) + ", $" + std::to_string(2 * r + 2) + ")";
        put_big_endian(buffer, std::bit_cast<std::uint64_t>(rows[r].amount), 8);
        put_big_endian(buffer, static_cast<std::uint64_t>(*rows[r].customer_id), 8);
        types.push_back(float8_oid);
        types.push_back(int8_oid);
      }
      sql += R"( RETURNING "id")";
      std::vector<const char*> values(rows.size() * 2);
      for (std::size_t v = 0; v < values.size(); ++v) values[v] = buffer.data() + 8 * v;
      PGresult* r = PQexecParams(c.handle(), sql.c_str(), static_cast<int>(values.size()), types.data(), values.data(),
                                 lengths.data(), formats.data(), 1);
      if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != static_cast<int>(rows.size()))
        throw std::runtime_error(PQerrorMessage(c.handle()));
      for (std::size_t i = 0; i < rows.size(); ++i)
        rows[i].id = static_cast<std::int64_t>(big_endian(PQgetvalue(r, static_cast<int>(i), 0), 8));
      PQclear(r);
    }
    c.exec("COMMIT");
    if (batch.front().id == 0 || batch.back().id == 0) state.SkipWithError("no ids");
    benchmark::DoNotOptimize(batch.back().id);
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

/// Sends `data` as the rows of the COPY in progress and ends it.
void copy_rows(raw_connection& c, const std::string& data) {
  constexpr std::size_t piece = 1 << 20;
  for (std::size_t at = 0; at < data.size(); at += piece) {
    if (PQputCopyData(c.handle(), data.data() + at, static_cast<int>(std::min(piece, data.size() - at))) != 1)
      throw std::runtime_error(PQerrorMessage(c.handle()));
  }
  if (PQputCopyEnd(c.handle(), nullptr) != 1) throw std::runtime_error(PQerrorMessage(c.handle()));
  PGresult* r = PQgetResult(c.handle());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  while ((r = PQgetResult(c.handle())) != nullptr) PQclear(r);
  if (!ok) throw std::runtime_error(PQerrorMessage(c.handle()));
}

/// BEGIN; the ids reserved from the id's sequence (`nextval` over generate_series, binary); COPY "Order" FROM
/// STDIN with those ids, in the binary or the text format; COMMIT.
void bulk_create_libpq_copy(benchmark::State& state, wire format) {
  raw_connection c(bulk_database());
  // The sequence named as a constant of the text, so the server resolves it once, not once per row.
  PGresult* found = PQexec(c.handle(), R"(SELECT pg_get_serial_sequence('"Order"', 'id'))");
  if (PQresultStatus(found) != PGRES_TUPLES_OK) throw std::runtime_error(PQerrorMessage(c.handle()));
  char* sequence = PQescapeLiteral(c.handle(), PQgetvalue(found, 0, 0), std::strlen(PQgetvalue(found, 0, 0)));
  PQclear(found);
  const std::string reserve = "SELECT nextval(" + std::string(sequence) + "::regclass) FROM generate_series(1, $1)";
  PQfreemem(sequence);
  c.prepare("reserve", reserve.c_str(), 1, &int8_oid);
  const std::string copy = std::string(R"(COPY "Order" ("id", "amount", "customerId") FROM STDIN)") +
                           (format == wire::binary ? " (FORMAT binary)" : "");
  for (auto _ : state) {
    empty_orders(state, c);
    state.PauseTiming();
    auto batch = new_raw_orders();
    state.ResumeTiming();
    c.exec("BEGIN");
    std::string count;
    put_big_endian(count, batch.size(), 8);
    const char* values[] = {count.data()};
    const int lengths[] = {8};
    const int formats[] = {1};
    PGresult* r = c.run("reserve", 1, values, lengths, formats, 1);
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i].id = static_cast<std::int64_t>(big_endian(PQgetvalue(r, static_cast<int>(i), 0), 8));
    PQclear(r);
    std::string data;
    if (format == wire::binary) {
      data.reserve(19 + batch.size() * 38 + 2);
      data.append("PGCOPY\n\377\r\n\0", 11);
      put_big_endian(data, 0, 4);  // flags
      put_big_endian(data, 0, 4);  // header extension
      for (const auto& o : batch) {
        put_big_endian(data, 3, 2);
        put_big_endian(data, 8, 4);
        put_big_endian(data, static_cast<std::uint64_t>(o.id), 8);
        put_big_endian(data, 8, 4);
        put_big_endian(data, std::bit_cast<std::uint64_t>(o.amount), 8);
        put_big_endian(data, 8, 4);
        put_big_endian(data, static_cast<std::uint64_t>(*o.customer_id), 8);
      }
      put_big_endian(data, 0xffff, 2);
    } else {
      data.reserve(batch.size() * 32);
      char number[32];
      for (const auto& o : batch) {
        data.append(number, std::to_chars(number, number + sizeof number, o.id).ptr);
        data += '\t';
        data.append(number, std::to_chars(number, number + sizeof number, o.amount).ptr);
        data += '\t';
        data.append(number, std::to_chars(number, number + sizeof number, *o.customer_id).ptr);
        data += '\n';
      }
    }
    r = PQexec(c.handle(), copy.c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) throw std::runtime_error(PQerrorMessage(c.handle()));
    PQclear(r);
    copy_rows(c, data);
    c.exec("COMMIT");
    if (batch.front().id == 0 || batch.back().id == 0) state.SkipWithError("no ids");
    benchmark::DoNotOptimize(batch.back().id);
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void bulk_create_libpq_copy_binary(benchmark::State& state) { bulk_create_libpq_copy(state, wire::binary); }
void bulk_create_libpq_copy_text(benchmark::State& state) { bulk_create_libpq_copy(state, wire::text); }

}  // namespace

BENCHMARK(include_tether)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(include_libpq_binary)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(include_libpq_text)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(get_tether)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(get_libpq_binary)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(get_libpq_text)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(get_awaited_tether)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(get_awaited_libpq)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bulk_create_tether)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bulk_create_libpq_insert)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bulk_create_libpq_copy_binary)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bulk_create_libpq_copy_text)->Unit(benchmark::kMillisecond)->UseRealTime();
