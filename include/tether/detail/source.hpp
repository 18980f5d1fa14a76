#ifndef TETHER_DETAIL_SOURCE_HPP
#define TETHER_DETAIL_SOURCE_HPP

/// @file
/// A datasource as repositories and relations see it, whatever its connector: the checked operations on one
/// model's rows (defined in operations.hpp), a way to run a relation load, the models it knows, its on_query
/// hook, and the process-wide registry that lets a row remember its datasource in four bytes. Only the seam to
/// the connector is virtual (datasource.hpp implements it once per connector type); everything else is
/// compiled once.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/load_queue.hpp>
#include <tether/detail/row_buffer.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model_info.hpp>

namespace tether::detail {

class source;

/// A call of a `void()` callable that the caller keeps alive: a load tried on this thread is not copied into a
/// std::function (an allocation per get()) unless it has to go to a worker.
class task_ref {
public:
  template <class F>
  explicit task_ref(F& f) noexcept : object_(&f), call_([](void* object) { (*static_cast<F*>(object))(); }) {}
  void operator()() const { call_(object_); }

private:
  void* object_;
  void (*call_)(void*);
};

/// Every live source by number, so an instance can remember where it came from in 4 bytes and no atomic
/// operation per row; a load looks the number up once.
class source_registry {
public:
  static source_id add(std::weak_ptr<source> s) {
    std::lock_guard lock(mutex_);
    if (next_ == 0) next_ = 1;  // 0 means "no origin"
    const source_id id = next_++;
    sources_.insert_or_assign(id, std::move(s));
    return id;
  }
  static void remove(source_id id) {
    std::lock_guard lock(mutex_);
    sources_.erase(id);
  }
  /// The source numbered `id` while it lives; null for 0 or a source that is gone.
  static std::shared_ptr<source> find(source_id id) {
    if (id == 0) return nullptr;
    std::lock_guard lock(mutex_);
    const auto found = sources_.find(id);
    return found == sources_.end() ? nullptr : found->second.lock();
  }

private:
  static inline std::mutex mutex_;
  static inline source_id next_ = 1;
  static inline std::unordered_map<source_id, std::weak_ptr<source>> sources_;
};

/// A datasource as repositories and relations see it.
class source {
public:
  source() = default;
  source(const source&) = delete;
  source& operator=(const source&) = delete;
  virtual ~source() {
    if (id_ != 0) source_registry::remove(id_);
  }

  /// @name The checked operations on model m's rows (operations.hpp): names and values checked against the model,
  /// on_query told, rows told their origin. `rows` and `out` hold rows of m.
  /// @{
  void create(const model_info& m, row_span rows);
  void find(const model_info& m, const filter& f, row_buffer& out);
  void select(const model_info& m, const query& q, row_buffer& out);
  /// The first row whose property equals `key`, shared; null when there is none (a relation's load).
  std::shared_ptr<void> lookup(const model_info& m, std::size_t property, const value& key);
  std::size_t count(const model_info& m, const condition& c);
  void update(const model_info& m, const void* row);
  bool remove(const model_info& m, const value& id);
  /// @}

  /// Makes m known here (its name claimed: two models of one name are refused), with every model its relations
  /// and reflections reach.
  void adopt(const model_info& m) {
    std::lock_guard lock(models_mutex_);
    adopt_locked(m);
  }
  /// True once m was adopted.
  [[nodiscard]] bool knows(const model_info& m) const {
    std::lock_guard lock(models_mutex_);
    const auto found = models_.find(m.name());
    return found != models_.end() && found->second == &m;
  }

  /// Attaches m to this source process-wide, until this source is closed.
  void attach(const model_info& m) {
    m.attached().attach(self_.lock());
    std::lock_guard lock(models_mutex_);
    attached_.push_back(&m);
  }

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

  /// The source itself, weakly.
  [[nodiscard]] const std::weak_ptr<source>& self() const noexcept { return self_; }
  /// What instances remember as their origin.
  [[nodiscard]] source_id id() const noexcept { return id_; }
  void set_self(std::weak_ptr<source> self) {
    self_ = std::move(self);
    id_ = source_registry::add(self_);
  }

  /// False once the datasource object is destroyed (repositories may still hold the source).
  [[nodiscard]] bool open() const noexcept { return open_.load(std::memory_order_acquire); }
  void check_open() const {
    if (!open()) throw not_attached("tether: the datasource was destroyed; its repositories can no longer be used");
  }

  /// Runs a relation load on the calling thread when it may run here (an inline connector, inside this
  /// source's transaction, or an idle-inline connector that did not have to wait); false when it must go to
  /// `run` instead. The task throws nothing but `tether::would_wait`, and that only while `must_not_wait()`.
  virtual bool run_here(task_ref task) = 0;
  /// Runs a relation load on a worker. The task must not throw.
  virtual void run(std::function<void()> task) = 0;
  /// The most keys one include query may carry.
  [[nodiscard]] virtual std::size_t parameter_limit() const = 0;

  /// Plain relation loads waiting for a worker (load_queue.hpp).
  [[nodiscard]] load_queues& waiting_loads() noexcept { return waiting_loads_; }

protected:
  /// Stops new work: the datasource object is gone. Detaches the models attached here.
  void close_models() {
    open_.store(false, std::memory_order_release);
    std::vector<const model_info*> attached;
    {
      std::lock_guard lock(models_mutex_);
      attached.swap(attached_);
    }
    for (const model_info* m : attached) m->attached().detach(this);
  }

  /// @name The seam to the connector, one implementation per connector type (datasource.hpp)
  /// @{
  virtual void connector_insert(const model_info& m, row_span rows, const query_observer& log) = 0;
  virtual void connector_select(const model_info& m, const query& q, row_sink& out, const query_observer& log) = 0;
  virtual std::shared_ptr<void> connector_lookup(const model_info& m, std::size_t property, const value& key,
                                                 const query_observer& log) = 0;
  virtual bool connector_update(const model_info& m, const void* row, const query_observer& log) = 0;
  virtual bool connector_remove(const model_info& m, const value& id, const query_observer& log) = 0;
  virtual std::size_t connector_count(const model_info& m, const query& q, const query_observer& log) = 0;
  /// @}

private:
  void adopt_locked(const model_info& m) {
    const auto [slot, fresh] = models_.emplace(m.name(), &m);
    if (!fresh) {
      if (slot->second == &m) return;
      throw error("tether: two models are named " + std::string(m.name()) +
                  " in one datasource; give one of them `static constexpr std::string_view model_name = \"...\";`");
    }
    for (const auto& p : m.properties())
      if (p.relation != nullptr) adopt_locked(p.relation->target());
    for (const auto& r : m.reflections()) adopt_locked(r.target());
  }

  std::weak_ptr<source> self_;
  source_id id_ = 0;
  std::atomic<bool> open_{true};
  mutable std::mutex hook_mutex_;
  std::shared_ptr<const query_observer::hook> hook_;
  std::atomic<bool> has_hook_{false};
  mutable std::mutex models_mutex_;
  std::unordered_map<std::string_view, const model_info*> models_;
  std::vector<const model_info*> attached_;
  load_queues waiting_loads_;
};

/// The datasource whose transaction the current thread is in, if any: loads made inside a transaction run on
/// the transaction's thread, so they see its writes and never wait for its lock.
inline thread_local const source* current_transaction = nullptr;

/// Sets `must_not_wait()` for a scope (or clears it, with `false`), restoring what it was.
class no_wait_scope {
public:
  explicit no_wait_scope(bool on = true) noexcept : previous_(std::exchange(no_wait, on)) {}
  no_wait_scope(const no_wait_scope&) = delete;
  no_wait_scope& operator=(const no_wait_scope&) = delete;
  ~no_wait_scope() { no_wait = previous_; }

private:
  bool previous_;
};

/// Rethrows the exception in flight as the same tether type, its message prefixed with `context`.
[[noreturn]] inline void rethrow_with_context(const std::string& context) {
  try {
    throw;
  } catch (const validation_error& e) {
    throw validation_error(context + e.what());
  } catch (const constraint_error& e) {
    throw constraint_error(context + e.what());
  } catch (const not_found& e) {
    throw not_found(context + e.what());
  } catch (const not_attached& e) {
    throw not_attached(context + e.what());
  } catch (const connection_error& e) {
    throw connection_error(context + e.what());
  } catch (const error& e) {
    throw error(context + e.what());
  }
}

inline std::exception_ptr current_exception_with_context(const std::string& context) {
  try {
    rethrow_with_context(context);
  } catch (...) {
    return std::current_exception();
  }
}

}  // namespace tether::detail

#endif
