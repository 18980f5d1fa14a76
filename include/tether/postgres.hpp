#ifndef TETHER_POSTGRES_HPP
#define TETHER_POSTGRES_HPP

/// @file
/// `tether::postgres`, the PostgreSQL connector: `tether::postgres{"host=127.0.0.1 port=5432 dbname=shop"}`
/// (any libpq connection string). Plain SQL only, so PostgreSQL-compatible servers work too.
///
/// Threading: a pool of up to `pool_size` connections shared by every thread; each operation leases one for its
/// round trip, so operations of different threads run concurrently on the server. A transaction (begin to
/// commit or rollback) pins one connection to the calling thread; every operation that thread makes in between
/// runs on it, and nested transactions are savepoints. Operations wait on the network, so the connector is not
/// inline: relation loads run on the datasource's worker pool, which it asks to be as large as the pool
/// (`worker_count()`).
///
/// Rows travel in PostgreSQL's binary format, bound from and read into the rows through each property's
/// value_ops (detail/postgres/values.hpp), so nothing here depends on a model's C++ type and the connector is
/// compiled once; the texts that depend only on the model (update, delete, a relation's load, COPY, a one-row
/// INSERT) are built once per model; statements are prepared once per connection and shape; a bulk create is one
/// multi-row INSERT, or a binary COPY when one INSERT cannot hold it (several INSERTs into a table whose column
/// types COPY cannot fill), each generated id known by its row, never by the order the server answers in;
/// every write is atomic (one statement, a transaction around several, a savepoint inside the caller's);
/// foreign keys are the server's own, their refusals explained in the model's terms.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/postgres/connection.hpp>
#include <tether/detail/postgres/dialect.hpp>
#include <tether/detail/postgres/integrity.hpp>
#include <tether/detail/postgres/pool.hpp>
#include <tether/detail/postgres/schema.hpp>
#include <tether/detail/postgres/values.hpp>
#include <tether/detail/row_buffer.hpp>
#include <tether/detail/sql/columns.hpp>
#include <tether/detail/sql/schema.hpp>
#include <tether/detail/sql/select.hpp>
#include <tether/detail/sql/statement_text.hpp>
#include <tether/detail/sql/write.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether {

/// @brief How the PostgreSQL connector reaches its server.
struct postgres_options {
  /// The most connections open at once (and the number of relation loads that run at once).
  std::size_t pool_size = 8;
  /// How long opening a connection may take before it is a connection_error (libpq counts whole seconds).
  std::chrono::seconds connect_timeout{10};
  /// How long one statement may run before the server cancels it, a connection_error; zero: no limit.
  std::chrono::milliseconds statement_timeout{0};
};

/// @brief The PostgreSQL connector. Movable; copies are not offered (the pool has one owner).
class postgres {
public:
  /// @brief Keeps the connection string; connections are opened on first use (so a server that is down now is
  /// a connection_error of the first operation, not of this constructor).
  explicit postgres(std::string conninfo, postgres_options options = {})
      : state_(std::make_unique<state>(std::move(conninfo), options)) {}
  explicit postgres(const char* conninfo, postgres_options options = {})
      : postgres(std::string(conninfo), options) {}

  /// @brief How many keys one include query carries: they travel as one array parameter (`= ANY($1)`), so
  /// the bound is the message size, not the protocol's 65535 parameters.
  [[nodiscard]] static constexpr std::size_t parameter_limit() noexcept { return std::size_t{1} << 20; }
  /// @brief Pages each partition of a query itself, with a window function (detail/sql/select.hpp).
  static constexpr bool pages_per_partition = true;

  /// @brief How many relation loads the datasource should run at once: one per pooled connection.
  [[nodiscard]] std::size_t worker_count() const noexcept { return state_->pool.size(); }

  /// @brief The connection string as given.
  [[nodiscard]] const std::string& conninfo() const noexcept { return state_->pool.conninfo(); }

  void ensure_table(const model_info& m, const query_observer& log) {
    const std::string table(m.name());
    with_connection([&](detail::postgres::connection& c, bool in_transaction) {
      write(c, in_transaction, true, [&] {
        for (const auto& index : detail::sql::target_indexes(dialect, m)) {
          if (index.table != table && !detail::postgres::table_exists(c, std::string(index.table))) continue;
          try {
            migrate(c, m, log, index.sql);
          } catch (const detail::postgres::constraint_violation& e) {
            detail::constraint_failure refused(detail::constraint_kind::duplicates_held, table);
            refused.target_model = index.table;
            refused.reason = e.what();
            detail::throw_constraint_failure(refused);
          }
        }
        if (!detail::postgres::table_exists(c, table)) {
          migrate(c, m, log, detail::sql::create_table(dialect, m));
        } else {
          const auto existing = column_types(c, table);
          for (std::size_t i = 0; i < m.properties().size(); ++i)
            if (!existing.contains(m.property(i).name)) migrate(c, m, log, detail::sql::add_column(dialect, m, i));
        }
        for (const auto& sql : detail::sql::key_indexes(dialect, m)) migrate(c, m, log, sql);
        // Foreign keys of other tables that dropping this one removed.
        std::lock_guard lock(state_->mutex);
        state_->sequences.erase(table);
        state_->copyable.erase(table);
        if (auto found = state_->dropped_keys.find(table); found != state_->dropped_keys.end()) {
          for (const auto& sql : found->second) migrate(c, m, log, sql);
          state_->dropped_keys.erase(found);
        }
      });
    });
    state_->pool.schema_changed();
  }

  void drop_table(const model_info& m, const query_observer& log) {
    const std::string table(m.name());
    with_connection([&](detail::postgres::connection& c, bool in_transaction) {
      write(c, in_transaction, true, [&] {
        auto restore = detail::postgres::check_drop(c, table);
        migrate(c, m, log, "DROP TABLE IF EXISTS " + detail::quote_identifier(table) + " CASCADE");
        std::lock_guard lock(state_->mutex);
        state_->sequences.erase(table);
        state_->copyable.erase(table);
        auto& kept = state_->dropped_keys[table];
        kept.insert(kept.end(), restore.begin(), restore.end());
      });
    });
    state_->pool.schema_changed();
  }

  void insert(const model_info& m, row_span rows, const query_observer& log) {
    if (rows.empty()) return;
    const std::size_t columns = m.properties().size();
    const std::size_t per_statement = std::max<std::size_t>(1, max_parameters / columns);
    const bool integer_id = m.id().kind == value_kind::integer;
    std::vector<std::optional<std::int64_t>> generated(rows.size());
    with_connection([&](detail::postgres::connection& c, bool in_transaction) {
      try {
        write(c, in_transaction, rows.size() > per_statement, [&] {
          // Looked up inside the write, so that inside the caller's transaction a table that does not exist fails
          // the savepoint, not the transaction.
          const std::string sequence = integer_id ? sequence_of(c, m) : std::string();
          // A batch too large for one INSERT goes by COPY, which bench_postgres measures faster for it, when the
          // table's columns have the types COPY's binary rows carry (a table made elsewhere may differ).
          const bool copy = rows.size() > per_statement && copies_into(c, m);
          std::optional<std::int64_t> highest_given;
          if (copy) {
            copy_rows(c, m, log, sequence, rows, generated, highest_given);
          } else {
            for (std::size_t first = 0; first < rows.size(); first += per_statement) {
              const std::size_t count = std::min(per_statement, rows.size() - first);
              insert_chunk(c, m, log, sequence, rows.subspan(first, count), std::span(generated).subspan(first, count),
                           highest_given);
            }
          }
          if (highest_given) move_sequence_past(c, m, log, sequence, *highest_given);
        });
      } catch (const detail::postgres::constraint_violation& e) {
        detail::postgres::explain_write(c, m, detail::postgres::culprit(c, m, rows, e), e, "create");
      }
    });
    // Only now that the whole insert is committed (or part of the caller's transaction) do the rows learn ids.
    for (std::size_t r = 0; r < rows.size(); ++r)
      if (generated[r]) m.set(rows[r], m.id_index(), *generated[r]);
  }

  void select(const model_info& m, const query& q, row_sink& out, const query_observer& log) {
    const auto columns = detail::selected_properties(m, q);
    const auto sql = detail::sql::select(dialect, m, q, columns);
    detail::postgres::parameters params;
    bind_operands(params, sql);
    if (q.skip > 0) detail::postgres::add_int8(params, detail::sql::bound_count(q.skip));
    log(m.name(), "find", [&] { return sql.text; });
    with_connection([&](detail::postgres::connection& c, bool) {
      const auto r = run(c, m, sql.text, params, "find");
      auto readers = detail::postgres::column_readers(m, columns, r);
      out.reserve(static_cast<std::size_t>(r.rows()));
      for (int row = 0; row < r.rows(); ++row) detail::postgres::read_row(r, row, readers, out.append());
    });
  }

  /// @brief A relation's load: the statement built once per model and property (the text `select` would write
  /// for an `eq` and a limit of 1), read straight into the shared row the relation hands out.
  std::shared_ptr<void> lookup(const model_info& m, std::size_t property, const value& key,
                               const query_observer& log) {
    const model_statements& statements = statements_of(m);
    // A null key, or a JSON property, reads as select does (`IS NULL`, `FALSE`): no parameter to bind.
    if (std::holds_alternative<std::nullptr_t>(key) || m.property(property).kind == value_kind::json) {
      query by_key;
      by_key.where = predicate{property, operator_kind::eq, {key}, {}};
      by_key.limit = 1;
      detail::shared_buffer rows(m);
      select(m, by_key, rows, log);
      return rows.shared().empty() ? nullptr : std::move(rows.shared().front());
    }
    const std::string& sql = statements.lookups[property];
    detail::postgres::parameters params;
    detail::postgres::add_operand(params, key, m.property(property).kind);
    log(m.name(), "find", [&] { return sql; });
    return with_connection([&](detail::postgres::connection& c, bool) -> std::shared_ptr<void> {
      const auto r = run(c, m, sql, params, "find");
      if (r.rows() == 0) return nullptr;
      auto readers = detail::postgres::column_readers(m, statements.all_columns, r);
      auto row = m.row().make_shared();
      detail::postgres::read_row(r, 0, readers, row.get());
      return row;
    });
  }

  bool update(const model_info& m, const void* row, const query_observer& log) {
    const std::string& sql = statements_of(m).update;
    detail::postgres::parameters params;
    for (std::size_t i = 0; i < m.properties().size(); ++i)
      if (i != m.id_index()) detail::postgres::add_member(params, m.property(i), m.member(row, i));
    detail::postgres::add_member(params, m.id(), m.member(row, m.id_index()));
    log(m.name(), "update", [&] { return sql; });
    bool changed = false;
    with_connection([&](detail::postgres::connection& c, bool in_transaction) {
      try {
        write(c, in_transaction, false, [&] { changed = run(c, m, sql, params, "update").affected() > 0; });
      } catch (const detail::postgres::constraint_violation& e) {
        detail::postgres::explain_write(c, m, row, e, "update");
      }
    });
    return changed;
  }

  bool remove(const model_info& m, const value& id, const query_observer& log) {
    const std::string& sql = statements_of(m).remove;
    detail::postgres::parameters params;
    detail::postgres::add_operand(params, id, m.id().kind);
    log(m.name(), "delete", [&] { return sql; });
    bool removed = false;
    with_connection([&](detail::postgres::connection& c, bool in_transaction) {
      try {
        write(c, in_transaction, false, [&] { removed = run(c, m, sql, params, "delete").affected() > 0; });
      } catch (const detail::postgres::constraint_violation& e) {
        detail::postgres::explain_removal(c, m, id, e);
      }
    });
    return removed;
  }

  std::size_t count(const model_info& m, const query& q, const query_observer& log) {
    const auto sql = detail::sql::count(dialect, m, q);
    detail::postgres::parameters params;
    bind_operands(params, sql);
    log(m.name(), "count", [&] { return sql.text; });
    return with_connection([&](detail::postgres::connection& c, bool) {
      const auto r = run(c, m, sql.text, params, "count");
      return static_cast<std::size_t>(detail::postgres::read_int8(r, 0, 0));
    });
  }

  void begin(const query_observer& log) {
    pin* p = pinned();
    const bool outermost = p == nullptr;
    if (outermost) {
      auto lease = state_->pool.acquire();
      pins().push_back(pin{state_.get(), std::move(lease), 0});
      p = &pins().back();
    }
    const std::string sql = outermost ? "BEGIN" : "SAVEPOINT tether_transaction";
    log("", "transaction", [&] { return sql; });
    try {
      p->connection->exec(sql, "cannot begin a transaction");
    } catch (...) {
      if (outermost) unpin();
      throw;
    }
    ++p->depth;
  }

  void commit(const query_observer& log) {
    pin* p = pinned();
    const bool outermost = --p->depth == 0;
    const std::string sql = outermost ? "COMMIT" : "RELEASE tether_transaction";
    log("", "transaction", [&] { return sql; });
    try {
      const auto r = p->connection->exec(sql, "cannot commit");
      // The server answers COMMIT of a transaction a failed statement spoiled with ROLLBACK, and no error.
      if (outermost && std::string_view(PQcmdStatus(r.get())) == "ROLLBACK")
        throw error("tether::postgres: " + p->connection->where() +
                    ": the transaction was rolled back: a statement in it failed");
    } catch (...) {
      if (outermost) unpin();
      else undo_quietly(*p);
      throw;
    }
    if (outermost) unpin();
  }

  void rollback(const query_observer& log) {
    pin* p = pinned();
    const bool outermost = --p->depth == 0;
    log("", "transaction", [&] { return std::string(outermost ? "ROLLBACK" : "ROLLBACK TO tether_transaction"); });
    undo_quietly(*p);
    if (outermost) unpin();
  }

private:
  /// The protocol's limit on one statement's parameters.
  static constexpr std::size_t max_parameters = 65535;

  static constexpr const detail::sql::dialect& dialect = detail::postgres::dialect;

  /// The SQL texts of one model that depend on nothing but the model, and the columns of a full row.
  struct model_statements {
    explicit model_statements(const model_info& m)
        : update(detail::sql::update(dialect, m)), remove(detail::sql::remove(dialect, m)),
          insert_one(detail::sql::insert(dialect, m, 1, true)) {
      for (std::size_t i = 0; i < m.properties().size(); ++i) all_columns.push_back(i);
      // What select writes for a relation's load: an `eq` of one value (any non-null one), a limit of 1.
      query by_key;
      by_key.limit = 1;
      for (std::size_t i = 0; i < m.properties().size(); ++i) {
        by_key.where = predicate{i, operator_kind::eq, {value{std::int64_t{0}}}, {}};
        lookups.push_back(detail::sql::select(dialect, m, by_key, all_columns).text);
      }
      copy = "COPY " + detail::quote_identifier(m.name()) + " (";
      for (std::size_t i = 0; i < m.properties().size(); ++i) {
        if (i > 0) copy += ", ";
        detail::append_identifier(copy, m.property(i).name);
      }
      copy += ") FROM STDIN (FORMAT binary)";
      if (m.id().generated && m.properties().size() > 1)
        insert_generated =
            detail::sql::insert(dialect, m, 1, false) + " RETURNING " + detail::quote_identifier(m.id().name);
    }
    std::string update;
    std::string remove;
    std::string copy;
    /// Per property, the select of the first row whose property equals $1 (by id when it is not the id).
    std::vector<std::string> lookups;
    /// The INSERT of one row, its id given.
    std::string insert_one;
    /// The INSERT of one row whose id the identity default generates, returning it (when the model has an
    /// integer id and more than its id).
    std::string insert_generated;
    /// Every property, in order: the columns of a full row.
    std::vector<std::size_t> all_columns;
  };

  struct state {
    state(std::string conninfo, const postgres_options& options)
        : pool(std::move(conninfo), options.pool_size, options.connect_timeout, options.statement_timeout) {}
    detail::postgres::pool pool;
    std::mutex mutex;
    /// Per dropped table, the statements that put back the foreign keys other tables had to it.
    std::map<std::string, std::vector<std::string>> dropped_keys;
    /// Per table, its id sequence as sequence_of gives it (forgotten when tables change).
    std::map<std::string, std::string> sequences;
    /// Per table, whether copies_into found its columns fit for binary COPY (forgotten when tables change).
    std::map<std::string, bool> copyable;
    /// Per model, its statements (statements_of).
    std::unordered_map<const model_info*, std::unique_ptr<const model_statements>> statements;
  };

  /// A transaction's connection, pinned to the thread that began it.
  struct pin {
    const state* owner;
    detail::postgres::pool::lease connection;
    int depth;  ///< open transactions, the outermost a real one, the others savepoints
  };

  static std::vector<pin>& pins() {
    thread_local std::vector<pin> pinned;
    return pinned;
  }

  pin* pinned() const {
    for (auto& p : pins())
      if (p.owner == state_.get()) return &p;
    return nullptr;
  }

  void unpin() {
    auto& all = pins();
    std::erase_if(all, [&](const pin& p) { return p.owner == state_.get(); });
  }

  // Undoes the transaction or savepoint whose depth was just left; a failure here leaves nothing to undo (a
  // broken connection is not given back to the pool).
  static void undo_quietly(pin& p) noexcept {
    const char* sql = p.depth == 0 ? "ROLLBACK" : "ROLLBACK TO tether_transaction; RELEASE tether_transaction";
    PQclear(PQexec(p.connection->handle(), sql));
  }

  /// Calls `f(connection, in_transaction)` on this thread's transaction connection, or a leased one. (The return
  /// type is spelled out: the operations above use it before this definition.)
  template <class F>
  std::invoke_result_t<F&, detail::postgres::connection&, bool> with_connection(F&& f) {
    if (pin* p = pinned()) return f(*p->connection, true);
    auto lease = state_->pool.acquire();
    return f(*lease, false);
  }

  /// Runs `f` all-or-nothing: inside the caller's transaction as a savepoint (a failed statement would spoil
  /// the whole transaction otherwise), in a transaction of its own when it runs several statements, and as
  /// it is when it is one statement.
  template <class F>
  static void write(detail::postgres::connection& c, bool in_transaction, bool several, F&& f) {
    if (!in_transaction && !several) return f();
    c.exec(in_transaction ? "SAVEPOINT tether_write" : "BEGIN", "cannot begin a write");
    try {
      f();
      c.exec(in_transaction ? "RELEASE tether_write" : "COMMIT", "cannot commit a write");
    } catch (...) {
      PQclear(PQexec(c.handle(), in_transaction ? "ROLLBACK TO tether_write; RELEASE tether_write" : "ROLLBACK"));
      throw;
    }
  }

  static detail::postgres::result run(detail::postgres::connection& c, const model_info& m, const std::string& sql,
                                     detail::postgres::parameters& params, const char* operation) {
    return hinted(m, operation, [&](const std::string& what) { return c.run(sql, params, what); });
  }

  /// Calls `f("cannot <operation> <model>")`; an error that is neither the connection's nor a constraint's
  /// gains the hint that the table may lack migration.
  template <class F>
  static detail::postgres::result hinted(const model_info& m, const char* operation, F&& f) {
    try {
      return f(std::string("cannot ") + operation + " " + std::string(m.name()));
    } catch (const connection_error&) {
      throw;
    } catch (const detail::postgres::constraint_violation&) {
      throw;
    } catch (const error& e) {
      throw error(std::string(e.what()) + " (is the table of " + std::string(m.name()) +
                  " migrated? autoupdate adds missing tables and columns)");
    }
  }

  static void migrate(detail::postgres::connection& c, const model_info& m, const query_observer& log,
                      const std::string& sql) {
    log(m.name(), "migrate", [&] { return sql; });
    c.exec(sql, "cannot migrate " + std::string(m.name()));
  }

  /// The columns of `table`: name to type OID (as text).
  static std::map<std::string, std::string, std::less<>> column_types(detail::postgres::connection& c,
                                                                      const std::string& table) {
    detail::postgres::parameters params;
    detail::postgres::add_text(params, detail::quote_identifier(table));
    const auto r = c.query_text(
        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
        params, "cannot read the columns of " + table);
    std::map<std::string, std::string, std::less<>> types;
    for (int i = 0; i < r.rows(); ++i) types.emplace(r.bytes(i, 0), r.bytes(i, 1));
    return types;
  }

  static void bind_operands(detail::postgres::parameters& params, const detail::sql::statement_text& sql) {
    for (const auto& o : sql.operands) {
      if (o.pattern != detail::sql::operand::no_pattern) detail::postgres::add_text(params, sql.pattern_of(o));
      else if (o.list != nullptr) detail::postgres::add_operand_array(params, *o.list, o.kind);
      else detail::postgres::add_operand(params, *o.single, o.kind);
    }
  }

  /// The id `row` gives (an integer id that is not generated).
  static std::int64_t given_id(const model_info& m, const void* row) {
    return std::get<std::int64_t>(m.id().ops->get(m.member(row, m.id_index())));
  }

  /// One INSERT of `rows`, one round trip. One row whose id is generated takes it from the identity default and
  /// reads it back (RETURNING of one row). Several rows of which some generate their ids go through
  /// `numbered_insert_sql`, which answers each row's id by the row's number: a multi-row INSERT's RETURNING gives
  /// no documented order. Rows that all give their ids are a plain INSERT.
  void insert_chunk(detail::postgres::connection& c, const model_info& m, const query_observer& log,
                    const std::string& sequence, row_span rows, std::span<std::optional<std::int64_t>> generated,
                    std::optional<std::int64_t>& highest_given) {
    const std::size_t columns = m.properties().size();
    const std::size_t id_index = m.id_index();
    const bool integer_id = m.id().generated;
    const model_statements& statements = statements_of(m);
    std::size_t generating = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) generating += detail::sql::id_is_generated(m, rows[r]) ? 1 : 0;
    if (rows.size() == 1 && generating == 1 && !statements.insert_generated.empty()) {
      detail::postgres::parameters params;
      for (std::size_t i = 0; i < columns; ++i)
        if (i != id_index) detail::postgres::add_member(params, m.property(i), m.member(rows[0], i));
      log(m.name(), "create", [&] { return statements.insert_generated; });
      const auto r = run(c, m, statements.insert_generated, params, "create");
      generated[0] = detail::postgres::read_int8(r, 0, 0);
      return;
    }
    const bool numbered = generating > 0;
    const bool id_parameter = !numbered || generating < rows.size();  // all generated: no id is sent
    std::string built;
    const std::string& sql =
        !numbered && rows.size() == 1
            ? statements.insert_one
            : (built = numbered ? numbered_insert_sql(m, rows.size(), sequence, id_parameter)
                                : detail::sql::insert(dialect, m, rows.size(), true));
    detail::postgres::parameters params;
    params.reserve(rows.size() * columns, rows.size() * columns * 16);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const void* row = rows[r];
      for (std::size_t i = 0; i < columns; ++i) {
        if (i != id_index || !integer_id) {
          detail::postgres::add_member(params, m.property(i), m.member(row, i));
        } else if (!id_parameter) {
          continue;
        } else if (detail::sql::id_is_generated(m, row)) {
          params.add_null(detail::postgres::oid::int8);
        } else {
          const std::int64_t id = given_id(m, row);
          highest_given = std::max(highest_given.value_or(id), id);
          detail::postgres::add_int8(params, id);
        }
      }
    }
    log(m.name(), "create", [&] { return sql; });
    const auto r = run(c, m, sql, params, "create");
    if (!numbered) return;
    for (std::size_t k = 0; k < rows.size(); ++k)
      if (detail::sql::id_is_generated(m, rows[k]))
        generated[k] = detail::postgres::read_int8(r, static_cast<int>(k), 0);
  }

  /// An INSERT of `rows` rows (of a model with an integer id) that answers every row's id in row order: the rows
  /// are numbered in the text, given their ids (the one sent, else the sequence's next) once, in a materialized
  /// CTE that both the INSERT and the answer read. Each row sends its properties in declaration order, the id
  /// too unless every id is generated. The helper names hold a space, which no property name does.
  static std::string numbered_insert_sql(const model_info& m, std::size_t rows, const std::string& sequence,
                                         bool id_parameter) {
    const std::size_t id_index = m.id_index();
    const std::string id = detail::quote_identifier(m.id().name);
    std::string sent;    // the VALUES columns after the row number
    std::string stored;  // the INSERT's columns
    std::string others;  // the columns but the id, as the CTE selects them
    for (std::size_t i = 0; i < m.properties().size(); ++i) {
      const std::string column = detail::quote_identifier(m.property(i).name);
      stored += (stored.empty() ? "" : ", ") + column;
      if (i != id_index || id_parameter) sent += ", " + column;
      if (i != id_index) others += ", " + column;
    }
    std::string sql = R"(WITH "tether rows" AS MATERIALIZED (SELECT "tether row", )";
    sql += id_parameter ? "COALESCE(" + id + ", nextval(" + sequence + "))" : "nextval(" + sequence + ")";
    sql += " AS " + id + others + " FROM (VALUES ";
    std::size_t n = 0;
    const std::size_t per_row = m.properties().size() - (id_parameter ? 0 : 1);
    for (std::size_t r = 0; r < rows; ++r) {
      sql += r == 0 ? "(" : ", (";
      sql += std::to_string(r + 1);
      for (std::size_t k = 0; k < per_row; ++k) {
        sql += ", ";
        detail::sql::statement_text::append_placeholder(dialect, sql, ++n);
      }
      sql += ')';
    }
    sql += R"() AS "tether values" ("tether row")" + sent + R"()), "tether inserted" AS (INSERT INTO )" +
           detail::quote_identifier(m.name()) + " (" + stored + ") SELECT " + stored +
           R"( FROM "tether rows") SELECT )" + id + R"( FROM "tether rows" ORDER BY "tether row")";
    return sql;
  }

  /// The integer id row `row` is written with: the one reserved for it, or the one it gives (which the sequence
  /// must then move past).
  static std::int64_t row_id(const model_info& m, const void* row, const std::optional<std::int64_t>& reserved,
                             std::optional<std::int64_t>& highest_given) {
    if (reserved) return *reserved;
    const std::int64_t id = given_id(m, row);
    highest_given = std::max(highest_given.value_or(id), id);
    return id;
  }

  /// Reserves from the id's sequence, in one round trip, an id for each of `rows` whose id is to be generated,
  /// in ascending order along the rows (a sequence hands out each id once, whether or not the insert commits).
  void reserve_ids(detail::postgres::connection& c, const model_info& m, const query_observer& log,
                   const std::string& sequence, row_span rows, std::span<std::optional<std::int64_t>> generated) {
    if (!m.id().generated) return;
    std::int64_t wanted = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) wanted += detail::sql::id_is_generated(m, rows[k]) ? 1 : 0;
    if (wanted == 0) return;
    const std::string sql = "SELECT nextval(" + sequence + ") FROM generate_series(1, $1)";
    detail::postgres::parameters params;
    detail::postgres::add_int8(params, wanted);
    log(m.name(), "create", [&] { return sql; });
    const auto r = run(c, m, sql, params, "create");
    std::vector<std::int64_t> ids;
    ids.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) ids.push_back(detail::postgres::read_int8(r, i, 0));
    std::sort(ids.begin(), ids.end());
    std::size_t next = 0;
    for (std::size_t k = 0; k < rows.size(); ++k)
      if (detail::sql::id_is_generated(m, rows[k])) generated[k] = ids.at(next++);
  }

  /// All `rows` by one binary `COPY ... FROM STDIN`. COPY returns no ids, so the ids to generate are reserved
  /// from the id's sequence first, in one round trip, and sent as the rows' ids.
  void copy_rows(detail::postgres::connection& c, const model_info& m, const query_observer& log,
                 const std::string& sequence, row_span rows, std::span<std::optional<std::int64_t>> generated,
                 std::optional<std::int64_t>& highest_given) {
    const std::size_t columns = m.properties().size();
    const std::size_t id_index = m.id_index();
    const bool integer_id = m.id().generated;
    reserve_ids(c, m, log, sequence, rows, generated);
    std::string data("PGCOPY\n\377\r\n\0", 11);
    detail::postgres::append_big_endian(data, 0, 4);  // flags
    detail::postgres::append_big_endian(data, 0, 4);  // header extension
    data.reserve(rows.size() * columns * 16);
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const void* row = rows[k];
      detail::postgres::append_big_endian(data, columns, 2);
      for (std::size_t i = 0; i < columns; ++i) {
        if (i == id_index && integer_id) {
          detail::postgres::append_copy_int8(data, row_id(m, row, generated[k], highest_given));
        } else {
          detail::postgres::append_copy_member(data, m.property(i), m.member(row, i));
        }
      }
    }
    detail::postgres::append_big_endian(data, 0xffff, 2);  // the end of the rows
    const std::string& sql = statements_of(m).copy;
    log(m.name(), "create", [&] { return sql; });
    hinted(m, "create", [&](const std::string& what) { return c.copy_in(sql, data, what); });
  }

  /// Whether every column of m's table has the type binary COPY rows carry for its property (as automigrate
  /// makes them); a narrower one, such as `integer` for an integer property, would refuse them.
  bool copies_into(detail::postgres::connection& c, const model_info& m) {
    const std::string table(m.name());
    {
      std::lock_guard lock(state_->mutex);
      if (auto found = state_->copyable.find(table); found != state_->copyable.end()) return found->second;
    }
    const auto types = column_types(c, table);
    bool fits = true;
    for (const auto& p : m.properties()) {
      const auto found = types.find(p.name);
      fits = fits && found != types.end() && found->second == std::to_string(detail::postgres::type_of(p.kind));
    }
    std::lock_guard lock(state_->mutex);
    state_->copyable[table] = fits;
    return fits;
  }

  /// After ids were given explicitly: the sequence never hands out one of them (nor any id again).
  static void move_sequence_past(detail::postgres::connection& c, const model_info& m, const query_observer& log,
                                 const std::string& sequence, std::int64_t id) {
    const std::string sql = "SELECT setval(" + sequence + ", GREATEST($1, nextval(" + sequence + ")))";
    detail::postgres::parameters params;
    detail::postgres::add_int8(params, id);
    log(m.name(), "create", [&] { return sql; });
    run(c, m, sql, params, "create");
  }

  /// m's id sequence as a constant of the SQL text (`'schema."Order_id_seq"'::regclass`), looked up once: the
  /// server resolves it when it parses the statement, where pg_get_serial_sequence would run once per row.
  std::string sequence_of(detail::postgres::connection& c, const model_info& m) {
    const std::string table(m.name());
    {
      std::lock_guard lock(state_->mutex);
      if (auto found = state_->sequences.find(table); found != state_->sequences.end()) return found->second;
    }
    detail::postgres::parameters params;
    detail::postgres::add_text(params, detail::quote_identifier(table));
    detail::postgres::add_text(params, m.id().name);
    const auto r = c.query_text("SELECT pg_get_serial_sequence($1, $2)", params,
                                "cannot find the id sequence of " + table);
    if (r.rows() == 0 || r.is_null(0, 0))
      throw error("tether::postgres: " + table + "." + std::string(m.id().name) +
                  " has no sequence to generate ids from; migrate the model (automigrate) or give ids");
    const std::string sequence = detail::postgres::literal(r.bytes(0, 0)) + "::regclass";
    std::lock_guard lock(state_->mutex);
    state_->sequences[table] = sequence;
    return sequence;
  }

  /// m's statements that depend on nothing but the model, built on first use and kept for the connector's life
  /// (a model_info lives as long as the program, so its address is the key).
  const model_statements& statements_of(const model_info& m) {
    std::lock_guard lock(state_->mutex);
    auto& slot = state_->statements[&m];
    if (slot == nullptr) slot = std::make_unique<const model_statements>(m);
    return *slot;
  }

  std::unique_ptr<state> state_;
};

static_assert(connector<postgres>);
static_assert(lookup_connector<postgres>);
static_assert(partition_paging_connector<postgres>);
static_assert(!inline_connector<postgres>);

}  // namespace tether

#endif
