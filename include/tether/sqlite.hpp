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
/// Rows are bound from and read into the structs directly (detail/sqlite/values.hpp gives the stored forms);
/// statements are prepared once per model and shape; every write runs in a transaction (a savepoint inside the
/// caller's); foreign keys are SQLite's own, with their failures explained in the model's terms.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <tether/belongs_to.hpp>
#include <tether/connector.hpp>
#include <tether/detail/sqlite/connection.hpp>
#include <tether/detail/sqlite/integrity.hpp>
#include <tether/detail/sqlite/query_sql.hpp>
#include <tether/detail/sqlite/schema.hpp>
#include <tether/detail/sqlite/statement_cache.hpp>
#include <tether/detail/sqlite/values.hpp>
#include <tether/detail/visit_property.hpp>
#include <tether/model.hpp>

namespace tether {

/// @brief How the SQLite connector opens its database.
struct sqlite_options {
  /// How long a write waits for another connection's lock before it is a connection_error.
  std::chrono::milliseconds busy_timeout{5000};
};

/// @brief The SQLite connector. Movable; copies are not offered (a connection has one owner).
class sqlite {
public:
  /// @brief Opens (creating it if missing) the database in `file`, or an in-memory one for ":memory:".
  /// Throws connection_error naming the file when it cannot be opened or is no SQLite database.
  /// @brief Relation loads run on the caller's thread while the connection is free (a read takes microseconds,
  /// less than a hand-over to a worker), and on a worker while another thread holds it.
  static constexpr bool loads_inline_when_idle = true;

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

  template <model M>
  void ensure_table(const query_observer& log) {
    std::lock_guard lock(state_->mutex);
    state_->cache.clear();
    write([&] {
      const std::string table(model_name<M>);
      if (!detail::sqlite_table_exists(state_->connection, table)) {
        migrate<M>(log, detail::sqlite_create_table<M>());
      } else {
        const auto existing = columns_of(table);
        for_each_property<M>([&](auto i) {
          if (existing.contains(std::string(property_name<M, i>))) return;
          migrate<M>(log, "ALTER TABLE " + detail::quote_identifier(table) + " ADD COLUMN " +
                              detail::sqlite_column_definition<M, i>(true));
        });
      }
      for (const auto& index : detail::sqlite_key_indexes<M>()) {
        if (index.table != table && !detail::sqlite_table_exists(state_->connection, index.table)) continue;
        try {
          migrate<M>(log, index.sql);
        } catch (const detail::sqlite_constraint_failure& e) {
          throw constraint_error("tether: cannot migrate " + table + ": " + std::string(index.table) +
                                 " holds duplicates of a property a foreign key references (" + e.what() + ")");
        }
      }
    });
  }

  template <model M>
  void drop_table(const query_observer& log) {
    std::lock_guard lock(state_->mutex);
    state_->cache.clear();
    write([&] {
      const std::string table(model_name<M>);
      detail::check_sqlite_drop(state_->connection, table);
      migrate<M>(log, "DROP TABLE IF EXISTS " + detail::quote_identifier(table));
    });
  }

  template <model M>
  void insert(std::span<M> rows, const query_observer& log) {
    static const std::string sql = insert_sql<M>();
    std::lock_guard lock(state_->mutex);
    log(model_name<M>, "create", [] { return sql; });
    std::vector<std::optional<std::int64_t>> generated(rows.size());
    write([&] {
      auto& statement = state_->cache.get(sql);
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const M& row = rows[r];
        detail::sqlite_run run(statement);
        const bool generate = id_is_generated(row);
        for_each_property<M>([&](auto i) {
          if (i == id_index<M> && generate) run->bind_null(static_cast<int>(i) + 1);
          else detail::bind_property(*run, static_cast<int>(i) + 1, get_property<i>(row));
        });
        try {
          run->step();
        } catch (const detail::sqlite_constraint_failure& e) {
          explain_write(row, e, "create");
        }
        if (generate) generated[r] = sqlite3_last_insert_rowid(state_->connection.handle());
      }
    });
    // Only now that the whole insert is committed (or part of the caller's transaction) do the rows learn ids.
    if constexpr (detail::integer_value<id_type<M>>) {
      for (std::size_t r = 0; r < rows.size(); ++r)
        if (generated[r]) set_property<id_index<M>>(rows[r], static_cast<id_type<M>>(*generated[r]));
    }
  }

  template <model M>
  std::vector<M> select(const query& q, const query_observer& log) {
    const bool all = q.fields.empty();
    const auto columns = all ? std::vector<std::size_t>{} : detail::selected_properties<M>(q);
    detail::sqlite_sql sql;
    const std::string* text = &sql.text;
    bool paged = q.limit || q.skip > 0;
    if (detail::is_lookup<M>(q)) {
      const auto lookup = detail::lookup_sql<M>(q.where->property, q.limit.has_value());
      text = &lookup.text;
      paged = lookup.paged;
    } else {
      sql = detail::select_sql<M>(q, all ? detail::selected_properties<M>(q) : columns);
    }
    const auto lock = lock_for_read();
    log(model_name<M>, "find", [&] { return *text; });
    detail::sqlite_run run(prepare<M>(*text));
    int index = 1;
    if (text != &sql.text) detail::bind_operand(*run, index++, q.where->values[0]);  // a lookup's one value
    else index = bind_operands(*run, sql);
    if (paged) {
      run->bind_int(index++, q.limit ? detail::sqlite_count(*q.limit) : -1);
      run->bind_int(index, detail::sqlite_count(q.skip));
    }
    std::vector<M> out;
    while (run->step()) {
      M& row = out.emplace_back();
      if (all) {
        for_each_property<M>([&](auto i) { detail::read_property<M, i>(*run, static_cast<int>(i), row); });
      } else {
        for (std::size_t k = 0; k < columns.size(); ++k)
          detail::with_property_index<M>(columns[k], [&](auto i) {
            detail::read_property<M, i>(*run, static_cast<int>(k), row);
          });
      }
    }
    return out;
  }

  /// A relation's load: the lookup statement built once per model and property, stepped once (by the id at
  /// most one row matches; by another property the text orders by id and stops at one), read into the shared
  /// object the relation hands out.
  template <model M>
  std::shared_ptr<M> lookup(std::size_t property, const value& key, const query_observer& log) {
    const auto statement = detail::lookup_sql<M>(property, true);
    const auto lock = lock_for_read();
    log(model_name<M>, "find", [&] { return statement.text; });
    detail::sqlite_run run(prepare<M>(statement.text));
    detail::bind_operand(*run, 1, key);
    if (statement.paged) {
      run->bind_int(2, 1);
      run->bind_int(3, 0);
    }
    if (!run->step()) return nullptr;
    auto row = std::make_shared<M>();
    for_each_property<M>([&](auto i) { detail::read_property<M, i>(*run, static_cast<int>(i), *row); });
    return row;
  }

  template <model M>
  bool update(const M& row, const query_observer& log) {
    static const std::string sql = update_sql<M>();
    std::lock_guard lock(state_->mutex);
    log(model_name<M>, "update", [] { return sql; });
    bool changed = false;
    write([&] {
      detail::sqlite_run run(state_->cache.get(sql));
      int index = 1;
      for_each_property<M>([&](auto i) {
        if (i != id_index<M>) detail::bind_property(*run, index++, get_property<i>(row));
      });
      detail::bind_property(*run, index, get_property<id_index<M>>(row));
      try {
        run->step();
      } catch (const detail::sqlite_constraint_failure& e) {
        explain_write(row, e, "update");
      }
      changed = sqlite3_changes64(state_->connection.handle()) > 0;
    });
    return changed;
  }

  template <model M>
  bool remove(const id_type<M>& id, const query_observer& log) {
    static const std::string sql = "DELETE FROM " + detail::quote_identifier(model_name<M>) + " WHERE " +
                                   detail::quote_identifier(property_name<M, id_index<M>>) + " = ?";
    std::lock_guard lock(state_->mutex);
    log(model_name<M>, "delete", [] { return sql; });
    bool removed = false;
    write([&] {
      detail::sqlite_run run(state_->cache.get(sql));
      detail::bind_property(*run, 1, id);
      try {
        run->step();
      } catch (const detail::sqlite_constraint_failure& e) {
        // RESTRICT reports itself as SQLITE_CONSTRAINT_TRIGGER, NO ACTION as SQLITE_CONSTRAINT_FOREIGNKEY.
        if (e.code() == SQLITE_CONSTRAINT_FOREIGNKEY || e.code() == SQLITE_CONSTRAINT_TRIGGER) {
          std::set<std::pair<std::string, std::string>> visited;
          detail::explain_sqlite_removal(state_->connection, std::string(model_name<M>),
                                         std::string(property_name<M, id_index<M>>), detail::to_value(id), visited);
        }
        throw constraint_error("tether: cannot remove " + std::string(model_name<M>) + " " +
                               std::string(property_name<M, id_index<M>>) + " " +
                               detail::describe(detail::to_value(id)) + ": " + e.what());
      }
      removed = sqlite3_changes64(state_->connection.handle()) > 0;
    });
    return removed;
  }

  template <model M>
  std::size_t count(const query& q, const query_observer& log) {
    const auto sql = detail::count_sql<M>(q);
    std::lock_guard lock(state_->mutex);
    log(model_name<M>, "count", [&] { return sql.text; });
    detail::sqlite_run run(prepare<M>(sql.text));
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

  struct state {
    state(std::string file, sqlite_options options)
        : connection(std::move(file), options.busy_timeout), cache(connection) {}
    std::recursive_mutex mutex;
    detail::sqlite_connection connection;
    detail::sqlite_statement_cache cache;
    int depth = 0;  ///< open transactions (the caller's), the outermost a real one, the others savepoints
  };

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

  template <class M>
  void migrate(const query_observer& log, const std::string& sql) {
    log(model_name<M>, "migrate", [&] { return sql; });
    detail::sqlite_statement statement(state_->connection, sql, false);
    statement.step();
  }

  std::set<std::string> columns_of(const std::string& table) {
    detail::sqlite_statement s(state_->connection, "SELECT name FROM pragma_table_info(?)", false);
    s.bind_text(1, table);
    std::set<std::string> names;
    while (s.step()) names.emplace(s.column_text(0));
    return names;
  }

  template <class M>
  detail::sqlite_statement& prepare(const std::string& sql) {
    try {
      return state_->cache.get(sql);
    } catch (const connection_error&) {
      throw;
    } catch (const error& e) {
      throw error("tether::sqlite: " + std::string(model_name<M>) + ": " + e.what() +
                  " (is the table migrated? autoupdate adds missing tables and columns)");
    }
  }

  static int bind_operands(detail::sqlite_statement& s, const detail::sqlite_sql& sql) {
    int index = 1;
    for (const value* v : sql.operands) detail::bind_operand(s, index++, *v);
    return index;
  }

  template <class M>
  static bool id_is_generated(const M& row) {
    if constexpr (!detail::integer_value<id_type<M>>) {
      return false;
    } else {
      const auto& id = get_property<id_index<M>>(row);
      if constexpr (detail::is_optional<std::remove_cvref_t<decltype(id)>>::value) return !id || *id == 0;
      else return id == 0;
    }
  }

  /// Turns a constraint SQLite refused while writing `row` into the memory connector's message.
  template <class M>
  [[noreturn]] void explain_write(const M& row, const detail::sqlite_constraint_failure& e, const char* verb) {
    const std::string model(model_name<M>);
    const int code = e.code();
    if (code == SQLITE_CONSTRAINT_FOREIGNKEY || code == SQLITE_CONSTRAINT_TRIGGER) {
      detail::check_sqlite_keys(state_->connection, row);
      detail::explain_sqlite_change(state_->connection, row);
    }
    if (code == SQLITE_CONSTRAINT_PRIMARYKEY) {
      throw constraint_error("tether: cannot " + std::string(verb) + " " + model + ": id " +
                             detail::describe(detail::to_value(get_property<id_index<M>>(row))) + " exists already");
    }
    if (code == SQLITE_CONSTRAINT_UNIQUE) {
      // SQLite names the column: "UNIQUE constraint failed: Customer.email".
      const std::string message = sqlite3_errmsg(state_->connection.handle());
      std::string shown;
      std::string property;
      for_each_property<M>([&](auto i) {
        const std::string column = model + "." + std::string(property_name<M, i>);
        if (shown.empty() && message.ends_with(column)) {
          property = property_name<M, i>;
          shown = detail::describe(detail::to_value(get_property<i>(row)));
        }
      });
      if (property == property_name<M, id_index<M>>)
        throw constraint_error("tether: cannot " + std::string(verb) + " " + model + ": id " + shown +
                               " exists already");
      if (!property.empty())
        throw constraint_error("tether: " + model + "." + property +
                               " must be unique (a foreign key references it), and " + shown + " is taken");
    }
    throw constraint_error("tether: cannot " + std::string(verb) + " " + model + ": " + e.what());
  }

  template <class M>
  static std::string insert_sql() {
    std::string columns;
    std::string values;
    for_each_property<M>([&](auto i) {
      if (i > 0) {
        columns += ", ";
        values += ", ";
      }
      detail::append_identifier(columns, property_name<M, i>);
      values += '?';
    });
    return "INSERT INTO " + detail::quote_identifier(model_name<M>) + " (" + columns + ") VALUES (" + values + ")";
  }

  template <class M>
  static std::string update_sql() {
    std::string sql = "UPDATE " + detail::quote_identifier(model_name<M>) + " SET ";
    bool first = true;
    for_each_property<M>([&](auto i) {
      if (i == id_index<M>) return;
      if (!first) sql += ", ";
      first = false;
      detail::append_identifier(sql, property_name<M, i>);
      sql += " = ?";
    });
    const std::string id = detail::quote_identifier(property_name<M, id_index<M>>);
    if (first) sql += id + " = " + id;  // a model of an id alone: the update only asks whether the row exists
    return sql + " WHERE " + id + " = ?";
  }

  std::unique_ptr<state> state_;
};

static_assert(connector<sqlite>);
static_assert(idle_inline_connector<sqlite>);

}  // namespace tether

#endif
