#ifndef TETHER_DATASOURCE_HPP
#define TETHER_DATASOURCE_HPP

/// @file
/// `tether::datasource<Connector>`: owns a connector, migrates models, hands out repositories, reports round
/// trips to `on_query`, runs transactions, and serves relation loads (on the caller for an inline connector,
/// on the caller while an idle-inline connector is free, on a Boost.Asio thread pool otherwise).
///
/// Data flows one way: repository -> source (checks names and values, resolves the filter; operations.hpp) ->
/// connector.

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <tether/belongs_to.hpp>
#include <tether/connector.hpp>
#include <tether/detail/config.hpp>
#include <tether/detail/operations.hpp>
#include <tether/detail/partition_paging.hpp>
#include <tether/detail/row_buffer.hpp>
#include <tether/detail/source.hpp>
#include <tether/detail/worker_pool.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>
#include <tether/repository.hpp>

namespace tether {
namespace detail {

/// The workers that run relation loads a connector cannot run on the caller's thread: a Boost.Asio thread
/// pool (worker_pool.hpp), started on first use. An inline connector runs every load on the caller, so it has none, and compiles
/// none of the pool.
template <bool Needed>
class load_workers {
public:
  void post(unsigned, std::function<void()> task) { task(); }
  void join() noexcept {}
};

template <>
class load_workers<true> {
public:
  void post(unsigned count, std::function<void()> task) {
    std::call_once(started_, [&] { pool_ = make_worker_pool(count); });
    pool_->post(std::move(task));
  }
  /// Waits for the loads in flight.
  void join() {
    if (pool_) pool_->join();
  }

private:
  std::once_flag started_;
  std::unique_ptr<worker_pool> pool_;
};

/// The shared part of a datasource: what relations and repositories hold on to. It implements the seam of
/// `source` for connector C, and decides where relation loads run.
template <connector C>
class datasource_core final : public source {
public:
  explicit datasource_core(C c) : connector_(std::move(c)) {}

  ~datasource_core() override { close(); }

  C& connector() noexcept { return connector_; }

  [[nodiscard]] std::size_t parameter_limit() const override { return connector_.parameter_limit(); }

  bool run_here(task_ref task) override {
    if constexpr (inline_connector<C>) {
      task();
      return true;
    } else {
      if (current_transaction == this) {
        task();
        return true;
      }
      if constexpr (idle_inline_connector<C>) {
        try {
          no_wait_scope scope;
          task();
          return true;
        } catch (const would_wait&) {
          // The connector is busy with another thread's work: a worker waits for it instead of the caller.
        }
      }
      return false;
    }
  }

  void run(std::function<void()> task) override { workers_.post(worker_count(), std::move(task)); }

  /// How many loads run at once: max(2, hardware threads), or more when the connector asks for more (a
  /// connection pool whose connections would otherwise wait for a worker) through `worker_count()`.
  [[nodiscard]] unsigned worker_count() const {
    unsigned workers = std::max(2u, std::thread::hardware_concurrency());
    if constexpr (requires { { connector_.worker_count() } -> std::convertible_to<std::size_t>; })
      workers = std::max(workers, static_cast<unsigned>(connector_.worker_count()));
    return workers;
  }

  /// Stops new work and waits for loads in flight, whose futures all receive their results; then detaches
  /// the models attached here.
  void close() {
    close_models();
    workers_.join();
  }

protected:
  void connector_insert(const model_info& m, row_span rows, const query_observer& log) override {
    connector_.insert(m, rows, log);
  }
  void connector_select(const model_info& m, const query& q, row_sink& out, const query_observer& log) override {
    if constexpr (!partition_paging_connector<C>) {
      if (q.partition) return select_then_page_per_partition(m, q, out, log);
    }
    connector_.select(m, q, out, log);
  }
  std::shared_ptr<void> connector_lookup(const model_info& m, std::size_t property, const value& key,
                                         const query_observer& log) override {
    if constexpr (lookup_connector<C>) {
      return connector_.lookup(m, property, key, log);
    } else {
      query by_key;
      by_key.where = predicate{property, operator_kind::eq, {key}, {}};
      by_key.limit = 1;
      shared_buffer rows(m);
      connector_.select(m, by_key, rows, log);
      return rows.shared().empty() ? nullptr : std::move(rows.shared().front());
    }
  }
  bool connector_update(const model_info& m, const void* row, const query_observer& log) override {
    return connector_.update(m, row, log);
  }
  bool connector_remove(const model_info& m, const value& id, const query_observer& log) override {
    return connector_.remove(m, id, log);
  }
  std::size_t connector_count(const model_info& m, const query& q, const query_observer& log) override {
    return connector_.count(m, q, log);
  }

private:
  /// For a connector that does not page per partition: every matching row in the query's order, then each
  /// group's page kept here. A connector never sees a partition it did not declare it understands.
  void select_then_page_per_partition(const model_info& m, const query& q, row_sink& out, const query_observer& log) {
    query whole = q;
    whole.partition.reset();
    whole.limit.reset();
    whole.skip = 0;
    if (!partition_paged(q)) return connector_.select(m, whole, out, log);
    block_buffer all(m);
    connector_.select(m, whole, all, log);
    const row_range read = all.rows_from(0);
    std::vector<const void*> rows(read.size());
    for (std::size_t r = 0; r < read.size(); ++r) rows[r] = read[r];
    page_per_partition(m, rows, *q.partition, q.skip, q.limit);
    out.reserve(rows.size());
    for (const void* row : rows) out.append_copy(row);
  }

  C connector_;
  load_workers<!inline_connector<C>> workers_;
};

/// Orders models so that every referenced model comes before the models that reference it (cycles keep the
/// order given).
TETHER_DECL std::vector<const model_info*> order_by_references(const std::vector<const model_info*>& models);

}  // namespace detail

/// @brief A connector, the models migrated into it, and their repositories.
/// `tether::datasource db{tether::memory{}};` deduces the connector.
template <connector C>
class datasource {
public:
  explicit datasource(C connector) : core_(std::make_shared<detail::datasource_core<C>>(std::move(connector))) {
    core_->set_self(core_);
  }

  datasource(const datasource&) = delete;
  datasource& operator=(const datasource&) = delete;
  datasource(datasource&&) noexcept = default;
  datasource& operator=(datasource&&) noexcept = default;

  /// @brief Waits for relation loads in flight, then detaches the models attached to this datasource.
  ~datasource() {
    if (core_) core_->close();
  }

  /// @brief Drops and creates the models' tables (referenced models first), then attaches the models.
  template <model... Ms>
  void automigrate() {
    migrate({&model_info_of<persisted<Ms>>()...}, true);
  }

  /// @brief Creates what is missing (tables, columns) and keeps data, then attaches the models.
  template <model... Ms>
  void autoupdate() {
    migrate({&model_info_of<persisted<Ms>>()...}, false);
  }

  /// @brief The repository of M (rows are `persisted<M>`).
  template <model M>
  [[nodiscard]] tether::repository<M> repository() {
    const model_info& m = model_info_of<persisted<M>>();
    core_->adopt(m);
    return tether::repository<M>(core_, m);
  }

  /// @brief Calls `f` for every round trip to the store, on the thread that makes it; `nullptr` removes it.
  void on_query(std::function<void(const query_event&)> f) { core_->set_hook(std::move(f)); }

  /// @brief Runs `f` as one transaction: committed when it returns, rolled back when it throws (and the
  /// exception goes on). Other threads wait for it; relation loads inside it run on this thread.
  template <class F>
  decltype(auto) transaction(F&& f) {
    core_->check_open();
    auto& c = core_->connector();
    c.begin(core_->observer());
    const detail::source* outer = detail::current_transaction;
    detail::current_transaction = core_.get();
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
        f();
        detail::current_transaction = outer;
        c.commit(core_->observer());
      } else {
        decltype(auto) result = f();
        detail::current_transaction = outer;
        c.commit(core_->observer());
        return result;
      }
    } catch (...) {
      if (detail::current_transaction == core_.get()) {
        detail::current_transaction = outer;
        c.rollback(core_->observer());
      }
      throw;
    }
  }

  /// @brief The connector, for connector-specific calls.
  C& connector() noexcept { return core_->connector(); }

private:
  void migrate(const std::vector<const model_info*>& models, bool drop_first) {
    core_->check_open();
    const auto ordered = detail::order_by_references(models);
    auto& c = core_->connector();
    if (drop_first)
      for (auto it = ordered.rbegin(); it != ordered.rend(); ++it) c.drop_table(**it, core_->observer());
    for (const model_info* m : ordered) {
      core_->adopt(*m);
      c.ensure_table(*m, core_->observer());
    }
    for (const model_info* m : models) core_->attach(*m);
  }

  std::shared_ptr<detail::datasource_core<C>> core_;
};

template <class C>
datasource(C) -> datasource<C>;

}  // namespace tether

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/impl/datasource.ipp>
#endif

#endif
