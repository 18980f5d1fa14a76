#ifndef TETHER_DETAIL_SOURCE_HPP
#define TETHER_DETAIL_SOURCE_HPP

/// @file
/// What a relation needs of a datasource, without knowing its connector: per-model stores behind a virtual
/// interface, a way to run a load, and the process-wide attachment of models to the datasource that last
/// migrated them.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include <tether/connector.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model.hpp>

namespace tether::detail {

/// The operations of one model's repository, behind a virtual call per operation (never per row).
template <class M>
class model_store {
public:
  virtual ~model_store() = default;

  virtual void create(std::span<M> rows) = 0;
  virtual std::vector<M> select(const query& q) = 0;
  /// The first row whose property `property` equals `key` (a relation's load), null when there is none.
  virtual std::shared_ptr<M> lookup(std::size_t property, const value& key) = 0;
  virtual std::vector<M> find(const filter& f) = 0;
  virtual std::size_t count(const condition& c) = 0;
  virtual void update(const M& row) = 0;
  virtual bool remove(const id_type<M>& id) = 0;
};

/// A unique address per type, used as a key in the store registry.
template <class M>
inline constexpr char type_tag = 0;

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

/// A datasource's number. 32 bits keep belongs_to small; numbers are not reused before 2^32 - 1 datasources.
using source_id = std::uint32_t;

/// Every live source by number, so an instance can remember where it came from in 8 bytes and no atomic
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

/// A datasource as relations see it.
class source {
public:
  virtual ~source() {
    if (id_ != 0) source_registry::remove(id_);
  }

  /// The store of model M, or null when M has none here. The pointer keeps the whole datasource core alive.
  template <class M>
  std::shared_ptr<model_store<M>> store() {
    auto owner = self_.lock();
    if (owner == nullptr) return nullptr;
    std::lock_guard lock(registry_mutex_);
    const auto found = stores_.find(&type_tag<M>);
    if (found == stores_.end()) return nullptr;
    return std::shared_ptr<model_store<M>>(std::move(owner), static_cast<model_store<M>*>(found->second.get()));
  }

  /// The source itself, weakly.
  [[nodiscard]] const std::weak_ptr<source>& self() const noexcept { return self_; }
  /// What instances remember as their origin.
  [[nodiscard]] source_id id() const noexcept { return id_; }
  void set_self(std::weak_ptr<source> self) {
    self_ = std::move(self);
    id_ = source_registry::add(self_);
  }

  /// Runs a relation load on the calling thread when it may run here (an inline connector, inside this
  /// source's transaction, or an idle-inline connector that did not have to wait); false when it must go to
  /// `run` instead. The task throws nothing but `tether::would_wait`, and that only while `must_not_wait()`.
  virtual bool run_here(task_ref task) = 0;

  /// Runs a relation load on a worker. The task must not throw.
  virtual void run(std::function<void()> task) = 0;

  /// False once the datasource object is destroyed (repositories may still hold the core).
  [[nodiscard]] virtual bool open() const noexcept = 0;

protected:
  /// Registers M's store unless there is one; true when it was added now.
  template <class M>
  bool add_store(const std::function<std::unique_ptr<model_store<M>>()>& make) {
    std::lock_guard lock(registry_mutex_);
    auto& slot = stores_[&type_tag<M>];
    if (slot) return false;
    slot = std::shared_ptr<model_store<M>>(make());
    return true;
  }

private:
  std::weak_ptr<source> self_;
  source_id id_ = 0;
  std::mutex registry_mutex_;
  std::unordered_map<const void*, std::shared_ptr<void>> stores_;
};

/// The store a thread last reached for model M through a datasource number: a relation's load finds its store
/// again without the registries' two locks and lookups. An entry is good while its datasource lives and is
/// open: stores are removed only with the datasource, and numbers are not reused.
template <class M>
class recent_store {
public:
  struct found {
    std::shared_ptr<detail::source> owner;  ///< keeps the store alive
    model_store<M>* store;
  };

  static std::optional<found> find(source_id id) {
    if (id == 0 || last_.id != id) return std::nullopt;
    auto owner = last_.owner.lock();
    if (owner == nullptr || !owner->open()) return std::nullopt;
    return found{std::move(owner), last_.store};
  }

  static void remember(source_id id, const std::shared_ptr<detail::source>& s, model_store<M>* store) {
    last_ = entry{id, s, store};
  }

private:
  struct entry {
    source_id id = 0;
    std::weak_ptr<detail::source> owner;
    model_store<M>* store = nullptr;
  };
  static inline thread_local entry last_;
};

/// The datasource a model was last attached to by automigrate/autoupdate, process-wide and weak: destroying
/// the datasource detaches it.
template <class M>
class attachment {
public:
  static void attach(const std::shared_ptr<source>& s) {
    std::lock_guard lock(mutex_);
    slot_ = s;
  }
  static void detach(const source* s) {
    std::lock_guard lock(mutex_);
    if (slot_.lock().get() == s) slot_.reset();
  }
  static std::shared_ptr<source> get() {
    std::lock_guard lock(mutex_);
    return slot_.lock();
  }

private:
  static inline std::mutex mutex_;
  static inline std::weak_ptr<source> slot_;
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
