#ifndef TETHER_HAS_MANY_HPP
#define TETHER_HAS_MANY_HPP

/// @file
/// `tether::has_many<Target, Options...>`: LoopBack's hasMany as a member of the model, the reflection of the
/// target's belongs_to back to it (`(tether::has_many<Order>, orders)` in Customer reflects Order's
/// `belongs_to<Customer> customer`). It holds no key: the key lives on the belongsTo side. Its cache is a shared,
/// immutable snapshot of the target's rows whose key equals the owner's referenced property.

#include <concepts>
#include <cstddef>
#include <exception>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include <tether/detail/instance_assignment.hpp>
#include <tether/detail/link_state.hpp>
#include <tether/detail/operations.hpp>
#include <tether/detail/reflection_base.hpp>
#include <tether/detail/relation_load.hpp>
#include <tether/filter.hpp>
#include <tether/fwd.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>
#include <tether/repository.hpp>
#include <tether/value.hpp>

namespace tether {

/// @brief LoopBack's hasMany, declared as a member: `(tether::has_many<Order>, orders)`.
///
/// The target may still be incomplete where the member is declared. docs/reflections.md describes every call.
template <class Target, class... Options>
class has_many : private detail::reflection_base<has_many<Target, Options...>, Target, Options...> {
  using base = detail::reflection_base<has_many, Target, Options...>;
  friend base;
  template <class Reflection>
  friend struct detail::erased_reflection;

  // An alias template: the target may be incomplete where the member is declared.
  template <class T>
  using rows_of = std::vector<persisted<T>>;

public:
  using tether_reflection = void;
  using declared_target = Target;
  static constexpr bool many = true;
  static constexpr std::string_view kind_name = "tether::has_many";
  static constexpr std::string_view inverse_option = base::options::inverse;

  using base::check_in_model;
  using base::referenced_property;
  using base::reflected_key;

  /// @brief Refused: the member holds no key, so there is nothing to assign; the static_assert says what to write.
  template <class V, class T = Target>
    requires(!std::same_as<std::remove_cvref_t<V>, has_many> &&
             (detail::target_instance<std::remove_cvref_t<V>, T, persisted<T>> ||
              detail::target_rows<std::remove_cvref_t<V>, T, persisted<T>>))
  has_many& operator=(V&&) {
    static_assert(detail::assigned_instance<V>::value,
                  "tether::has_many: the key lives in each target row, so link one from there, "
                  "order.customer(customer), or create it through this member, customer.orders.create(order); a "
                  "has_many is never assigned");
    return *this;
  }

  /// @brief The cached rows, never any I/O: a snapshot that stays valid while held; null when nothing is loaded
  /// for the owner's current key.
  [[nodiscard]] auto operator()() const {
    using rows = std::vector<persisted<Target>>;
    auto cached = cached_answer();
    auto* raw = static_cast<const rows*>(cached.get());
    return std::shared_ptr<const rows>(std::move(cached), raw);
  }

  /// @brief True when the cache holds the answer for the owner's current key.
  [[nodiscard]] bool loaded() const { return cached_state().first; }

  /// @brief The rows: a ready future from a valid cache, otherwise a load of every target row whose key is the
  /// owner's, by id ascending, then cached. An owner not created yet has none, with no I/O.
  [[nodiscard]] auto get() const { return this->template as_future<const rows_of<Target>>(detail::load_kind::cached, nullptr); }
  /// @brief Loads again whatever is cached.
  [[nodiscard]] auto get(refresh_t) const {
    return this->template as_future<const rows_of<Target>>(detail::load_kind::refresh, nullptr);
  }
  /// @brief Always loads, with the filter: its `where` AND-ed with the key, its `order`, `limit`, `skip`, `fields`
  /// and `include` applied to the owner's rows. The result replaces the cache only when the filter narrows nothing
  /// (no `where`, `fields`, `limit` or `skip`).
  [[nodiscard]] auto get(const filter& f) const {
    return this->template as_future<const rows_of<Target>>(detail::load_kind::filtered, &f);
  }

  /// @brief The load of get(), answered through `callback(std::exception_ptr, std::shared_ptr<const
  /// std::vector<Target>>)`, exactly once.
  template <class F, class T = Target>
    requires std::invocable<F&, std::exception_ptr, std::shared_ptr<const rows_of<T>>>
  void operator()(F&& callback) const {
    this->start(detail::load_kind::cached, nullptr, detail::load_as_callback<const rows_of<T>>(std::forward<F>(callback)));
  }
  /// @brief The load of get(filter), answered through the callback.
  template <class F, class T = Target>
    requires std::invocable<F&, std::exception_ptr, std::shared_ptr<const rows_of<T>>>
  void operator()(const filter& f, F&& callback) const {
    this->start(detail::load_kind::filtered, &f, detail::load_as_callback<const rows_of<T>>(std::forward<F>(callback)));
  }

  /// @brief Creates `row` through the datasource with its key set to the owner's; returns it with its id. A cache
  /// loaded for the owner's key gets a new snapshot with the row appended (snapshots already handed out stay as
  /// they were). A refused create changes nothing.
  template <class T = Target>
  persisted<T> create(persisted<T> row) {
    value key = this->create_related(&row);
    if (auto [loaded, cached] = this->answer(key); loaded) {
      auto appended = std::make_shared<rows_of<T>>(*static_cast<const rows_of<T>*>(cached.get()));
      appended->push_back(row);
      this->remember(std::move(key), std::move(appended));
    }
    return row;
  }

private:
  /// The rows a load reads, collected into the vector the cache and the futures hand out.
  static std::shared_ptr<void> collect(detail::row_fill fill) {
    auto rows = std::make_shared<rows_of<Target>>();
    detail::vector_buffer<persisted<Target>> out(*rows);
    fill(out);
    return rows;
  }
  static constexpr detail::collect_rows collector() noexcept { return &collect; }

  [[nodiscard]] std::pair<bool, std::shared_ptr<void>> cached_state() const {
    const auto at = this->locate();
    if (at.info == nullptr) return {false, nullptr};
    return this->answer(base::key_of(at));
  }
  [[nodiscard]] std::shared_ptr<void> cached_answer() const { return cached_state().second; }
};

namespace detail {

/// A has_many as code that does not know its type uses it: where its core lives, and how its vector is made.
template <class Target, class... Options>
struct erased_reflection<has_many<Target, Options...>> {
  using rows_type = std::vector<persisted<Target>>;

  static std::size_t core_offset(const has_many<Target, Options...>& probe) noexcept {
    return static_cast<std::size_t>(reinterpret_cast<const char*>(&static_cast<const reflection_core&>(probe)) -
                                    reinterpret_cast<const char*>(&probe));
  }

  static std::shared_ptr<void> make(std::size_t count, void*& first) {
    auto made = std::make_shared<rows_type>(count);
    first = made->data();
    return made;
  }
  static std::pair<void*, std::size_t> view(const void* vector) noexcept {
    auto& r = *static_cast<rows_type*>(const_cast<void*>(vector));
    return {r.data(), r.size()};
  }

  static constexpr many_rows_ops rows{make, view};
};

}  // namespace detail
}  // namespace tether

#endif
