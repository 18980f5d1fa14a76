#ifndef TETHER_MEMORY_HPP
#define TETHER_MEMORY_HPP

/// @file
/// `tether::memory`, the embedded default connector: typed in-memory tables, generated integer ids,
/// referential integrity, all-or-nothing operations and transactions, thread-safe (one lock; a transaction
/// holds it until it ends). Optionally persisted to a JSON file (`tether::memory{"shop.json"}`) in LoopBack's
/// memory-connector layout: read when a model's table is first opened, rewritten after every committed change
/// through a temporary file and a rename. Every write rewrites the whole file, as LoopBack does; it suits
/// development data and small stores.

#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/memory/database.hpp>
#include <tether/detail/memory/file.hpp>
#include <tether/detail/memory/render.hpp>
#include <tether/model_info.hpp>
#include <tether/query.hpp>
#include <tether/value.hpp>

namespace tether {

/// @brief The embedded default connector. Movable; copies are not offered (a store has one owner).
class memory {
public:
  /// @brief No statement to bind: include sends every key at once.
  [[nodiscard]] static constexpr std::size_t parameter_limit() noexcept {
    return std::numeric_limits<std::size_t>::max();
  }
  /// @brief Operations finish in microseconds and never wait on I/O, so relation loads run on the caller.
  static constexpr bool runs_inline = true;
  /// @brief Pages each partition of a query itself (query::partition), after filtering and sorting.
  static constexpr bool pages_per_partition = true;

  /// @brief A store that lives as long as the datasource.
  memory() : db_(std::make_unique<detail::memory::memory_database>(nullptr)) {}
  /// @brief A store kept in `file` (a std::filesystem::path, or anything that makes one), read now if it exists.
  /// Throws connection_error when it is no data file. A template, so that only a program that keeps its data in a
  /// file compiles the file's code and the JSON parser it needs.
  template <class Path>
    requires std::constructible_from<std::filesystem::path, const Path&>
  explicit memory(const Path& file)
      : db_(std::make_unique<detail::memory::memory_database>(
            std::make_unique<detail::memory::json_memory_file<>>(std::filesystem::path(file)))) {}

  void ensure_table(const model_info& m, const query_observer& log) {
    log(m.name(), "migrate", [&] { return "ensure " + std::string(m.name()); });
    db_->atomically([&] { db_->open_table(m); });
  }

  void drop_table(const model_info& m, const query_observer& log) {
    log(m.name(), "migrate", [&] { return "drop " + std::string(m.name()); });
    db_->atomically([&] { db_->drop_table(m); });
  }

  void insert(const model_info& m, row_span rows, const query_observer& log) {
    log(m.name(), "create", [&] { return detail::memory::render_rows(m, rows); });
    auto ids = db_->atomically([&] { return db_->insert(m, rows); });
    for (std::size_t i = 0; i < rows.size(); ++i) m.set(rows[i], m.id_index(), detail::memory::key_value(ids[i]));
  }

  void select(const model_info& m, const query& q, row_sink& out, const query_observer& log) {
    log(m.name(), "find", [&] { return detail::memory::render_query(m, q); });
    db_->atomically([&] { db_->select(m, q, out); });
  }

  bool update(const model_info& m, const void* row, const query_observer& log) {
    log(m.name(), "update", [&] { return detail::memory::render_row(m, row); });
    return db_->atomically([&] { return db_->update(m, row); });
  }

  bool remove(const model_info& m, const value& id, const query_observer& log) {
    log(m.name(), "delete", [&] { return "{\"id\":" + detail::describe(id) + "}"; });
    using detail::memory::memory_key;
    const memory_key key = std::holds_alternative<std::string>(id) ? memory_key(std::get<std::string>(id))
                                                                   : memory_key(std::get<std::int64_t>(id));
    return db_->atomically([&] { return db_->remove(m, key); });
  }

  /// @brief A relation's load: the first row whose property equals `key`, found by id or through the property's
  /// index and copied from the store straight into the shared object the relation hands out; null when none.
  /// Answers and reports what `select` does for that `eq` and a limit of 1.
  std::shared_ptr<void> lookup(const model_info& m, std::size_t property, const value& key,
                               const query_observer& log) {
    log(m.name(), "find", [&] {
      query by_key;
      by_key.where = predicate{property, operator_kind::eq, {key}, {}};
      by_key.limit = 1;
      return detail::memory::render_query(m, by_key);
    });
    // A load's key nearly always names a row (a dangling key is the exception), so the row is made before the
    // lock is taken, which then covers only the find and the copy.
    auto row = m.row().make_shared();
    const bool found = db_->atomically([&] {
      const void* stored = db_->first_equal(m, property, key);
      if (stored != nullptr) m.row().copy_assign(row.get(), stored);
      return stored != nullptr;
    });
    if (!found) row.reset();
    return row;
  }

  std::size_t count(const model_info& m, const query& q, const query_observer& log) {
    log(m.name(), "count", [&] { return detail::memory::render_query(m, q); });
    return db_->atomically([&] { return db_->count(m, q); });
  }

  void begin(const query_observer& log) {
    log("", "transaction", [] { return std::string("BEGIN"); });
    db_->begin();
  }
  void commit(const query_observer& log) {
    log("", "transaction", [] { return std::string("COMMIT"); });
    db_->commit();
  }
  void rollback(const query_observer& log) {
    log("", "transaction", [] { return std::string("ROLLBACK"); });
    db_->rollback();
  }

private:
  std::unique_ptr<detail::memory::memory_database> db_;
};

static_assert(connector<memory>);
static_assert(inline_connector<memory>);
static_assert(lookup_connector<memory>);
static_assert(partition_paging_connector<memory>);

}  // namespace tether

#endif
