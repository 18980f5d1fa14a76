#ifndef TETHER_CONNECTOR_HPP
#define TETHER_CONNECTOR_HPP

/// @file
/// The seam between the datasource and a store. A connector is a class with one member function per operation,
/// each given the model it works on as a `tether::model_info` (model_info.hpp): the table of its properties,
/// where each lives in a row and how to read and write it, and its foreign keys. A connector reads and writes
/// rows through that table and never sees a relation, a cache or a filter string; every name and value in a
/// `tether::query` (query.hpp) has been checked against the model before the connector is called, and a row it is
/// given to store holds keys only, no relation's cached target, so a store may keep copies of the rows it is
/// given. Since nothing in it depends on a model's C++ type, a connector is compiled once, whatever the number of
/// models.

#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <tether/query.hpp>
#include <tether/value.hpp>

namespace tether {

// Only named here: a connector includes model_info.hpp itself, and this seam stays free of the JSON library that
// model_info.hpp needs for JSON properties.
class model_info;

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

/// @brief Rows of one model, one after the other (a `std::span<M>` without its type): what `insert` is given.
class row_span {
public:
  row_span(void* first, std::size_t count, std::size_t stride) noexcept
      : first_(static_cast<char*>(first)), count_(count), stride_(stride) {}
  template <class M>
  explicit row_span(std::span<M> rows) noexcept : row_span(rows.data(), rows.size(), sizeof(M)) {}

  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
  [[nodiscard]] void* operator[](std::size_t i) const noexcept { return first_ + i * stride_; }
  [[nodiscard]] row_span subspan(std::size_t offset, std::size_t count) const noexcept {
    return {first_ + offset * stride_, count, stride_};
  }

private:
  char* first_;
  std::size_t count_;
  std::size_t stride_;
};

/// @brief Where `select` puts the rows it reads, in order: a repository's `std::vector<M>`, or the shared
/// objects of a relation load. A pointer it returns is valid until the next call.
class row_sink {
public:
  virtual ~row_sink() = default;
  /// @brief A new value-initialised row at the end, for the connector to fill.
  virtual void* append() = 0;
  /// @brief A copy of `row` (a row of the same model) at the end.
  virtual void* append_copy(const void* row) = 0;
  /// @brief Room for `count` more rows.
  virtual void reserve(std::size_t count) = 0;
};

/// @brief What a store must offer the datasource. Each operation is given the model it works on (`m`, always a
/// model with an id) and reports each round trip to the observer it is given.
///
/// - `c.parameter_limit()`: the most values one statement may bind, asked at run time (a SQLite build sets its
///   own limit); include splits its key lists by it.
/// - `c.ensure_table(m, log)`: create m's table if missing, add missing columns; keep data (autoupdate).
/// - `c.drop_table(m, log)`: remove m's table and its rows (automigrate drops, then ensures).
/// - `c.insert(m, rows, log)`: store the rows, all or none; write generated integer ids back into rows whose
///   id is value-initialised. Throws `constraint_error` for a foreign key matching no target or a duplicate id.
/// - `c.select(m, query, out, log)`: append the matching rows to `out`, sorted, paged, with unselected
///   properties value-initialised. When `query.partition` is set, `order`, `limit` and `skip` apply within each
///   group of rows sharing that property's value (a null value is a group too; rows come out in `order` as a
///   whole): an include's per-parent `limit`, one query for every parent. Only a connector that declares
///   `static constexpr bool pages_per_partition = true;` is given such a query; for any other, the datasource
///   asks for every matching row and pages each group itself.
/// - `c.update(m, row, log)`: replace the row with row's id; false when there is none. Integrity as for
///   insert, and a referenced property may not change while rows reference it.
/// - `c.remove(m, id, log)`: remove the row whose id is `id` (an `std::int64_t` or `std::string` value),
///   applying each referencing relation's delete_action (restrict refuses the whole removal, cascade removes,
///   set_null clears keys); false when there is none.
/// - `c.count(m, query, log)`: how many rows match `query.where`.
/// - `c.begin(log)`, `c.commit(log)`, `c.rollback(log)`: a transaction on the calling thread; every operation
///   that thread makes in between is part of it.
/// - optional, `c.worker_count()`: how many relation loads the datasource should run at once (a connector with
///   a pool of N connections says N); the datasource runs at least max(2, hardware threads).
/// - optional, `c.lookup(m, property, key, log)`: the first row whose property equals `key` (by id when the
///   property is the id, else the first by id), made with `m.row().make_shared()`, null when none; what a
///   relation's load asks. Without it the datasource asks `select` with a one-value `eq` predicate and a limit
///   of 1.
template <class C>
concept connector =
    std::move_constructible<C> &&
    requires(C& c, const C& cc, const model_info& m, row_span rows, row_sink& out, const void* row, const query& q,
             const value& id, const query_observer& log) {
      { cc.parameter_limit() } -> std::convertible_to<std::size_t>;
      c.ensure_table(m, log);
      c.drop_table(m, log);
      c.insert(m, rows, log);
      c.select(m, q, out, log);
      { c.update(m, row, log) } -> std::same_as<bool>;
      { c.remove(m, id, log) } -> std::same_as<bool>;
      { c.count(m, q, log) } -> std::convertible_to<std::size_t>;
      c.begin(log);
      c.commit(log);
      c.rollback(log);
    };

/// @brief A connector that answers a relation's load of one row directly (see `lookup` in `connector`).
template <class C>
concept lookup_connector =
    requires(C& c, const model_info& m, std::size_t property, const value& key, const query_observer& log) {
      { c.lookup(m, property, key, log) } -> std::same_as<std::shared_ptr<void>>;
    };

/// @brief A connector that applies `query::partition` itself (see `select` in `connector`).
template <class C>
concept partition_paging_connector = connector<C> && requires { requires C::pages_per_partition; };

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
