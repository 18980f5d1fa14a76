#ifndef TETHER_BELONGS_TO_HPP
#define TETHER_BELONGS_TO_HPP

/// @file
/// `tether::belongs_to<Target, Options...>`: LoopBack's belongsTo as a member of the model. It owns the foreign
/// key (stored as relation name + "Id") and a cache tied to that key, and loads the target through the datasource
/// its owner came from, or the one the target model is attached to.

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <tether/future.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <tether/detail/instance_assignment.hpp>
#include <tether/detail/link_state.hpp>
#include <tether/detail/operations.hpp>
#include <tether/detail/relation_core.hpp>
#include <tether/detail/relation_load.hpp>
#include <tether/detail/relation_options.hpp>
#include <tether/detail/source.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/fwd.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether {
namespace detail {

template <class Target>
struct not_a_model : std::false_type {};

template <class Target, class KeyType, class ReferencedType>
struct key_type_mismatch : std::false_type {};

template <class Target, class Options>
struct no_primary_key_property : std::false_type {};
template <class Target, fixed_string Name>
struct no_primary_key_property<Target, tether::primary_key<Name>> : no_such_property<Target, Name> {};

template <class Target, class Options>
struct check_primary_key {
  static constexpr bool value = true;
};
template <class Target, class Options>
  requires(!std::is_void_v<typename Options::primary_key_type>)
struct check_primary_key<Target, Options> {
  static_assert(property_index<Target>(Options::primary_key) != no_property ||
                    no_primary_key_property<Target, typename Options::primary_key_type>::value,
                "tether::belongs_to<Target, primary_key<Name>>: the target has no property of that name; name one "
                "of the target's properties");
  static constexpr bool value = true;
};

/// What a relation knows once its target is complete: the stored target type, the referenced property, its key.
template <class Target, class Options>
struct relation_target {
  using type = std::conditional_t<Options::has_key, Target, persisted<Target>>;
  static_assert(check_primary_key<type, Options>::value);
  static constexpr std::size_t named = [] {
    if constexpr (Options::primary_key.empty()) {
      static_assert(has_id<type>, "tether::belongs_to<Target, key_type<K>>: a target named with key_type must "
                                  "declare its id property (or name the key with primary_key<\"...\">)");
      return id_index<type>;
    } else {
      return property_index<type>(Options::primary_key);
    }
  }();
  // After a failed check above, property 0 stands in so that no further error follows the sentence.
  static constexpr std::size_t property = named == no_property ? 0 : named;
  using key = std::conditional_t<named == no_property, std::int64_t, key_type_of<type, property>>;
  static_assert(integer_value<key> || std::is_same_v<key, std::string>,
                "tether::belongs_to: the referenced property must be an integer or a std::string");
};

/// The target type and key type as the class body needs them: from key_type<K> without touching an incomplete
/// target, from the target otherwise; placeholders when the target is no model, so that the one readable
/// static_assert is the first error.
// Whether Target is a model, asked only when the key type is not given: asking a concept about an incomplete
// type (a self-reference) would fix the answer to false for the whole program.
template <class Target, bool Deferred>
struct target_is_model : std::true_type {};
template <class Target>
struct target_is_model<Target, false> : std::bool_constant<model<Target>> {};

template <class Target, class Options, bool Deferred = Options::has_key,
          bool IsModel = target_is_model<Target, Options::has_key>::value>
struct relation_types {
  using target = Target;
  using key = typename Options::key;
};
template <class Target, class Options>
struct relation_types<Target, Options, false, true> {
  using target = typename relation_target<Target, Options>::type;
  using key = typename relation_target<Target, Options>::key;
};
template <class Target, class Options>
struct relation_types<Target, Options, false, false> {
  using target = Target;
  using key = std::int64_t;
};

/// Refuses a target that is not a model, unless key_type<K> defers the question to the owner's check.
template <class Target, class Options>
constexpr bool check_target_is_model() {
  static_assert(target_is_model<Target, Options::has_key>::value || not_a_model<Target>::value,
                "tether::belongs_to<Target>: Target is not a model; describe it with BOOST_HANA_DEFINE_STRUCT");
  return true;
}

template <class Relation>
struct erased_relation;

}  // namespace detail

/// @brief LoopBack's belongsTo, declared as a member: `(tether::belongs_to<Customer>, customer)`.
///
/// The member name is the relation name; the foreign key is stored as the relation name plus "Id" (or as
/// `foreign_key<"...">` names it), with the key type of the target property it references (its id, or
/// `primary_key<"...">`). docs/belongs-to.md, "The accessor", describes every call.
template <class Target, class... Options>
class belongs_to : private detail::relation_core {
  using options = detail::relation_options<Options...>;

  // The checks run in functions, so that on clang++ too a failure is one error (see relation_options::check).
  static_assert(options::check() && detail::check_target_is_model<Target, options>());

  using types = detail::relation_types<Target, options>;

public:
  using tether_relation = void;
  /// @brief The target as declared (a has_many or has_one in it finds this relation by it).
  using declared_target = Target;
  /// @brief What the relation links to and hands out (`with_id<Target>` for a target without id).
  using target_type = typename types::target;
  /// @brief The type of the key (the referenced property's, without std::optional).
  using key_type = typename types::key;
  using pointer = std::shared_ptr<target_type>;

  static constexpr std::string_view foreign_key_option = options::foreign_key;
  static constexpr delete_action delete_rule = options::action;
  static constexpr bool enforced = !options::loose;

  /// @brief Index of the referenced property in target_type (needs a complete target).
  static constexpr std::size_t referenced_property() noexcept {
    return detail::relation_target<Target, options>::property;
  }

  /// @brief The checks that need a complete target; run by the owner model's check (tether::model_checked).
  template <class Owner>
  static constexpr bool check_in_model() {
    // Without key_type the class body has checked Target already; say it once.
    static_assert(!options::has_key || model<Target> || detail::not_a_model<Target>::value,
                  "tether::belongs_to<Target>: Target is not a model; describe it with BOOST_HANA_DEFINE_STRUCT");
    if constexpr (model<Target>) {
      using complete = detail::relation_target<Target, options>;
      static_assert(std::is_same_v<key_type, typename complete::key> ||
                        detail::key_type_mismatch<Target, key_type, typename complete::key>::value,
                    "tether::belongs_to<Target, key_type<K>>: K differs from the type of the target property the "
                    "key references; make them the same");
    }
    return true;
  }

  belongs_to() = default;
  belongs_to(const belongs_to& other) = default;
  belongs_to(belongs_to&& other) noexcept
      : relation_core(std::move(other)), key_(std::exchange(other.key_, std::nullopt)) {}

  belongs_to& operator=(const belongs_to& other) {
    if (this != &other) *this = belongs_to(other);
    return *this;
  }

  belongs_to& operator=(belongs_to&& other) noexcept {
    if (this != &other) {
      relation_core::operator=(std::move(other));
      key_ = std::exchange(other.key_, std::nullopt);
    }
    return *this;
  }

  ~belongs_to() = default;

  /// @brief Sets the key: `order.customer = 5;`, `= "ops@example.com"`, `= std::nullopt`. A different key drops
  /// the cache. Narrowing conversions are refused.
  template <class V>
    requires(!std::is_same_v<std::remove_cvref_t<V>, belongs_to> &&
             (std::is_same_v<std::remove_cvref_t<V>, std::nullopt_t> ||
              std::is_same_v<std::remove_cvref_t<V>, std::optional<key_type>> ||
              requires(V&& v) { key_type{std::forward<V>(v)}; }))
  belongs_to& operator=(V&& v) {
    std::optional<key_type> next;
    if constexpr (!std::is_same_v<std::remove_cvref_t<V>, std::nullopt_t>) next = std::forward<V>(v);
    if (next != key_) {
      key_ = std::move(next);
      forget();
    }
    return *this;
  }

  /// @brief Refused: an instance is linked by calling the relation, `order.customer(ann)`; assignment sets a key.
  template <class V>
    requires detail::target_instance<std::remove_cvref_t<V>, Target, target_type>
  belongs_to& operator=(V&&) {
    static_assert(detail::assigned_instance<V>::value,
                  "tether::belongs_to: link an instance by calling the relation, order.customer(instance); "
                  "assignment sets the key only (order.customer = 42, or = std::nullopt)");
    return *this;
  }

  /// @brief The foreign key; null (nullopt) when unset. `0` and `""` are keys like any other.
  [[nodiscard]] const std::optional<key_type>& key() const noexcept { return key_; }

  /// @brief The cached target, synchronously, never any I/O; null when nothing is cached or the key is null.
  [[nodiscard]] pointer operator()() const { return typed(answer().second); }

  /// @brief True when the cache holds the answer for the current key (possibly "no row" or the null key).
  [[nodiscard]] bool loaded() const { return answer().first; }

  /// @brief The target: a ready future from a valid cache, otherwise a load through the datasource.
  [[nodiscard]] detail::load_future<target_type> get() const { return as_future(detail::load_kind::cached, nullptr); }
  /// @brief Loads again whatever is cached.
  [[nodiscard]] detail::load_future<target_type> get(refresh_t) const {
    return as_future(detail::load_kind::refresh, nullptr);
  }
  /// @brief Always loads, with the filter; the result replaces the cache only when it narrows nothing.
  [[nodiscard]] detail::load_future<target_type> get(const filter& f) const {
    return as_future(detail::load_kind::filtered, &f);
  }

  /// @brief The load of get(), answered through `callback(std::exception_ptr, pointer)`, exactly once.
  template <class F>
    requires std::invocable<F&, std::exception_ptr, pointer>
  void operator()(F&& callback) const {
    start_load(detail::load_kind::cached, nullptr, as_waiter(std::forward<F>(callback)));
  }
  /// @brief The load of get(filter), answered through the callback.
  template <class F>
    requires std::invocable<F&, std::exception_ptr, pointer>
  void operator()(const filter& f, F&& callback) const {
    start_load(detail::load_kind::filtered, &f, as_waiter(std::forward<F>(callback)));
  }

  /// @brief Links to `target` (copied): key and cache. No I/O. Throws when the target has no key yet.
  void operator()(const target_type& target) { link(std::make_shared<target_type>(target)); }
  /// @brief Links to `target` (shared). A null pointer clears the link.
  void operator()(pointer target) {
    if (target == nullptr) return unlink();
    link(std::move(target));
  }
  /// @brief Clears key and cache.
  void operator()(std::nullptr_t) { unlink(); }

  /// @brief Creates the target through its datasource and links it. The owner itself is saved by the caller.
  pointer create(target_type target) {
    const auto to = resolve("create");
    try {
      to->create(target_model(), row_span(std::span<target_type>(&target, 1)));
    } catch (...) {
      detail::rethrow_with_context("tether: belongs_to create of " + std::string(model_name<target_type>) + ": ");
    }
    auto created = std::make_shared<target_type>(std::move(target));
    link(created);
    return created;
  }

  /// @brief Updates the linked target; its key may not change.
  pointer update(target_type target) {
    if (!key_) {
      throw error("tether: belongs_to update of " + std::string(model_name<target_type>) +
                  ": the relation is empty (its key is null); link a target first");
    }
    const auto& new_key = target_key(target);
    if (!new_key || *new_key != *key_) {
      throw error("tether: Cannot override foreign key " + referenced_name() + " of " +
                  std::string(model_name<target_type>) + " from " + detail::describe(detail::to_value(*key_)) +
                  " to " + detail::describe(detail::to_value(new_key)));
    }
    const auto to = resolve("update");
    try {
      to->update(target_model(), &target);
    } catch (...) {
      detail::rethrow_with_context("tether: belongs_to update of " + describe_link() + ": ");
    }
    auto updated = std::make_shared<target_type>(std::move(target));
    remember(updated);
    return updated;
  }

  /// @brief LoopBack's destroy: clears key and cache; the target row stays. The caller saves the owner.
  void unlink() {
    key_.reset();
    remember(nullptr);
  }

private:
  friend struct detail::erased_relation<belongs_to>;

  static std::optional<key_type> target_key(const target_type& target) {
    const auto& referenced = get_property<referenced_property()>(target);
    if constexpr (detail::is_optional<std::remove_cvref_t<decltype(referenced)>>::value) {
      if (!referenced || *referenced == key_type{}) return std::nullopt;
      return key_type(*referenced);
    } else {
      if (referenced == key_type{}) return std::nullopt;
      return key_type(referenced);
    }
  }

  static const model_info& target_model() { return model_info_of<target_type>(); }
  static detail::relation_target_ref target_ref() { return {target_model(), referenced_property()}; }

  static std::string referenced_name() {
    return std::string(property_name<target_type, referenced_property()>);
  }

  [[nodiscard]] std::string describe_link() const { return detail::describe_link(target_ref(), detail::to_value(key_)); }

  void link(pointer target) {
    static_assert(check_in_model<void>());
    auto key = target_key(*target);
    if (!key) {
      throw error("tether: cannot link to a " + std::string(model_name<target_type>) + " whose " + referenced_name() +
                  " is not set yet; create it first (or use the relation's create)");
    }
    key_ = std::move(key);
    remember(std::move(target));
  }

  /// The cached answer as the target type.
  static pointer typed(std::shared_ptr<void> target) noexcept {
    auto* raw = static_cast<target_type*>(target.get());
    return pointer(std::move(target), raw);
  }

  /// Where writes through the relation go: the datasource the owner came from, else the one the target is
  /// attached to.
  std::shared_ptr<detail::source> resolve(std::string_view action) const {
    static_assert(check_in_model<void>());
    return detail::route_or_throw(origin(), target_ref(), detail::to_value(key_), action);
  }

  detail::load_future<target_type> as_future(detail::load_kind kind, const filter* f) const {
    return detail::load_as_future<target_type>(
        [&](detail::load_waiter waiter) { start_load(kind, f, std::move(waiter)); });
  }

  template <class F>
  static detail::load_waiter as_waiter(F&& callback) {
    return detail::load_as_callback<target_type>(std::forward<F>(callback));
  }

  void start_load(detail::load_kind kind, const filter* f, detail::load_waiter waiter) const {
    static_assert(check_in_model<void>());
    if (kind == detail::load_kind::cached && deliver_cached(waiter)) return;
    load(detail::to_value(key_), target_ref(), kind, f, std::move(waiter));
  }

  std::optional<key_type> key_;
};

namespace detail {

/// A belongs_to member as code that does not know its type uses it: its key as a stored value (written through
/// the relation's assignment, so a cache that no longer matches is dropped), and its cache and origin.
template <class Target, class... Options>
struct erased_relation<belongs_to<Target, Options...>> {
  using relation = belongs_to<Target, Options...>;
  using key = typename relation::key_type;
  using stored = std::optional<key>;

  static const relation& of(const void* member) noexcept { return *static_cast<const relation*>(member); }
  static relation& of(void* member) noexcept { return *static_cast<relation*>(member); }

  static bool has_value(const void* member) noexcept { return of(member).key().has_value(); }
  static value get(const void* member) { return to_value(of(member).key()); }
  static void set(void* member, value&& v) {
    if (std::holds_alternative<std::nullptr_t>(v)) of(member) = std::nullopt;
    else of(member) = stored(plain_from_value<key>(std::move(v)));
  }
  static const std::string* text(const void* member) noexcept {
    if constexpr (std::is_same_v<key, std::string>) {
      const auto& k = of(member).key();
      return k ? &*k : nullptr;
    } else {
      return nullptr;
    }
  }
  static const nlohmann::json* json(const void*) noexcept { return nullptr; }
  static void set_json(void*, nlohmann::json&&) {}
  static nlohmann::json to_json(const void* member) { return write_value(of(member).key()); }
  static void from_json(void* member, const nlohmann::json& j, std::string_view model, std::string_view property) {
    of(member) = read_value<stored>(j, model, property);
  }

  static bool as_integer(const void* member, std::int64_t& out) noexcept {
    if constexpr (integer_value<key>) {
      const auto& k = of(member).key();
      if (k) out = static_cast<std::int64_t>(*k);
      return k.has_value();
    } else {
      return false;
    }
  }

  /// Where, in a relation member, its core (cache, loads, origin) lives.
  static std::size_t core_offset(const relation& probe) noexcept {
    return static_cast<std::size_t>(reinterpret_cast<const char*>(&static_cast<const relation_core&>(probe)) -
                                    reinterpret_cast<const char*>(&probe));
  }

  static constexpr value_ops key_ops{kind_of<stored>(), true,     has_value, as_integer, get,    set,
                                     text,              json,     set_json,  to_json,    from_json};
};

}  // namespace detail

/// @brief What a connector needs to know of foreign key I of model M: the target, the referenced property,
/// what removing a target does, and whether integrity is enforced at all.
template <model M, std::size_t I>
  requires is_foreign_key<M, I>
struct reference {
  using relation = detail::member_type<M, detail::stored_member<M, I>>;
  using target = typename relation::target_type;
  static constexpr std::size_t target_property = relation::referenced_property();
  static constexpr delete_action on_delete = relation::delete_rule;
  static constexpr bool enforced = relation::enforced;
};

}  // namespace tether

#endif
