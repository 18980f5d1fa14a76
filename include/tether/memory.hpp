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
#include <tether/detail/memory/render.hpp>
#include <tether/model.hpp>

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

  /// @brief A store that lives as long as the datasource.
  memory() : db_(std::make_unique<detail::memory_database>(std::nullopt)) {}
  /// @brief A store kept in `file`, read now if it exists. Throws connection_error when it is no data file.
  explicit memory(std::filesystem::path file) : db_(std::make_unique<detail::memory_database>(std::move(file))) {}
  explicit memory(const char* file) : memory(std::filesystem::path(file)) {}

  template <model M>
  void ensure_table(const query_observer& log) {
    log(model_name<M>, "migrate", [] { return "ensure " + std::string(model_name<M>); });
    db_->atomically([&] { db_->open_table<M>(); });
  }

  template <model M>
  void drop_table(const query_observer& log) {
    log(model_name<M>, "migrate", [] { return "drop " + std::string(model_name<M>); });
    db_->atomically([&] { db_->drop_table<M>(); });
  }

  template <model M>
  void insert(std::span<M> rows, const query_observer& log) {
    log(model_name<M>, "create", [&] { return detail::render_rows(rows); });
    auto ids = db_->atomically([&] { return db_->insert(std::span<const M>(rows)); });
    for (std::size_t i = 0; i < rows.size(); ++i) set_property<id_index<M>>(rows[i], std::move(ids[i]));
  }

  template <model M>
  std::vector<M> select(const query& q, const query_observer& log) {
    log(model_name<M>, "find", [&] { return detail::render_query<M>(q); });
    return db_->atomically([&] { return db_->select<M>(q); });
  }

  template <model M>
  bool update(const M& row, const query_observer& log) {
    log(model_name<M>, "update", [&] { return detail::render_rows(std::span<const M>(&row, 1)); });
    return db_->atomically([&] { return db_->update(row); });
  }

  template <model M>
  bool remove(const id_type<M>& id, const query_observer& log) {
    log(model_name<M>, "delete", [&] { return "{\"id\":" + detail::describe(detail::to_value(id)) + "}"; });
    return db_->atomically([&] { return db_->remove<M>(id); });
  }

  template <model M>
  std::size_t count(const query& q, const query_observer& log) {
    log(model_name<M>, "count", [&] { return detail::render_query<M>(q); });
    return db_->atomically([&] { return db_->count<M>(q); });
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
  std::unique_ptr<detail::memory_database> db_;
};

}  // namespace tether

#endif
