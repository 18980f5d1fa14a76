#ifndef TETHER_SQLITE_HPP
#define TETHER_SQLITE_HPP

/// @file
/// `tether::sqlite`, the SQLite connector: `tether::sqlite{"shop.db"}` or `tether::sqlite{":memory:"}`.
///
/// Threading: one connection, serialised behind a recursive mutex; a transaction holds it from begin to commit
/// or rollback, so other threads wait for it. A relation load (`get()`) runs on the caller's thread when the
/// connection is free, since an indexed read costs microseconds, less than handing it to a worker; when another
/// thread holds the connection the load goes to the datasource's worker pool, so `get()` never waits for other
/// threads' work. (A connection per thread was measured and not kept: in bench_sqlite's threading benchmarks,
/// 10,000 lookups from two threads on two cores, hand-written code taking turns on one connection and with a
/// connection each stayed within each other's spread across runs (23.7-30.3 ms against 22.4-27.8 ms), and
/// tether with a reader connection per thread took 41.7 ms against 29.5 ms with the one connection. SQLite
/// serialises writers anyway, and each connection pays for its own page cache and statements.)
///
/// Values are bound from and read into the rows directly, through the model's table of properties
/// (model_info.hpp; detail/sqlite/values.hpp gives the stored forms), so nothing here depends on a model's C++
/// type and the connector is compiled once, whatever the number of models. A model's fixed SQL (its writes, the
/// lookup by each property) is built on its first use and kept; statements are prepared once per model and
/// shape; every write runs in a transaction (a savepoint inside the caller's); foreign keys are SQLite's own,
/// with their failures explained in the model's terms.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/sqlite/connection.hpp>
#include <tether/detail/sqlite/integrity.hpp>
#include <tether/detail/sql/columns.hpp>
#include <tether/detail/sql/schema.hpp>
#include <tether/detail/sql/select.hpp>
#include <tether/detail/sql/statement_text.hpp>
#include <tether/detail/sql/write.hpp>
#include <tether/detail/sqlite/dialect.hpp>
#include <tether/detail/sqlite/model_sql.hpp>
#include <tether/detail/sqlite/statement_cache.hpp>
#include <tether/detail/sqlite/values.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether {

/// @brief How the SQLite connector opens its database.
struct sqlite_options {
  /// How long a write waits for another connection's lock before it is a connection_error.
  std::chrono::milliseconds busy_timeout{5000};
};

/// @brief The SQLite connector. Movable; copies are not offered (a connection has one owner).
class sqlite {
public:
  /// @brief Relation loads run on the caller's thread while the connection is free (a read takes microseconds,
  /// less than a hand-over to a worker), and on a worker while another thread holds it.
  static constexpr bool loads_inline_when_idle = true;
  /// @brief Pages each partition of a query itself, with a window function (detail/sql/select.hpp).
  static constexpr bool pages_per_partition = true;

  /// @brief Opens (creating it if missing) the database in `file`, or an in-memory one for ":memory:".
  /// Throws connection_error naming the file when it cannot be opened or is no SQLite database.
  explicit sqlite(std::string file, sqlite_options options = {})
      : state_(std::make_unique<state>(std::move(file), options)) {}
  explicit sqlite(const char* file, sqlite_options options = {}) : sqlite(std::string(file), options) {}

  /// @brief The most values one statement binds, as this SQLite build allows
  /// (`sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1)`: 32766 by default since 3.32, 999 before).
  [[nodiscard]] std::size_t parameter_limit() const noexcept {
    return static_cast<std::size_t>(sqlite3_limit(state_->connection.handle(), SQLITE_LIMIT_VARIABLE_NUMBER, -1));
  }

  /// @brief The database file as given.
  [[nodiscard]] const std::string& file() const noexcept { return state_->connection.file(); }

  void ensure_table(const model_info& m, const query_observer& log) {
    std::lock_guard lock(state_->mutex);
    state_->cache.clear();
    const detail::sql::dialect& d = state_->dialect;
    write([&] {
      const std::string table(m.name());
      for (const auto& index : detail::sql::target_indexes(d, m)) {
        if (index.table != table && !detail::sqlite::table_exists(state_->connection, index.table)) continue;
        try {
          migrate(m, log, index.sql);
        } catch (const detail::sqlite::constraint_violation& e) {
          detail::constraint_failure refused(detail::constraint_kind::duplicates_held, table);
          refused.target_model = index.table;
          refused.reason = e.what();
          detail::throw_constraint_failure(refused);
        }
      }
      if (!detail::sqlite::table_exists(state_->connection, table)) {
        migrate(m, log, detail::sql::create_table(d, m));
      } else {
        const auto existing = columns_of(table);
        for (std::size_t i = 0; i < m.properties().size(); ++i)
          if (!existing.contains(std::string(m.property(i).name)))
            migrate(m, log, detail::sql::add_column(d, m, i));
      }
      for (const auto& index : detail::sql::key_indexes(d, m)) migrate(m, log, index);
    });
  }

  void drop_table(const model_info& m, const query_observer& log) {
    std::lock_guard lock(state_->mutex);
    state_->cache.clear();
    write([&] {
      const std::string table(m.name());
      detail::sqlite::check_drop(state_->connection, table);
      migrate(m, log, "DROP TABLE IF EXISTS " + detail::quote_identifier(table));
    });
  }

  void insert(const model_info& m, row_span rows, const query_observer& log) {
    std::lock_guard lock(state_->mutex);
    model_state& model = model_of(m);
    const std::string& sql = model.sql.insert();
    log(m.name(), "create", [&] { return sql; });
    const std::size_t count = m.properties().size();
    const std::size_t id = m.id_index();
    std::vector<std::optional<std::int64_t>> generated(rows.size());
    write([&] {
      auto& statement = state_->cache.get(sql, model.insert);
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const void* row = rows[r];
        detail::sqlite::run run(statement);
        const bool generate = detail::sql::id_is_generated(m, row);
        for (std::size_t i = 0; i < count; ++i) {
          if (i == id && generate) run->bind_null(static_cast<int>(i) + 1);
          else detail::sqlite::bind_member(*run, static_cast<int>(i) + 1, m.property(i), m.member(row, i));
        }
        try {
          run->step();
        } catch (const detail::sqlite::constraint_violation& e) {
          detail::sqlite::explain_write(state_->connection, m, row, e, "create");
        }
        if (generate) generated[r] = sqlite3_last_insert_rowid(state_->connection.handle());
      }
    });
    // Only now that the whole insert is committed (or part of the caller's transaction) do the rows learn ids.
    for (std::size_t r = 0; r < rows.size(); ++r)
      if (generated[r]) m.set(rows[r], id, *generated[r]);
  }

  void select(const model_info& m, const query& q, row_sink& out, const query_observer& log) {
    const bool all = q.fields.empty();
    const auto columns = all ? std::vector<std::size_t>{} : detail::selected_properties(m, q);
    const bool lookup = detail::sql::is_lookup(m, q);
    detail::sql::statement_text sql;
    if (!lookup) sql = detail::sql::select(state_->dialect, m, q, all ? detail::selected_properties(m, q) : columns);
    const auto lock = lock_for_read();
    model_state& model = model_of(m);
    const std::string* text = &sql.text;
    bool paged = q.limit || q.skip > 0;
    detail::sqlite::statement_slot* slot = nullptr;
    if (lookup) {
      const auto statement = model.sql.lookup(q.where->property, q.limit.has_value());
      text = &statement.text;
      paged = statement.paged;
      slot = &model.lookups[statement.index];
    }
    log(m.name(), "find", [&] { return *text; });
    detail::sqlite::run run(prepare(m, *text, slot));
    int index = 1;
    if (lookup) detail::sqlite::bind_operand(*run, index++, q.where->values[0]);  // a lookup's one value
    else index = bind_operands(*run, sql);
    if (paged) {
      run->bind_int(index++, q.limit ? detail::sql::bound_count(*q.limit) : -1);
      run->bind_int(index, detail::sql::bound_count(q.skip));
    }
    const auto selected = all ? std::vector<detail::sqlite::row_reader>{} : detail::sqlite::make_readers(m, columns);
    const std::span<const detail::sqlite::row_reader> readers = all ? model.readers : selected;
    while (run->step()) detail::sqlite::read_row(*run, readers, out.append());
  }

  /// A relation's load: the lookup statement built once per model and property, stepped once (by the id at
  /// most one row matches; by another property the text orders by id and stops at one), read into the shared
  /// object the relation hands out.
  std::shared_ptr<void> lookup(const model_info& m, std::size_t property, const value& key,
                               const query_observer& log) {
    const auto lock = lock_for_read();
    model_state& model = model_of(m);
    const auto statement = model.sql.lookup(property, true);
    log(m.name(), "find", [&] { return statement.text; });
    detail::sqlite::run run(prepare(m, statement.text, &model.lookups[statement.index]));
    detail::sqlite::bind_operand(*run, 1, key);
    if (statement.paged) {
      run->bind_int(2, 1);
      run->bind_int(3, 0);
    }
    if (!run->step()) return nullptr;
    auto row = m.row().make_shared();
    detail::sqlite::read_row(*run, model.readers, row.get());
    return row;
  }

  bool update(const model_info& m, const void* row, const query_observer& log) {
    std::lock_guard lock(state_->mutex);
    model_state& model = model_of(m);
    const std::string& sql = model.sql.update();
    log(m.name(), "update", [&] { return sql; });
    bool changed = false;
    write([&] {
      detail::sqlite::run run(state_->cache.get(sql, model.update));
      int index = 1;
      const std::size_t id = m.id_index();
      for (std::size_t i = 0; i < m.properties().size(); ++i)
        if (i != id) detail::sqlite::bind_member(*run, index++, m.property(i), m.member(row, i));
      detail::sqlite::bind_member(*run, index, m.id(), m.member(row, id));
      try {
        run->step();
      } catch (const detail::sqlite::constraint_violation& e) {
        detail::sqlite::explain_write(state_->connection, m, row, e, "update");
      }
      changed = sqlite3_changes64(state_->connection.handle()) > 0;
    });
    return changed;
  }

  bool remove(const model_info& m, const value& id, const query_observer& log) {
    std::lock_guard lock(state_->mutex);
    model_state& model = model_of(m);
    const std::string& sql = model.sql.remove();
    log(m.name(), "delete", [&] { return sql; });
    bool removed = false;
    write([&] {
      detail::sqlite::run run(state_->cache.get(sql, model.remove));
      detail::sqlite::bind_operand(*run, 1, id);
      try {
        run->step();
      } catch (const detail::sqlite::constraint_violation& e) {
        detail::sqlite::explain_removal(state_->connection, m, id, e);
      }
      removed = sqlite3_changes64(state_->connection.handle()) > 0;
    });
    return removed;
  }

  std::size_t count(const model_info& m, const query& q, const query_observer& log) {
    const auto sql = detail::sql::count(state_->dialect, m, q);
    std::lock_guard lock(state_->mutex);
    log(m.name(), "count", [&] { return sql.text; });
    detail::sqlite::run run(prepare(m, sql.text));
    bind_operands(*run, sql);
    return run->step() ? static_cast<std::size_t>(run->column_int(0)) : 0;
  }

  void begin(const query_observer& log) {
    state_->mutex.lock();
    const std::string sql = state_->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT tether_transaction";
    log("", "transaction", [&] { return sql; });
    try {
      state_->connection.exec(sql, "cannot begin a transaction");
    } catch (...) {
      state_->mutex.unlock();
      throw;
    }
    ++state_->depth;
  }

  void commit(const query_observer& log) {
    --state_->depth;
    const std::string sql = state_->depth == 0 ? "COMMIT" : "RELEASE tether_transaction";
    log("", "transaction", [&] { return sql; });
    try {
      state_->connection.exec(sql, "cannot commit");
    } catch (...) {
      undo_quietly();
      state_->mutex.unlock();
      throw;
    }
    state_->mutex.unlock();
  }

  void rollback(const query_observer& log) {
    --state_->depth;
    log("", "transaction", [&] {
      return std::string(state_->depth == 0 ? "ROLLBACK" : "ROLLBACK TO tether_transaction");
    });
    undo_quietly();
    state_->mutex.unlock();
  }

private:
  /// The connection for a read; when the caller must not wait and another thread has it, `would_wait`.
  [[nodiscard]] std::unique_lock<std::recursive_mutex> lock_for_read() {
    std::unique_lock lock(state_->mutex, std::defer_lock);
    if (!must_not_wait()) lock.lock();
    else if (!lock.try_lock()) throw would_wait{};
    return lock;
  }

  /// What the connector keeps of one model: its fixed SQL, how a read of all its columns fills a row, and the
  /// statement last prepared for each fixed text.
  struct model_state {
    model_state(const detail::sql::dialect& d, const model_info& m)
        : sql(d, m),
          readers(detail::sqlite::make_readers(m, detail::selected_properties(m, query{}))),
          lookups(sql.lookup_count()) {}
    detail::sqlite::model_sql sql;
    std::vector<detail::sqlite::row_reader> readers;
    detail::sqlite::statement_slot insert;
    detail::sqlite::statement_slot update;
    detail::sqlite::statement_slot remove;
    std::vector<detail::sqlite::statement_slot> lookups;  ///< as sql.lookup's `index`
  };

  struct state {
    state(std::string file, sqlite_options options)
        : connection(std::move(file), options.busy_timeout),
          dialect(detail::sqlite::dialect(static_cast<std::size_t>(
              sqlite3_limit(connection.handle(), SQLITE_LIMIT_VARIABLE_NUMBER, -1)))),
          cache(connection) {}
    std::recursive_mutex mutex;
    detail::sqlite::connection connection;
    const detail::sql::dialect dialect;  ///< SQLite's, with this build's parameter limit
    detail::sqlite::statement_cache cache;
    /// By model (a model_info lives as long as the program, and what its texts say never changes, so a
    /// migration keeps them; it empties the statement cache, which the slots notice).
    std::unordered_map<const model_info*, model_state> models;
    /// The model last asked for: loads come in runs of one model, and the probe of the map would be a tenth of
    /// what the connector adds to a load. The map never drops an entry, so the pointer stays valid.
    const model_info* last_model = nullptr;
    model_state* last_state = nullptr;
    int depth = 0;  ///< open transactions (the caller's), the outermost a real one, the others savepoints
  };

  /// m's state, made on m's first use. The caller holds the mutex.
  model_state& model_of(const model_info& m) {
    if (state_->last_model == &m) return *state_->last_state;
    auto found = state_->models.find(&m);
    if (found == state_->models.end()) found = state_->models.try_emplace(&m, state_->dialect, m).first;
    state_->last_model = &m;
    state_->last_state = &found->second;
    return found->second;
  }

  // Undoes the transaction or savepoint whose depth was just left; a failure here leaves nothing to undo.
  void undo_quietly() noexcept {
    const char* sql =
        state_->depth == 0 ? "ROLLBACK" : "ROLLBACK TO tether_transaction; RELEASE tether_transaction";
    sqlite3_exec(state_->connection.handle(), sql, nullptr, nullptr, nullptr);
  }

  /// Runs `f` all-or-nothing: a transaction of its own, or a savepoint inside the caller's.
  template <class F>
  void write(F&& f) {
    auto& c = state_->connection;
    const bool outermost = state_->depth == 0 && sqlite3_get_autocommit(c.handle()) != 0;
    c.exec(outermost ? "BEGIN IMMEDIATE" : "SAVEPOINT tether_write", "cannot begin a write");
    try {
      f();
      c.exec(outermost ? "COMMIT" : "RELEASE tether_write", "cannot commit a write");
    } catch (...) {
      sqlite3_exec(c.handle(), outermost ? "ROLLBACK" : "ROLLBACK TO tether_write; RELEASE tether_write", nullptr,
                   nullptr, nullptr);
      throw;
    }
  }

  void migrate(const model_info& m, const query_observer& log, const std::string& sql) {
    log(m.name(), "migrate", [&] { return sql; });
    detail::sqlite::statement statement(state_->connection, sql, false);
    statement.step();
  }

  std::set<std::string> columns_of(const std::string& table) {
    detail::sqlite::statement s(state_->connection, "SELECT name FROM pragma_table_info(?)", false);
    s.bind_text(1, table);
    std::set<std::string> names;
    while (s.step()) names.emplace(s.column_text(0));
    return names;
  }

  /// The statement for `sql` (through `slot`, the memo of a fixed text, when there is one).
  detail::sqlite::statement& prepare(const model_info& m, const std::string& sql,
                                    detail::sqlite::statement_slot* slot = nullptr) {
    try {
      return slot != nullptr ? state_->cache.get(sql, *slot) : state_->cache.get(sql);
    } catch (const connection_error&) {
      throw;
    } catch (const error& e) {
      throw error("tether::sqlite: " + std::string(m.name()) + ": " + e.what() +
                  " (is the table migrated? autoupdate adds missing tables and columns)");
    }
  }

  /// Binds the operands of `sql` from parameter 1 on (SQLite's dialect makes each one value); returns the
  /// next parameter's number.
  static int bind_operands(detail::sqlite::statement& s, const detail::sql::statement_text& sql) {
    int index = 1;
    for (const auto& o : sql.operands) detail::sqlite::bind_operand(s, index++, *o.single);
    return index;
  }

  std::unique_ptr<state> state_;
};

static_assert(connector<sqlite>);
static_assert(idle_inline_connector<sqlite>);
static_assert(lookup_connector<sqlite>);
static_assert(partition_paging_connector<sqlite>);

}  // namespace tether

#endif
