#ifndef TETHER_HAS_ONE_HPP
#define TETHER_HAS_ONE_HPP

/// @file
/// `tether::has_one<Target, Options...>`: LoopBack's hasOne as a member of the model, the reflection of the
/// target's belongs_to back to it (`(tether::has_one<Address>, address)` in Customer reflects Address's
/// `belongs_to<Customer> customer`). It makes that belongs_to one-to-one: the key gets a unique index on every
/// connector. Its cache is the one target row whose key equals the owner's referenced property, or null.

#include <concepts>
#include <cstddef>
#include <exception>
#include <memory>
#include <string_view>
#include <utility>

#include <tether/detail/instance_assignment.hpp>
#include <tether/detail/link_state.hpp>
#include <tether/detail/operations.hpp>
#include <tether/detail/reflection_base.hpp>
#include <tether/detail/relation_load.hpp>
#include <tether/filter.hpp>
#include <tether/fwd.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether {

/// @brief LoopBack's hasOne, declared as a member: `(tether::has_one<Address>, address)`.
///
/// The target may still be incomplete where the member is declared. docs/reflections.md describes every call.
template <class Target, class... Options>
class has_one : private detail::reflection_base<has_one<Target, Options...>, Target, Options...> {
  using base = detail::reflection_base<has_one, Target, Options...>;
  friend base;
  template <class Reflection>
  friend struct detail::erased_reflection;

public:
  using tether_reflection = void;
  using declared_target = Target;
  static constexpr bool many = false;
  static constexpr std::string_view kind_name = "tether::has_one";
  static constexpr std::string_view inverse_option = base::options::inverse;

  using base::check_in_model;
  using base::referenced_property;
  using base::reflected_key;

  /// @brief Refused: the member holds no key, so there is nothing to assign; the static_assert says what to write.
  template <class V, class T = Target>
    requires(!std::same_as<std::remove_cvref_t<V>, has_one> &&
             detail::target_instance<std::remove_cvref_t<V>, T, persisted<T>>)
  has_one& operator=(V&&) {
    static_assert(detail::assigned_instance<V>::value,
                  "tether::has_one: the key lives in the target, so link it from there, address.customer(customer), or "
                  "create it through this member, customer.address.create(address); a has_one is never assigned");
    return *this;
  }

  /// @brief The cached target, never any I/O; null when nothing is cached for the owner's current key, or none
  /// matched.
  [[nodiscard]] auto operator()() const {
    using target = persisted<Target>;
    auto cached = cached_state().second;
    auto* raw = static_cast<target*>(cached.get());
    return std::shared_ptr<target>(std::move(cached), raw);
  }

  /// @brief True when the cache holds the answer for the owner's current key (possibly "none").
  [[nodiscard]] bool loaded() const { return cached_state().first; }

  /// @brief The target: a ready future from a valid cache, otherwise a load of the target row whose key is the
  /// owner's, then cached; null when there is none. An owner not created yet has none, with no I/O.
  [[nodiscard]] auto get() const { return this->template as_future<persisted<Target>>(detail::load_kind::cached, nullptr); }
  /// @brief Loads again whatever is cached.
  [[nodiscard]] auto get(refresh_t) const {
    return this->template as_future<persisted<Target>>(detail::load_kind::refresh, nullptr);
  }
  /// @brief Always loads, with the filter (its `where` AND-ed with the key); the result replaces the cache only when
  /// it narrows nothing.
  [[nodiscard]] auto get(const filter& f) const {
    return this->template as_future<persisted<Target>>(detail::load_kind::filtered, &f);
  }

  /// @brief The load of get(), answered through `callback(std::exception_ptr, std::shared_ptr<Target>)`, exactly
  /// once.
  template <class F, class T = Target>
    requires std::invocable<F&, std::exception_ptr, std::shared_ptr<persisted<T>>>
  void operator()(F&& callback) const {
    this->start(detail::load_kind::cached, nullptr, detail::load_as_callback<persisted<T>>(std::forward<F>(callback)));
  }
  /// @brief The load of get(filter), answered through the callback.
  template <class F, class T = Target>
    requires std::invocable<F&, std::exception_ptr, std::shared_ptr<persisted<T>>>
  void operator()(const filter& f, F&& callback) const {
    this->start(detail::load_kind::filtered, &f, detail::load_as_callback<persisted<T>>(std::forward<F>(callback)));
  }

  /// @brief Creates `row` through the datasource with its key set to the owner's, and caches it; returns it. A
  /// refused create (a second one for this owner among them) changes nothing.
  template <class T = Target>
  std::shared_ptr<persisted<T>> create(persisted<T> row) {
    value key = this->create_related(&row);
    auto created = std::make_shared<persisted<T>>(std::move(row));
    this->remember(std::move(key), created);
    return created;
  }

private:
  // A has_one's answer is one row, as a belongs_to's: no vector to collect.
  static constexpr detail::collect_rows collector() noexcept { return nullptr; }

  [[nodiscard]] std::pair<bool, std::shared_ptr<void>> cached_state() const {
    const auto at = this->locate();
    if (at.info == nullptr) return {false, nullptr};
    return this->answer(base::key_of(at));
  }
};

namespace detail {

/// A has_one as code that does not know its type uses it: where its core lives.
template <class Target, class... Options>
struct erased_reflection<has_one<Target, Options...>> {
  static std::size_t core_offset(const has_one<Target, Options...>& probe) noexcept {
    return static_cast<std::size_t>(reinterpret_cast<const char*>(&static_cast<const reflection_core&>(probe)) -
                                    reinterpret_cast<const char*>(&probe));
  }
};

}  // namespace detail
}  // namespace tether

#endif
