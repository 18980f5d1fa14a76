// Include of a has_many on the SQLite connector, beside hand-written code on the raw sqlite3 C API, in one
// process, on the same database file (WAL, foreign keys on, the schema tether's automigrate wrote): 1,000
// customers with their 100,000 orders (customer c has the orders c, c + 1000, c + 2000, ...).
//   include:       every customer with all its orders. By hand: the customers by id, then their orders by
//                  `"customerId" IN (...)` lists as long as SQLite allows, each order appended to its
//                  customer's std::vector;
//   include_top3:  every customer with its three largest orders (`{"order": "amount DESC", "limit": 3}`, which
//                  applies per customer, in one query). By hand: the same IN lists around the window-function
//                  query one writes for this, `ROW_NUMBER() OVER (PARTITION BY "customerId" ORDER BY "amount"
//                  DESC, "id")` kept where it is at most 3.
// Statements are prepared once on both sides (tether caches them; the hand-written code keeps them).

#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <tether/sqlite.hpp>
#include <tether/tether.hpp>

#include "has_many_shop.hpp"

namespace {

using namespace has_many_bench;

/// A database file in a directory of its own, removed at exit.
class scratch_file {
public:
  scratch_file() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tether-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    directory_ = pattern;
  }
  ~scratch_file() {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
  [[nodiscard]] std::string path() const { return (directory_ / "shop.db").string(); }

private:
  std::filesystem::path directory_;
};

/// The shared database: tether's schema with 1,000 customers and 100,000 orders (order n -> customer n % 1000).
struct shop {
  scratch_file file;
  tether::datasource<tether::sqlite> db{tether::sqlite{file.path()}};

  shop() {
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
  }

  static shop& instance() {
    static shop s;
    return s;
  }
};

/// The hand-written side's connection to the same file, configured as tether configures its own; it keeps its
/// prepared statements.
class raw_connection {
public:
  explicit raw_connection(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot open " + path);
    sqlite3_busy_timeout(db_, 5000);
    if (sqlite3_exec(db_, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db_));
  }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;
  ~raw_connection() {
    for (auto* s : statements_) sqlite3_finalize(s);
    sqlite3_close_v2(db_);
  }

  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db_));
    statements_.push_back(s);
    return s;
  }
  [[nodiscard]] int parameter_limit() const { return sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1); }

private:
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
};

/// `?,?,...,?`, n of them.
std::string placeholders(int n) {
  std::string list;
  for (int i = 0; i < n; ++i) list += i == 0 ? "?" : ",?";
  return list;
}

/// The hand-written include: the customers, then `orders_in(n)` (a statement over n keys, answering id, amount,
/// customerId) run on the customers' ids in lists as long as SQLite allows, each order appended to its customer.
template <class OrdersIn>
std::vector<RawCustomer> raw_include(raw_connection& c, sqlite3_stmt* all_customers, OrdersIn& orders_in) {
  std::vector<RawCustomer> rows;
  std::unordered_map<std::int64_t, std::size_t> position;
  while (sqlite3_step(all_customers) == SQLITE_ROW) {
    const auto id = sqlite3_column_int64(all_customers, 0);
    const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(all_customers, 1));
    position.emplace(id, rows.size());
    rows.push_back({id, std::string(name, static_cast<std::size_t>(sqlite3_column_bytes(all_customers, 1))), {}});
  }
  sqlite3_reset(all_customers);
  const auto limit = static_cast<std::size_t>(c.parameter_limit());
  for (std::size_t first = 0; first < rows.size(); first += limit) {
    const auto n = static_cast<int>(std::min(rows.size() - first, limit));
    sqlite3_stmt* s = orders_in(n);
    for (int i = 0; i < n; ++i) sqlite3_bind_int64(s, i + 1, rows[first + static_cast<std::size_t>(i)].id);
    while (sqlite3_step(s) == SQLITE_ROW) {
      // The IN list matches no null key.
      const RawOrder o{sqlite3_column_int64(s, 0), sqlite3_column_double(s, 1), sqlite3_column_int64(s, 2)};
      if (const auto found = position.find(*o.customer_id); found != position.end())
        rows[found->second].orders.push_back(o);
    }
    sqlite3_reset(s);
  }
  return rows;
}

/// Prepares `make_sql(n)` once per list length n.
template <class MakeSql>
auto statements_by_list_length(raw_connection& c, MakeSql make_sql) {
  return [&c, make_sql, prepared = std::unordered_map<int, sqlite3_stmt*>{}](int n) mutable {
    auto& s = prepared[n];
    if (s == nullptr) s = c.prepare(make_sql(n));
    return s;
  };
}

// --- include of every order ------------------------------------------------------------------------------------

void include_tether(benchmark::State& state) {
  auto customers = shop::instance().db.repository<Customer>();
  const auto with_orders = tether::filter{}.include("orders");
  for (auto _ : state) {
    auto rows = customers.find(with_orders);
    if (rows.size() != customer_count || rows.back().orders()->size() != order_count / customer_count)
      state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void include_raw_sqlite3(benchmark::State& state) {
  raw_connection c(shop::instance().file.path());
  sqlite3_stmt* all_customers = c.prepare(R"(SELECT "id", "name" FROM "Customer" ORDER BY "id")");
  auto orders_in = statements_by_list_length(c, [](int n) {
    return R"(SELECT "id", "amount", "customerId" FROM "Order" WHERE "customerId" IN ()" + placeholders(n) +
           R"() ORDER BY "id")";
  });
  for (auto _ : state) {
    auto rows = raw_include(c, all_customers, orders_in);
    if (rows.size() != customer_count || rows.back().orders.size() != order_count / customer_count)
      state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

// --- include of each customer's three largest orders ------------------------------------------------------------

void include_top3_tether(benchmark::State& state) {
  auto customers = shop::instance().db.repository<Customer>();
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

void include_top3_raw_sqlite3(benchmark::State& state) {
  raw_connection c(shop::instance().file.path());
  sqlite3_stmt* all_customers = c.prepare(R"(SELECT "id", "name" FROM "Customer" ORDER BY "id")");
  auto largest_orders_in = statements_by_list_length(c, [](int n) {
    return R"(SELECT "id", "amount", "customerId" FROM (SELECT "id", "amount", "customerId", ROW_NUMBER() OVER )"
           R"((PARTITION BY "customerId" ORDER BY "amount" DESC, "id") AS "rank" FROM "Order" )"
           R"(WHERE "customerId" IN ()" +
           placeholders(n) + R"()) WHERE "rank" <= )" + std::to_string(top) + R"( ORDER BY "customerId", "rank")";
  });
  for (auto _ : state) {
    auto rows = raw_include(c, all_customers, largest_orders_in);
    if (rows.size() != customer_count || rows.back().orders.size() != top ||
        rows.back().orders.front().amount != order_count - 1)
      state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

}  // namespace

BENCHMARK(include_tether)->Unit(benchmark::kMillisecond);
BENCHMARK(include_raw_sqlite3)->Unit(benchmark::kMillisecond);
BENCHMARK(include_top3_tether)->Unit(benchmark::kMillisecond);
BENCHMARK(include_top3_raw_sqlite3)->Unit(benchmark::kMillisecond);
