#ifndef TETHER_CONNECTOR_HPP
#define TETHER_CONNECTOR_HPP

/// @file
/// The seam between the datasource and a store. A connector is a class with a handful of member templates, one
/// per operation, each taking the model type. It reads and writes rows through `get_property`/`set_property`
/// (model.hpp) and learns foreign keys through `tether::reference` (belongs_to.hpp): it never sees a relation,
/// a cache or a filter string. Every name and value in a `tether::query` has been checked against the model
/// before the connector is called.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tether/filter.hpp>
#include <tether/model.hpp>
#include <tether/value.hpp>

namespace tether {

/// @brief A where tree whose property names are resolved to indexes and whose values fit the property types
/// (an integer property gets `std::int64_t` operands, a real one `double`, a time one `time_point`).
struct predicate {
  std::size_t property = 0;  ///< index into the model's properties; unused for and_/or_
  operator_kind op = operator_kind::and_;
  std::vector<value> values;         ///< operands: one, two for between, any number for inq/nin
  std::vector<predicate> children;   ///< for and_/or_
};

/// @brief One term of a sort.
struct sort_key {
  std::size_t property = 0;
  bool descending = false;
};

/// @brief What a connector is asked to read or count, connector-neutral and checked against the model.
struct query {
  std::optional<predicate> where;      ///< none: every row
  std::vector<std::size_t> fields;     ///< property indexes to read; empty: all. The id is always among them.
  std::vector<sort_key> order;         ///< empty: by id ascending
  std::optional<std::size_t> limit;
  std::size_t skip = 0;
};

/// @brief One round trip to the store, as `datasource::on_query` reports it. Valid during the call only.
struct query_event {
  std::string_view model;
  std::string_view operation;  ///< "find", "count", "create", "update", "delete", "migrate", "transaction"
  std::string_view text;       ///< SQL for SQL stores; a JSON rendering of the query for memory
};

/// @brief What a connector reports its round trips to. Building the text costs nothing when nobody listens.
class query_observer {
public:
  using hook = std::function<void(const query_event&)>;

  query_observer() = default;
  explicit query_observer(std::shared_ptr<const hook> listener) : listener_(std::move(listener)) {}

  [[nodiscard]] bool active() const noexcept { return listener_ != nullptr; }

  /// @brief Reports one round trip; `text()` is called only when someone listens.
  template <class TextFn>
  void operator()(std::string_view model, std::string_view operation, TextFn&& text) const {
    if (!listener_) return;
    const std::string rendered = std::forward<TextFn>(text)();
    (*listener_)(query_event{model, operation, rendered});
  }

private:
  std::shared_ptr<const hook> listener_;
};

namespace detail {

/// The model a connector concept check is instantiated with.
struct connector_archetype {
  BOOST_HANA_DEFINE_STRUCT(connector_archetype, (std::int64_t, id), (std::string, name));
};

}  // namespace detail

/// @brief What a store must offer the datasource. Each operation is a member template over the model type `M`
/// (always a model with an id), and reports each round trip to the observer it is given.
///
/// - `c.parameter_limit()`: the most values one statement may bind, asked at run time (a SQLite build sets its
///   own limit); include splits its key lists by it.
/// - `c.ensure_table<M>(log)`: create M's table if missing, add missing columns; keep data (autoupdate).
/// - `c.drop_table<M>(log)`: remove M's table and its rows (automigrate drops, then ensures).
/// - `c.insert<M>(rows, log)`: store the rows, all or none; write generated integer ids back into rows whose
///   id is value-initialised. Throws `constraint_error` for a foreign key matching no target or a duplicate id.
/// - `c.select<M>(query, log)`: the matching rows, sorted, paged, with unselected properties value-initialised.
/// - `c.update<M>(row, log)`: replace the row with row's id; false when there is none. Integrity as for insert,
///   and a referenced property may not change while rows reference it.
/// - `c.remove<M>(id, log)`: remove the row, applying each referencing relation's delete_action (restrict
///   refuses the whole removal, cascade removes, set_null clears keys); false when there is none.
/// - `c.count<M>(query, log)`: how many rows match `query.where`.
/// - `c.begin(log)`, `c.commit(log)`, `c.rollback(log)`: a transaction on the calling thread; every operation
///   that thread makes in between is part of it.
/// - optional, `c.worker_count()`: how many relation loads the datasource should run at once (a connector with
///   a pool of N connections says N); the datasource runs at least max(2, hardware threads).
/// - optional, `c.lookup<M>(property, key, log)`: the first row whose property equals `key` (by id when the
///   property is the id, else the first by id), as a `std::shared_ptr<M>`, null when none; what a relation's
///   load asks. Without it the datasource asks `select` with a one-value `eq` predicate and a limit of 1.
template <class C>
concept connector =
    std::move_constructible<C> &&
    requires(C& c, const C& cc, detail::connector_archetype& row, std::span<detail::connector_archetype> rows, const query& q,
             const query_observer& log, const std::int64_t& id) {
      { cc.parameter_limit() } -> std::convertible_to<std::size_t>;
      c.template ensure_table<detail::connector_archetype>(log);
      c.template drop_table<detail::connector_archetype>(log);
      c.template insert<detail::connector_archetype>(rows, log);
      { c.template select<detail::connector_archetype>(q, log) } -> std::same_as<std::vector<detail::connector_archetype>>;
      { c.template update<detail::connector_archetype>(std::as_const(row), log) } -> std::same_as<bool>;
      { c.template remove<detail::connector_archetype>(id, log) } -> std::same_as<bool>;
      { c.template count<detail::connector_archetype>(q, log) } -> std::convertible_to<std::size_t>;
      c.begin(log);
      c.commit(log);
      c.rollback(log);
    };

/// @brief A connector that answers a relation's load of one row directly (see `lookup` in `connector`).
template <class C, class M>
concept lookup_connector = requires(C& c, std::size_t property, const value& key, const query_observer& log) {
  { c.template lookup<M>(property, key, log) } -> std::same_as<std::shared_ptr<M>>;
};

/// @brief A connector whose operations are quick and never wait on I/O (memory): relation loads run on the
/// calling thread instead of a worker.
template <class C>
concept inline_connector = connector<C> && requires { requires C::runs_inline; };

/// @brief Thrown by a connector's `select` when `tether::must_not_wait()` is true and answering would mean
/// waiting (for a lock another thread holds), before the read has done anything.
struct would_wait {};

namespace detail {
inline thread_local bool no_wait = false;
}  // namespace detail

/// @brief True while a relation load is being tried on the caller's thread: a connector that would have to
/// wait must throw `tether::would_wait` instead, and the load moves to a worker.
[[nodiscard]] inline bool must_not_wait() noexcept { return detail::no_wait; }

/// @brief A connector whose reads take microseconds unless they must wait for a lock (SQLite): a relation load
/// first runs on the caller's thread, where the work costs less than handing it to a worker would, and goes to
/// a worker only when the connector throws `would_wait`. `get()` never waits for another thread's work.
template <class C>
concept idle_inline_connector = connector<C> && !inline_connector<C> && requires { requires C::loads_inline_when_idle; };

}  // namespace tether

#endif
