// The SQLite connector beside hand-written code on the raw sqlite3 C API, in one process, on the same database
// file (WAL, foreign keys on, the schema tether's automigrate wrote), doing the same work:
//   include:   100,000 orders with their 1,000 customers: the orders by id, their distinct customer keys in
//              IN (...) lists as long as SQLite allows, each order linked to a shared customer object;
//   get:       10,000 lookups of customers not cached yet, each answered as a shared customer object;
//   bulk:      100,000 orders created in one transaction, each learning its generated id;
//   threading: the same 10,000 lookups from two threads, which tells the two threading models apart: one
//              connection the threads take turns on (tether's), against a connection for each thread.
// Statements are prepared once on both sides (tether caches them; the hand-written code keeps them).

#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <tether/sqlite.hpp>
#include <tether/tether.hpp>

#include "belongs_to_shop.hpp"

namespace {

using namespace belongs_to_bench;

constexpr int customer_count = 1000;
constexpr int order_count = 100000;
constexpr int lookup_count = 10000;

std::string name_of(int n) { return "Customer number " + std::to_string(n); }

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
    for (int n = 0; n < customer_count; ++n) cs[n].name = name_of(n);
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

/// The hand-written side's connection to the same file, configured as tether configures its own.
class raw_connection {
public:
  explicit raw_connection(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot open " + path);
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA foreign_keys = ON");
  }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;
  ~raw_connection() { sqlite3_close_v2(db_); }

  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
  }
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db_));
    return s;
  }
  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }

private:
  sqlite3* db_ = nullptr;
};

Customer read_customer(sqlite3_stmt* s) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
  return Customer{sqlite3_column_int64(s, 0), std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, 1)))};
}

// --- include ---------------------------------------------------------------------------------------------------

void include_tether(benchmark::State& state) {
  auto orders = shop::instance().db.repository<Order>();
  const auto with_customers = tether::filter{}.include("customer");
  for (auto _ : state) {
    auto rows = orders.find(with_customers);
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void include_raw_sqlite3(benchmark::State& state) {
  raw_connection c(shop::instance().file.path());
  const int limit = sqlite3_limit(c.handle(), SQLITE_LIMIT_VARIABLE_NUMBER, -1);
  sqlite3_stmt* all_orders = c.prepare(R"(SELECT "id", "amount", "customerId" FROM "Order" ORDER BY "id")");
  std::unordered_map<int, sqlite3_stmt*> customers_by_list_length;
  auto customers_in = [&](int n) {
    auto& s = customers_by_list_length[n];
    if (s == nullptr) {
      std::string sql = R"(SELECT "id", "name" FROM "Customer" WHERE "id" IN ()";
      for (int i = 0; i < n; ++i) sql += i == 0 ? "?" : ",?";
      s = c.prepare(sql + ")");
    }
    return s;
  };
  for (auto _ : state) {
    std::vector<RawOrder> rows;
    while (sqlite3_step(all_orders) == SQLITE_ROW) {
      RawOrder& o = rows.emplace_back();
      o.id = sqlite3_column_int64(all_orders, 0);
      o.amount = sqlite3_column_double(all_orders, 1);
      if (sqlite3_column_type(all_orders, 2) != SQLITE_NULL) o.customer_id = sqlite3_column_int64(all_orders, 2);
    }
    sqlite3_reset(all_orders);
    std::unordered_set<std::int64_t> seen;
    std::vector<std::int64_t> keys;
    for (const auto& o : rows)
      if (o.customer_id && seen.insert(*o.customer_id).second) keys.push_back(*o.customer_id);
    std::unordered_map<std::int64_t, std::shared_ptr<Customer>> by_id;
    for (std::size_t first = 0; first < keys.size(); first += static_cast<std::size_t>(limit)) {
      const int n = static_cast<int>(std::min(keys.size() - first, static_cast<std::size_t>(limit)));
      sqlite3_stmt* s = customers_in(n);
      for (int i = 0; i < n; ++i) sqlite3_bind_int64(s, i + 1, keys[first + static_cast<std::size_t>(i)]);
      while (sqlite3_step(s) == SQLITE_ROW) {
        auto customer = std::make_shared<Customer>(read_customer(s));
        const auto id = customer->id;
        by_id.emplace(id, std::move(customer));
      }
      sqlite3_reset(s);
    }
    for (auto& o : rows)
      if (o.customer_id)
        if (const auto found = by_id.find(*o.customer_id); found != by_id.end()) o.customer = found->second;
    benchmark::DoNotOptimize(rows.data());
  }
  sqlite3_finalize(all_orders);
  for (auto& [n, s] : customers_by_list_length) sqlite3_finalize(s);
  state.SetItemsProcessed(state.iterations() * order_count);
}

// --- get -------------------------------------------------------------------------------------------------------

/// 10,000 orders as a find returns them (keys set, nothing cached), made outside the timing.
std::vector<Order> uncached_orders() {
  auto orders = shop::instance().db.repository<Order>().find(tether::filter{}.limit(lookup_count));
  return orders;
}

void get_tether(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    auto orders = uncached_orders();
    state.ResumeTiming();
    for (auto& o : orders) benchmark::DoNotOptimize(o.customer.get().get());
  }
  state.SetItemsProcessed(state.iterations() * lookup_count);
}

/// The hand-written lookup of one customer by a prepared `SELECT ... WHERE id = ?`.
std::shared_ptr<Customer> raw_lookup(sqlite3_stmt* by_id, std::int64_t id) {
  sqlite3_bind_int64(by_id, 1, id);
  std::shared_ptr<Customer> found;
  if (sqlite3_step(by_id) == SQLITE_ROW) found = std::make_shared<Customer>(read_customer(by_id));
  sqlite3_reset(by_id);
  return found;
}

/// Fills each order's customer with `fetch(statement, key)`, on a connection of its own.
template <class Fetch>
void get_raw(benchmark::State& state, Fetch fetch) {
  raw_connection c(shop::instance().file.path());
  sqlite3_stmt* by_id = c.prepare(R"(SELECT "id", "name" FROM "Customer" WHERE "id" = ? LIMIT 1)");
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<RawOrder> orders(lookup_count);
    for (int n = 0; n < lookup_count; ++n) orders[n].customer_id = 1 + n % customer_count;
    state.ResumeTiming();
    for (auto& o : orders) {
      o.customer = fetch(by_id, *o.customer_id);
      benchmark::DoNotOptimize(o.customer);
    }
  }
  sqlite3_finalize(by_id);
  state.SetItemsProcessed(state.iterations() * lookup_count);
}

void get_raw_sqlite3(benchmark::State& state) { get_raw(state, raw_lookup); }

/// The same hand-written lookup, each answer handed over through a std::promise and its std::future, as the
/// API's `get()` must: what the contract costs on its own, to tell it from tether's overhead.
void get_raw_sqlite3_through_future(benchmark::State& state) {
  get_raw(state, [](sqlite3_stmt* by_id, std::int64_t id) {
    std::promise<std::shared_ptr<Customer>> answer;
    auto future = answer.get_future();
    answer.set_value(raw_lookup(by_id, id));
    return future.get();
  });
}

// --- bulk create -----------------------------------------------------------------------------------------------

std::vector<Order> new_orders() {
  std::vector<Order> os(order_count);
  for (int n = 0; n < order_count; ++n) {
    os[n].amount = n;
    os[n].customer = 1 + n % customer_count;
  }
  return os;
}

/// Removes the orders a bulk iteration added, outside the timing, so every iteration starts alike.
void remove_added_orders(sqlite3* db) {
  const std::string sql = R"(DELETE FROM "Order" WHERE "id" > )" + std::to_string(order_count);
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
}

void bulk_create_tether(benchmark::State& state) {
  auto orders = shop::instance().db.repository<Order>();
  raw_connection cleanup(shop::instance().file.path());
  for (auto _ : state) {
    state.PauseTiming();
    auto batch = new_orders();
    state.ResumeTiming();
    orders.create(batch);
    benchmark::DoNotOptimize(batch.back().id);
    state.PauseTiming();
    remove_added_orders(cleanup.handle());
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * order_count);
}

void bulk_create_raw_sqlite3(benchmark::State& state) {
  raw_connection c(shop::instance().file.path());
  sqlite3_stmt* insert = c.prepare(R"(INSERT INTO "Order" ("id", "amount", "customerId") VALUES (?, ?, ?))");
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<RawOrder> batch(order_count);
    for (int n = 0; n < order_count; ++n) {
      batch[n].amount = n;
      batch[n].customer_id = 1 + n % customer_count;
    }
    state.ResumeTiming();
    c.exec("BEGIN IMMEDIATE");
    for (auto& o : batch) {
      sqlite3_bind_null(insert, 1);
      sqlite3_bind_double(insert, 2, o.amount);
      sqlite3_bind_int64(insert, 3, *o.customer_id);
      if (sqlite3_step(insert) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(c.handle()));
      sqlite3_reset(insert);
      o.id = sqlite3_last_insert_rowid(c.handle());
    }
    c.exec("COMMIT");
    benchmark::DoNotOptimize(batch.back().id);
    state.PauseTiming();
    remove_added_orders(c.handle());
    state.ResumeTiming();
  }
  sqlite3_finalize(insert);
  state.SetItemsProcessed(state.iterations() * order_count);
}

// --- threading model -------------------------------------------------------------------------------------------

constexpr int thread_count = 2;

/// Runs `work(n)` on thread_count threads at once, n = 0..thread_count-1, and waits for them.
template <class Work>
void on_threads(Work work) {
  std::vector<std::thread> threads;
  for (int n = 0; n < thread_count; ++n) threads.emplace_back(work, n);
  for (auto& t : threads) t.join();
}

void threads_get_tether(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    auto orders = uncached_orders();
    state.ResumeTiming();
    on_threads([&](int n) {
      for (int k = n; k < lookup_count; k += thread_count) benchmark::DoNotOptimize(orders[k].customer.get().get());
    });
  }
  state.SetItemsProcessed(state.iterations() * lookup_count);
}

/// One connection, one prepared statement, the threads taking turns (tether's model, by hand).
void threads_one_connection_raw_sqlite3(benchmark::State& state) {
  raw_connection c(shop::instance().file.path());
  sqlite3_stmt* by_id = c.prepare(R"(SELECT "id", "name" FROM "Customer" WHERE "id" = ? LIMIT 1)");
  std::mutex turn;
  for (auto _ : state) {
    on_threads([&](int n) {
      for (int k = n; k < lookup_count; k += thread_count) {
        std::shared_ptr<Customer> customer;
        {
          std::lock_guard lock(turn);
          sqlite3_bind_int64(by_id, 1, 1 + k % customer_count);
          if (sqlite3_step(by_id) == SQLITE_ROW) customer = std::make_shared<Customer>(read_customer(by_id));
          sqlite3_reset(by_id);
        }
        benchmark::DoNotOptimize(customer);
      }
    });
  }
  sqlite3_finalize(by_id);
  state.SetItemsProcessed(state.iterations() * lookup_count);
}

/// A connection and a prepared statement for each thread, reading in parallel (WAL allows it).
void threads_connection_each_raw_sqlite3(benchmark::State& state) {
  std::vector<std::unique_ptr<raw_connection>> connections;
  std::vector<sqlite3_stmt*> statements;
  for (int n = 0; n < thread_count; ++n) {
    connections.push_back(std::make_unique<raw_connection>(shop::instance().file.path()));
    statements.push_back(connections.back()->prepare(R"(SELECT "id", "name" FROM "Customer" WHERE "id" = ? LIMIT 1)"));
  }
  for (auto _ : state) {
    on_threads([&](int n) {
      sqlite3_stmt* by_id = statements[static_cast<std::size_t>(n)];
      for (int k = n; k < lookup_count; k += thread_count) {
        std::shared_ptr<Customer> customer;
        sqlite3_bind_int64(by_id, 1, 1 + k % customer_count);
        if (sqlite3_step(by_id) == SQLITE_ROW) customer = std::make_shared<Customer>(read_customer(by_id));
        sqlite3_reset(by_id);
        benchmark::DoNotOptimize(customer);
      }
    });
  }
  for (auto* s : statements) sqlite3_finalize(s);
  state.SetItemsProcessed(state.iterations() * lookup_count);
}

}  // namespace

BENCHMARK(include_tether)->Unit(benchmark::kMillisecond);
BENCHMARK(include_raw_sqlite3)->Unit(benchmark::kMillisecond);
BENCHMARK(get_tether)->Unit(benchmark::kMillisecond);
BENCHMARK(get_raw_sqlite3)->Unit(benchmark::kMillisecond);
BENCHMARK(get_raw_sqlite3_through_future)->Unit(benchmark::kMillisecond);
BENCHMARK(bulk_create_tether)->Unit(benchmark::kMillisecond);
BENCHMARK(bulk_create_raw_sqlite3)->Unit(benchmark::kMillisecond);
BENCHMARK(threads_get_tether)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(threads_one_connection_raw_sqlite3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(threads_connection_each_raw_sqlite3)->Unit(benchmark::kMillisecond)->UseRealTime();
