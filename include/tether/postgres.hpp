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
/// Rows travel in PostgreSQL's binary format, bound from and read into the structs directly
/// (detail/postgres/values.hpp); statements are prepared once per connection and shape; a bulk create is one
/// multi-row INSERT, or a binary COPY when one INSERT cannot hold it (several INSERTs into a table whose column
/// types COPY cannot fill); every write is atomic
/// (one statement, a transaction around several, a savepoint inside the caller's); foreign keys are the
/// server's own, their refusals explained in the model's terms.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <tether/belongs_to.hpp>
#include <tether/connector.hpp>
#include <tether/detail/postgres/connection.hpp>
#include <tether/detail/postgres/integrity.hpp>
#include <tether/detail/postgres/pool.hpp>
#include <tether/detail/postgres/query_sql.hpp>
#include <tether/detail/postgres/schema.hpp>
#include <tether/detail/postgres/values.hpp>
#include <tether/detail/sql/columns.hpp>
#include <tether/detail/visit_property.hpp>
#include <tether/model.hpp>

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

  /// @brief How many relation loads the datasource should run at once: one per pooled connection.
  [[nodiscard]] std::size_t worker_count() const noexcept { return state_->pool.size(); }

  /// @brief The connection string as given.
  [[nodiscard]] const std::string& conninfo() const noexcept { return state_->pool.conninfo(); }

  template <model M>
  void ensure_table(const query_observer& log) {
    const std::string table(model_name<M>);
    with_connection([&](detail::postgres_connection& c, bool in_transaction) {
      write(c, in_transaction, true, [&] {
        for (const auto& index : detail::postgres_target_indexes<M>()) {
          if (index.table != table && !detail::postgres_table_exists(c, std::string(index.table))) continue;
          try {
            migrate<M>(c, log, index.sql);
          } catch (const detail::postgres_constraint_failure& e) {
            throw constraint_error("tether: cannot migrate " + table + ": " + std::string(index.table) +
                                   " holds duplicates of a property a foreign key references (" + e.what() + ")");
          }
        }
        if (!detail::postgres_table_exists(c, table)) {
          migrate<M>(c, log, detail::postgres_create_table<M>());
        } else {
          const auto existing = column_types(c, table);
          for_each_property<M>([&](auto i) {
            if (existing.contains(property_name<M, i>)) return;
            migrate<M>(c, log, "ALTER TABLE " + detail::quote_identifier(table) + " ADD COLUMN " +
                                   detail::postgres_column_definition<M, i>(true));
          });
        }
        for (const auto& sql : detail::postgres_key_indexes<M>()) migrate<M>(c, log, sql);
        // Foreign keys of other tables that dropping this one removed.
        std::lock_guard lock(state_->mutex);
        state_->sequences.erase(table);
        state_->copyable.erase(table);
        if (auto found = state_->dropped_keys.find(table); found != state_->dropped_keys.end()) {
          for (const auto& sql : found->second) migrate<M>(c, log, sql);
          state_->dropped_keys.erase(found);
        }
      });
    });
    state_->pool.schema_changed();
  }

  template <model M>
  void drop_table(const query_observer& log) {
    const std::string table(model_name<M>);
    with_connection([&](detail::postgres_connection& c, bool in_transaction) {
      write(c, in_transaction, true, [&] {
        auto restore = detail::check_postgres_drop(c, table);
        migrate<M>(c, log, "DROP TABLE IF EXISTS " + detail::quote_identifier(table) + " CASCADE");
        std::lock_guard lock(state_->mutex);
        state_->sequences.erase(table);
        state_->copyable.erase(table);
        auto& kept = state_->dropped_keys[table];
        kept.insert(kept.end(), restore.begin(), restore.end());
      });
    });
    state_->pool.schema_changed();
  }

  template <model M>
  void insert(std::span<M> rows, const query_observer& log) {
    if (rows.empty()) return;
    constexpr std::size_t columns = property_count<M>;
    const std::size_t per_statement = std::max<std::size_t>(1, max_parameters / columns);
    std::vector<std::optional<std::int64_t>> generated(rows.size());
    with_connection([&](detail::postgres_connection& c, bool in_transaction) {
      try {
        const std::string sequence = detail::integer_value<id_type<M>> ? sequence_of<M>(c) : std::string();
        // A batch too large for one INSERT goes by COPY, which bench_postgres measures faster for it, when the
        // table's columns have the types COPY's binary rows carry (a table made elsewhere may differ).
        const bool copy = rows.size() > per_statement && copies_into<M>(c);
        write(c, in_transaction, rows.size() > per_statement, [&] {
          std::optional<std::int64_t> highest_given;
          if (copy) {
            copy_rows(c, log, sequence, rows, generated, highest_given);
          } else {
            for (std::size_t first = 0; first < rows.size(); first += per_statement) {
              const std::size_t count = std::min(per_statement, rows.size() - first);
              insert_chunk(c, log, sequence, rows.subspan(first, count), std::span(generated).subspan(first, count),
                           highest_given);
            }
          }
          if (highest_given) move_sequence_past<M>(c, log, sequence, *highest_given);
        });
      } catch (const detail::postgres_constraint_failure& e) {
        detail::explain_postgres_write(c, culprit(rows, e), e, "create");
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
    const auto columns = detail::selected_properties<M>(q);
    const auto sql = detail::postgres_select_sql<M>(q, columns);
    detail::postgres_params params;
    bind_operands(params, sql);
    if (q.skip > 0) detail::add_property(params, count_parameter(q.skip));
    log(model_name<M>, "find", [&] { return sql.text; });
    return with_connection([&](detail::postgres_connection& c, bool) {
      const auto r = run<M>(c, sql.text, params, "find");
      std::vector<M> out(static_cast<std::size_t>(r.rows()));
      for (int row = 0; row < r.rows(); ++row) {
        M& target = out[static_cast<std::size_t>(row)];
        for (std::size_t k = 0; k < columns.size(); ++k)
          detail::with_property_index<M>(columns[k], [&](auto i) {
            detail::read_postgres_property<M, i>(r, row, static_cast<int>(k), target);
          });
      }
      return out;
    });
  }

  template <model M>
  bool update(const M& row, const query_observer& log) {
    static const std::string sql = update_sql<M>();
    detail::postgres_params params;
    for_each_property<M>([&](auto i) {
      if (i != id_index<M>) detail::add_property(params, get_property<i>(row));
    });
    detail::add_property(params, get_property<id_index<M>>(row));
    log(model_name<M>, "update", [] { return sql; });
    bool changed = false;
    with_connection([&](detail::postgres_connection& c, bool in_transaction) {
      try {
        write(c, in_transaction, false, [&] { changed = run<M>(c, sql, params, "update").affected() > 0; });
      } catch (const detail::postgres_constraint_failure& e) {
        detail::explain_postgres_write(c, row, e, "update");
      }
    });
    return changed;
  }

  template <model M>
  bool remove(const id_type<M>& id, const query_observer& log) {
    static const std::string sql = "DELETE FROM " + detail::quote_identifier(model_name<M>) + " WHERE " +
                                   detail::quote_identifier(property_name<M, id_index<M>>) + " = $1";
    detail::postgres_params params;
    detail::add_property(params, id);
    log(model_name<M>, "delete", [] { return sql; });
    bool removed = false;
    with_connection([&](detail::postgres_connection& c, bool in_transaction) {
      try {
        write(c, in_transaction, false, [&] { removed = run<M>(c, sql, params, "delete").affected() > 0; });
      } catch (const detail::postgres_constraint_failure& e) {
        detail::explain_postgres_removal<M>(c, detail::describe(detail::to_value(id)), e);
      }
    });
    return removed;
  }

  template <model M>
  std::size_t count(const query& q, const query_observer& log) {
    const auto sql = detail::postgres_count_sql<M>(q);
    detail::postgres_params params;
    bind_operands(params, sql);
    log(model_name<M>, "count", [&] { return sql.text; });
    return with_connection([&](detail::postgres_connection& c, bool) {
      const auto r = run<M>(c, sql.text, params, "count");
      return static_cast<std::size_t>(detail::read_postgres_column<std::int64_t>(r, 0, 0));
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

  struct state {
    state(std::string conninfo, const postgres_options& options)
        : pool(std::move(conninfo), options.pool_size, options.connect_timeout, options.statement_timeout) {}
    detail::postgres_pool pool;
    std::mutex mutex;
    /// Per dropped table, the statements that put back the foreign keys other tables had to it.
    std::map<std::string, std::vector<std::string>> dropped_keys;
    /// Per table, its id sequence as sequence_of gives it (forgotten when tables change).
    std::map<std::string, std::string> sequences;
    /// Per table, whether copies_into found its columns fit for binary COPY (forgotten when tables change).
    std::map<std::string, bool> copyable;
  };

  /// A transaction's connection, pinned to the thread that began it.
  struct pin {
    const state* owner;
    detail::postgres_pool::lease connection;
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

  /// Calls `f(connection, in_transaction)` on this thread's transaction connection, or a leased one.
  template <class F>
  decltype(auto) with_connection(F&& f) {
    if (pin* p = pinned()) return f(*p->connection, true);
    auto lease = state_->pool.acquire();
    return f(*lease, false);
  }

  /// Runs `f` all-or-nothing: inside the caller's transaction as a savepoint (a failed statement would spoil
  /// the whole transaction otherwise), in a transaction of its own when it runs several statements, and as
  /// it is when it is one statement.
  template <class F>
  static void write(detail::postgres_connection& c, bool in_transaction, bool several, F&& f) {
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

  template <class M>
  static detail::postgres_result run(detail::postgres_connection& c, const std::string& sql,
                                     detail::postgres_params& params, const char* operation) {
    return hinted<M>(operation, [&](const std::string& what) { return c.run(sql, params, what); });
  }

  /// Calls `f("cannot <operation> <model>")`; an error that is neither the connection's nor a constraint's
  /// gains the hint that the table may lack migration.
  template <class M, class F>
  static detail::postgres_result hinted(const char* operation, F&& f) {
    try {
      return f(std::string("cannot ") + operation + " " + std::string(model_name<M>));
    } catch (const connection_error&) {
      throw;
    } catch (const detail::postgres_constraint_failure&) {
      throw;
    } catch (const error& e) {
      throw error(std::string(e.what()) + " (is the table of " + std::string(model_name<M>) +
                  " migrated? autoupdate adds missing tables and columns)");
    }
  }

  template <class M>
  static void migrate(detail::postgres_connection& c, const query_observer& log, const std::string& sql) {
    log(model_name<M>, "migrate", [&] { return sql; });
    c.exec(sql, "cannot migrate " + std::string(model_name<M>));
  }

  /// The columns of `table`: name to type OID (as text).
  static std::map<std::string, std::string, std::less<>> column_types(detail::postgres_connection& c,
                                                                      const std::string& table) {
    detail::postgres_params params;
    detail::add_property(params, detail::quote_identifier(table));
    const auto r = c.query_text(
        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
        params, "cannot read the columns of " + table);
    std::map<std::string, std::string, std::less<>> types;
    for (int i = 0; i < r.rows(); ++i) types.emplace(r.bytes(i, 0), r.bytes(i, 1));
    return types;
  }

  static void bind_operands(detail::postgres_params& params, const detail::postgres_sql& sql) {
    for (const auto& o : sql.operands) {
      if (o.is_pattern) detail::add_property(params, o.pattern);
      else if (o.list != nullptr) detail::add_operand_array(params, *o.list, o.kind);
      else detail::add_operand(params, *o.single, o.kind);
    }
  }

  /// A size_t as a bigint parameter, saturating (a limit beyond int64 means no limit).
  static std::int64_t count_parameter(std::size_t n) noexcept {
    constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
    return static_cast<std::int64_t>(n > most ? most : n);
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

  /// One multi-row INSERT of `rows`. Generated ids come from the id's sequence as the VALUES rows are read, in
  /// order, so the ids RETURNING gives that the caller did not supply, in ascending order, are the rows' ids.
  /// When no row supplies its id, the id column is left out and the column's identity default generates them
  /// all: a third fewer parameters, and no `nextval` expression per row for the server to parse.
  template <class M>
  static void insert_chunk(detail::postgres_connection& c, const query_observer& log, const std::string& sequence,
                           std::span<M> rows, std::span<std::optional<std::int64_t>> generated,
                           std::optional<std::int64_t>& highest_given) {
    const bool id_column = !detail::integer_value<id_type<M>> || property_count<M> == 1 ||
                           !std::all_of(rows.begin(), rows.end(), [](const M& row) { return id_is_generated(row); });
    const std::string sql = insert_sql<M>(rows.size(), sequence, id_column);
    detail::postgres_params params;
    params.reserve(rows.size() * property_count<M>, rows.size() * property_count<M> * 16);
    std::vector<std::int64_t> given;
    for (const M& row : rows) {
      const bool generate = id_is_generated(row);
      for_each_property<M>([&](auto i) {
        if constexpr (i == id_index<M> && detail::integer_value<id_type<M>>) {
          if (!id_column) return;
          if (generate) {
            params.add_null(detail::postgres_oid::int8);
          } else {
            const auto& stored = get_property<i>(row);
            std::int64_t id = 0;
            if constexpr (detail::is_optional<std::remove_cvref_t<decltype(stored)>>::value) id = *stored;
            else id = static_cast<std::int64_t>(stored);
            given.push_back(id);
            highest_given = std::max(highest_given.value_or(id), id);
            detail::add_property(params, id);
          }
        } else {
          detail::add_property(params, get_property<i>(row));
        }
      });
    }
    log(model_name<M>, "create", [&] { return sql; });
    const auto r = run<M>(c, sql, params, "create");
    if constexpr (detail::integer_value<id_type<M>>) {
      std::vector<std::int64_t> ids;
      ids.reserve(static_cast<std::size_t>(r.rows()));
      for (int i = 0; i < r.rows(); ++i) ids.push_back(detail::read_postgres_column<std::int64_t>(r, i, 0));
      std::sort(ids.begin(), ids.end());
      std::sort(given.begin(), given.end());
      std::vector<std::int64_t> fresh;
      std::set_difference(ids.begin(), ids.end(), given.begin(), given.end(), std::back_inserter(fresh));
      std::size_t next = 0;
      for (std::size_t k = 0; k < rows.size() && next < fresh.size(); ++k)
        if (id_is_generated(rows[k])) generated[k] = fresh[next++];
    }
  }

  /// All `rows` by one binary `COPY ... FROM STDIN`. COPY returns no ids, so the ids to generate are reserved
  /// from the id's sequence first, in one round trip, and sent as the rows' ids.
  template <class M>
  static void copy_rows(detail::postgres_connection& c, const query_observer& log, const std::string& sequence,
                        std::span<M> rows, std::span<std::optional<std::int64_t>> generated,
                        std::optional<std::int64_t>& highest_given) {
    constexpr bool integer_id = detail::integer_value<id_type<M>>;
    if constexpr (integer_id) {
      const auto wanted = std::count_if(rows.begin(), rows.end(), [](const M& row) { return id_is_generated(row); });
      if (wanted > 0) {
        const std::string sql = "SELECT nextval(" + sequence + ") FROM generate_series(1, $1)";
        detail::postgres_params params;
        detail::add_property(params, static_cast<std::int64_t>(wanted));
        log(model_name<M>, "create", [&] { return sql; });
        const auto r = run<M>(c, sql, params, "create");
        int next = 0;
        for (std::size_t k = 0; k < rows.size(); ++k)
          if (id_is_generated(rows[k])) generated[k] = detail::read_postgres_column<std::int64_t>(r, next++, 0);
      }
    }
    std::string data("PGCOPY\n\377\r\n\0", 11);
    detail::append_big_endian(data, 0, 4);  // flags
    detail::append_big_endian(data, 0, 4);  // header extension
    data.reserve(rows.size() * property_count<M> * 16);
    for (std::size_t k = 0; k < rows.size(); ++k) {
      detail::append_big_endian(data, property_count<M>, 2);
      for_each_property<M>([&](auto i) {
        if constexpr (i == id_index<M> && integer_id) {
          if (generated[k]) {
            detail::append_copy_field(data, *generated[k]);
          } else {
            const auto& stored = get_property<i>(rows[k]);
            std::int64_t id = 0;
            if constexpr (detail::is_optional<std::remove_cvref_t<decltype(stored)>>::value) id = *stored;
            else id = static_cast<std::int64_t>(stored);
            highest_given = std::max(highest_given.value_or(id), id);
            detail::append_copy_field(data, id);
          }
        } else {
          detail::append_copy_field(data, get_property<i>(rows[k]));
        }
      });
    }
    detail::append_big_endian(data, 0xffff, 2);  // the end of the rows
    std::string sql = "COPY " + detail::quote_identifier(model_name<M>) + " (";
    for_each_property<M>([&](auto i) {
      if (i > 0) sql += ", ";
      detail::append_identifier(sql, property_name<M, i>);
    });
    sql += ") FROM STDIN (FORMAT binary)";
    log(model_name<M>, "create", [&] { return sql; });
    hinted<M>("create", [&](const std::string& what) { return c.copy_in(sql, data, what); });
  }

  /// Whether every column of M's table has the type binary COPY rows carry for its property (as automigrate
  /// makes them); a narrower one, such as `integer` for an integer property, would refuse them.
  template <class M>
  bool copies_into(detail::postgres_connection& c) {
    const std::string table(model_name<M>);
    {
      std::lock_guard lock(state_->mutex);
      if (auto found = state_->copyable.find(table); found != state_->copyable.end()) return found->second;
    }
    const auto types = column_types(c, table);
    bool fits = true;
    for_each_property<M>([&](auto i) {
      const auto found = types.find(property_name<M, i>);
      fits = fits && found != types.end() &&
             found->second == std::to_string(detail::postgres_type_of(properties<M>()[i].kind));
    });
    std::lock_guard lock(state_->mutex);
    state_->copyable[table] = fits;
    return fits;
  }

  /// After ids were given explicitly: the sequence never hands out one of them (nor any id again).
  template <class M>
  static void move_sequence_past(detail::postgres_connection& c, const query_observer& log,
                                 const std::string& sequence, std::int64_t id) {
    const std::string sql = "SELECT setval(" + sequence + ", GREATEST($1, nextval(" + sequence + ")))";
    detail::postgres_params params;
    detail::add_property(params, id);
    log(model_name<M>, "create", [&] { return sql; });
    run<M>(c, sql, params, "create");
  }

  /// M's id sequence as a constant of the SQL text (`'schema."Order_id_seq"'::regclass`), looked up once: the
  /// server resolves it when it parses the statement, where pg_get_serial_sequence would run once per row.
  template <class M>
  std::string sequence_of(detail::postgres_connection& c) {
    const std::string table(model_name<M>);
    {
      std::lock_guard lock(state_->mutex);
      if (auto found = state_->sequences.find(table); found != state_->sequences.end()) return found->second;
    }
    detail::postgres_params params;
    detail::add_property(params, detail::quote_identifier(table));
    detail::add_property(params, std::string(property_name<M, id_index<M>>));
    const auto r = c.query_text("SELECT pg_get_serial_sequence($1, $2)", params,
                                "cannot find the id sequence of " + table);
    if (r.rows() == 0 || r.is_null(0, 0))
      throw error("tether::postgres: " + table + "." + std::string(property_name<M, id_index<M>>) +
                  " has no sequence to generate ids from; migrate the model (automigrate) or give ids");
    const std::string sequence = detail::postgres_literal(r.bytes(0, 0)) + "::regclass";
    std::lock_guard lock(state_->mutex);
    state_->sequences[table] = sequence;
    return sequence;
  }

  /// The row a refused bulk insert was refused for: the one holding the key the server's detail names.
  template <class M>
  static const M& culprit(std::span<M> rows, const detail::postgres_constraint_failure& e) {
    const auto& detail_line = e.detail();
    const auto open = detail_line.find("Key (");
    const auto close = detail_line.find(")=(");
    if (rows.size() > 1 && open != std::string::npos && close != std::string::npos) {
      const std::string column = detail_line.substr(open + 5, close - open - 5);
      const std::string key = detail::postgres_detail_key(detail_line);
      for (const M& row : rows) {
        bool hit = false;
        for_each_property<M>([&](auto i) {
          if (property_name<M, i> != column) return;
          const auto v = detail::to_value(get_property<i>(row));
          if (const auto* s = std::get_if<std::string>(&v)) hit = *s == key;
          else hit = detail::describe(v) == key;
        });
        if (hit) return row;
      }
    }
    return rows.front();
  }

  /// `INSERT ... VALUES (...), ... RETURNING id` for `rows` rows; without the id column unless `id_column`.
  template <class M>
  static std::string insert_sql(std::size_t rows, const std::string& sequence, bool id_column) {
    const auto stored = [&](auto i) { return id_column || i != id_index<M>; };
    std::string columns;
    for_each_property<M>([&](auto i) {
      if (!stored(i)) return;
      if (!columns.empty()) columns += ", ";
      detail::append_identifier(columns, property_name<M, i>);
    });
    std::string sql = "INSERT INTO " + detail::quote_identifier(model_name<M>) + " (" + columns + ") VALUES ";
    const std::string next_id = "nextval(" + sequence + ")";
    std::size_t n = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      sql += r == 0 ? "(" : ", (";
      bool first = true;
      for_each_property<M>([&](auto i) {
        if (!stored(i)) return;
        if (!std::exchange(first, false)) sql += ", ";
        if constexpr (i == id_index<M> && detail::integer_value<id_type<M>>)
          sql += "COALESCE($" + std::to_string(++n) + ", " + next_id + ")";
        else  // appended in two steps: g++ 12 -O2 warns falsely (-Wrestrict) on "$" + std::to_string(...)
          (sql += '$') += std::to_string(++n);
      });
      sql += ')';
    }
    return sql + " RETURNING " + detail::quote_identifier(property_name<M, id_index<M>>);
  }

  template <class M>
  static std::string update_sql() {
    std::string sql = "UPDATE " + detail::quote_identifier(model_name<M>) + " SET ";
    int n = 0;
    for_each_property<M>([&](auto i) {
      if (i == id_index<M>) return;
      if (n > 0) sql += ", ";
      detail::append_identifier(sql, property_name<M, i>);
      sql += " = $" + std::to_string(++n);
    });
    const std::string id = detail::quote_identifier(property_name<M, id_index<M>>);
    if (n == 0) sql += id + " = " + id;  // a model of an id alone: the update only asks whether the row exists
    return sql + " WHERE " + id + " = $" + std::to_string(n + 1);
  }

  std::unique_ptr<state> state_;
};

static_assert(connector<postgres>);
static_assert(!inline_connector<postgres>);

}  // namespace tether

#endif
