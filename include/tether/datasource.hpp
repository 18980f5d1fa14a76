#ifndef TETHER_DATASOURCE_HPP
#define TETHER_DATASOURCE_HPP

/// @file
/// `tether::datasource<Connector>`: owns a connector, migrates models, hands out repositories, reports round
/// trips to `on_query`, runs transactions, and serves relation loads (on the caller for an inline connector,
/// on the caller while an idle-inline connector is free, on a Boost.Asio thread pool otherwise).
///
/// Data flows one way: repository -> model_store (checks names and values, resolves the filter) -> connector.

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

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <tether/belongs_to.hpp>
#include <tether/connector.hpp>
#include <tether/detail/include.hpp>
#include <tether/detail/resolve.hpp>
#include <tether/detail/source.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model.hpp>
#include <tether/repository.hpp>

namespace tether {
namespace detail {

template <connector C>
class datasource_core;

/// One model's operations over connector C: checks input, reports to on_query, remembers the origin of rows.
template <connector C, class M>
class connector_store final : public model_store<M> {
public:
  explicit connector_store(datasource_core<C>& core) : core_(core) {}

  void create(std::span<M> rows) override {
    core_.check_open();
    if constexpr (std::is_same_v<id_type<M>, std::string>) {
      for (const auto& row : rows)
        if (core_.template id_is_unset<M>(row))
          throw validation_error("tether: " + std::string(model_name<M>) + "." +
                                 std::string(property_name<M, id_index<M>>) + " is a string id and must be given");
    }
    core_.connector().template insert<M>(rows, core_.observer());
    for (auto& row : rows) adopt_origin(row, core_.id());
  }

  std::vector<M> select(const query& q) override {
    core_.check_open();
    auto rows = core_.connector().template select<M>(q, core_.observer());
    for (auto& row : rows) adopt_origin(row, core_.id());
    return rows;
  }

  std::shared_ptr<M> lookup(std::size_t property, const value& key) override {
    core_.check_open();
    std::shared_ptr<M> row;
    if constexpr (lookup_connector<C, M>) {
      row = core_.connector().template lookup<M>(property, key, core_.observer());
    } else {
      query by_key;
      by_key.where = predicate{property, operator_kind::eq, {key}, {}};
      by_key.limit = 1;
      auto rows = core_.connector().template select<M>(by_key, core_.observer());
      if (!rows.empty()) row = std::make_shared<M>(std::move(rows.front()));
    }
    if (row != nullptr) adopt_origin(*row, core_.id());
    return row;
  }

  std::vector<M> find(const filter& f) override {
    core_.check_open();
    auto plan = plan_includes<M>(f);
    query q = resolve_query<M>(f);
    plan.widen_fields(q);
    auto rows = select(q);
    plan.load(rows, core_);
    return rows;
  }

  std::size_t count(const condition& c) override {
    core_.check_open();
    query q;
    if (!c.matches_all()) q.where = resolve_condition<M>(c);
    return core_.connector().template count<M>(q, core_.observer());
  }

  void update(const M& row) override {
    core_.check_open();
    if (!core_.connector().template update<M>(row, core_.observer())) {
      throw not_found("tether: cannot update " + std::string(model_name<M>) + " " +
                      std::string(property_name<M, id_index<M>>) + " " +
                      describe(to_value(get_property<id_index<M>>(row))) + ": no such row");
    }
  }

  bool remove(const id_type<M>& id) override {
    core_.check_open();
    return core_.connector().template remove<M>(id, core_.observer());
  }

private:
  datasource_core<C>& core_;
};

/// The shared part of a datasource: what relations and repositories hold on to.
template <connector C>
class datasource_core final : public source {
public:
  explicit datasource_core(C c) : connector_(std::move(c)) {}

  ~datasource_core() override { close(); }

  C& connector() noexcept { return connector_; }

  /// The most keys one include query may carry.
  [[nodiscard]] std::size_t parameter_limit() const { return connector_.parameter_limit(); }

  /// A snapshot of the on_query hook for one operation.
  [[nodiscard]] query_observer observer() const {
    if (!has_hook_.load(std::memory_order_acquire)) return query_observer{};
    std::lock_guard lock(hook_mutex_);
    return query_observer(hook_);
  }

  void set_hook(query_observer::hook f) {
    std::lock_guard lock(hook_mutex_);
    hook_ = f ? std::make_shared<const query_observer::hook>(std::move(f)) : nullptr;
    has_hook_.store(hook_ != nullptr, std::memory_order_release);
  }

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

  void run(std::function<void()> task) override {
    std::call_once(pool_started_, [this] {
      pool_ = std::make_unique<boost::asio::thread_pool>(static_cast<std::size_t>(worker_count()));
    });
    boost::asio::post(*pool_, std::move(task));
  }

  /// How many loads run at once: max(2, hardware threads), or more when the connector asks for more (a
  /// connection pool whose connections would otherwise wait for a worker) through `worker_count()`.
  [[nodiscard]] unsigned worker_count() const {
    unsigned workers = std::max(2u, std::thread::hardware_concurrency());
    if constexpr (requires { { connector_.worker_count() } -> std::convertible_to<std::size_t>; })
      workers = std::max(workers, static_cast<unsigned>(connector_.worker_count()));
    return workers;
  }

  [[nodiscard]] bool open() const noexcept override { return open_.load(std::memory_order_acquire); }

  void check_open() const {
    if (!open()) throw not_attached("tether: the datasource was destroyed; its repositories can no longer be used");
  }

  /// Stops new work and waits for loads in flight, whose futures all receive their results.
  void close() {
    open_.store(false, std::memory_order_release);
    if (pool_) pool_->join();
    std::vector<std::function<void()>> detachers;
    {
      std::lock_guard lock(names_mutex_);
      detachers.swap(detachers_);
    }
    for (auto& detach : detachers) detach();
  }

  /// M's store, created on first use together with the stores of every model M's relations reach.
  template <class M>
  std::shared_ptr<model_store<M>> store_for() {
    static_assert(model_checked<M>);
    if (auto existing = this->template store<M>()) return existing;
    claim_name<M>();
    const bool added = this->template add_store<M>([this] { return std::make_unique<connector_store<C, M>>(*this); });
    if (added) {
      for_each_property<M>([&](auto i) {
        if constexpr (is_foreign_key<M, i>) store_for<typename reference<M, i>::target>();
      });
    }
    return this->template store<M>();
  }

  template <class M>
  void attach() {
    auto me = self().lock();
    attachment<M>::attach(me);
    std::lock_guard lock(names_mutex_);
    const source* raw = this;
    detachers_.push_back([raw] { attachment<M>::detach(raw); });
  }

  template <class M>
  bool id_is_unset(const M& row) const {
    const auto& id = get_property<id_index<M>>(row);
    if constexpr (is_optional<std::remove_cvref_t<decltype(id)>>::value) return !id || id->empty();
    else return id.empty();
  }

private:
  template <class M>
  void claim_name() {
    std::lock_guard lock(names_mutex_);
    const auto [slot, fresh] = names_.emplace(std::string(model_name<M>), &type_tag<M>);
    if (!fresh && slot->second != &type_tag<M>) {
      throw error("tether: two models are named " + std::string(model_name<M>) +
                  " in one datasource; give one of them `static constexpr std::string_view model_name = \"...\";`");
    }
  }

  C connector_;
  mutable std::mutex hook_mutex_;
  std::shared_ptr<const query_observer::hook> hook_;
  std::atomic<bool> has_hook_{false};
  std::atomic<bool> open_{true};
  std::once_flag pool_started_;
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::mutex names_mutex_;
  std::unordered_map<std::string, const void*> names_;
  std::vector<std::function<void()>> detachers_;
};

/// A model in a migration: its tag, the tags of the models it references, and what to do to it.
struct migration_step {
  const void* tag;
  std::vector<const void*> references;
  std::function<void()> drop;
  std::function<void()> ensure;
};

/// Orders steps so that every referenced model comes before the models that reference it (cycles keep the
/// order given).
inline std::vector<migration_step> order_by_references(std::vector<migration_step> steps) {
  std::vector<migration_step> ordered;
  std::vector<bool> placed(steps.size(), false);
  while (ordered.size() < steps.size()) {
    bool progressed = false;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (placed[i]) continue;
      const bool ready = std::all_of(steps[i].references.begin(), steps[i].references.end(), [&](const void* ref) {
        for (std::size_t j = 0; j < steps.size(); ++j)
          if (steps[j].tag == ref && !placed[j] && j != i) return false;
        return true;
      });
      if (ready) {
        ordered.push_back(steps[i]);
        placed[i] = progressed = true;
      }
    }
    if (!progressed) {
      for (std::size_t i = 0; i < steps.size(); ++i)
        if (!placed[i]) {
          ordered.push_back(steps[i]);
          placed[i] = true;
        }
    }
  }
  return ordered;
}

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
    auto steps = detail::order_by_references({step<persisted<Ms>>()...});
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) it->drop();
    for (auto& s : steps) s.ensure();
    (core_->template attach<persisted<Ms>>(), ...);
  }

  /// @brief Creates what is missing (tables, columns) and keeps data, then attaches the models.
  template <model... Ms>
  void autoupdate() {
    for (auto& s : detail::order_by_references({step<persisted<Ms>>()...})) s.ensure();
    (core_->template attach<persisted<Ms>>(), ...);
  }

  /// @brief The repository of M (rows are `persisted<M>`).
  template <model M>
  [[nodiscard]] tether::repository<M> repository() {
    return tether::repository<M>(core_->template store_for<persisted<M>>());
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
  template <class M>
  detail::migration_step step() {
    detail::migration_step s{&detail::type_tag<M>, {}, {}, {}};
    for_each_property<M>([&](auto i) {
      if constexpr (is_foreign_key<M, i>) s.references.push_back(&detail::type_tag<typename reference<M, i>::target>);
    });
    auto* core = core_.get();
    s.drop = [core] { core->connector().template drop_table<M>(core->observer()); };
    s.ensure = [core] {
      core->template store_for<M>();
      core->connector().template ensure_table<M>(core->observer());
    };
    return s;
  }

  std::shared_ptr<detail::datasource_core<C>> core_;
};

template <class C>
datasource(C) -> datasource<C>;

}  // namespace tether

#endif
