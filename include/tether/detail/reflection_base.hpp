#ifndef TETHER_DETAIL_REFLECTION_BASE_HPP
#define TETHER_DETAIL_REFLECTION_BASE_HPP

/// @file
/// What has_many and has_one share beyond their type: the compile-time facts of the reflection (which
/// belongs_to it reflects, which owner property that references); at run time, where its owner is, so that
/// the owner's key can be read at every call; and the loads and creates of both, which differ only in the
/// answer (a has_many collects rows into its vector, R::collector()).

#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <tether/detail/link_state.hpp>
#include <tether/detail/reflection.hpp>
#include <tether/detail/reflection_core.hpp>
#include <tether/detail/reflection_options.hpp>
#include <tether/detail/relation_load.hpp>
#include <tether/detail/source.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

template <class Target>
struct reflection_target_not_a_model : std::false_type {};

/// R is the reflection member type (has_many<Target, Options...> or has_one<...>), which derives from this.
template <class R, class Target, class... Options>
class reflection_base : public reflection_core {
public:
  using options = reflection_options<Options...>;
  static_assert(options::all_checked);

  /// The checks that need complete models; run by the owner's check (tether::model_checked).
  template <class Owner>
  static constexpr bool check_in_model() {
    static_assert(model<Target> || reflection_target_not_a_model<Target>::value,
                  "tether::has_many<Target> / has_one<Target>: Target is not a model; describe it with "
                  "BOOST_HANA_DEFINE_STRUCT");
    if constexpr (model<Target>) {
      static_assert(has_id<Owner> || reflection_owner_without_id<Owner>::value,
                    "tether::has_many / has_one: a model that declares one must declare its id property, which the "
                    "belongs_to on the other side references");
      static_cast<void>(reflected_key<Owner>());
    }
    return true;
  }

  /// The target's property that holds the key (the reflected belongs_to's foreign key).
  template <class Owner>
  static constexpr std::size_t reflected_key() {
    return detail::reflected_key<Owner, persisted<Target>, options>::value;
  }

  /// The owner's property that the key references (its id, or the belongs_to's primary_key).
  template <class Owner>
  static constexpr std::size_t referenced_property() {
    constexpr std::size_t key = reflected_key<Owner>();
    if constexpr (is_foreign_key<persisted<Target>, key>) {
      return member_type<persisted<Target>, stored_member<persisted<Target>, key>>::referenced_property();
    } else {
      return 0;  // after a failed check
    }
  }

protected:
  /// Where the owner is: its row and which of its model's reflections this member is; null when the member cannot
  /// tell (its type is declared by several models, and this owner never passed through a datasource or JSON).
  struct located {
    const void* row = nullptr;
    const reflection_info* info = nullptr;
  };

  [[nodiscard]] located locate() const {
    const reflection_info* info = nullptr;
    if constexpr (reflection_owner<R>::unique) {
      using stored = persisted<Target>;
      using owner = persisted<typename member_type<stored, stored_member<stored, reflection_owner<R>::first>>::declared_target>;
      static const reflection_info& known = model_info_of<owner>().reflection(reflection_index<owner, R>());
      info = &known;
    } else {
      info = owner();
    }
    if (info == nullptr) return {};
    const char* member = reinterpret_cast<const char*>(static_cast<const reflection_core*>(this)) - info->core_offset;
    return {member - info->offset, info};
  }

  /// The owner's key now (null when the owner is not created yet).
  [[nodiscard]] static value key_of(const located& at) {
    return owner_key(at.info->owner(), at.row, at.info->referenced);
  }

  /// Starts a load of the related rows for the owner's key now; a member that cannot tell its owner answers
  /// with the reason. `waiter` gets the answer exactly once.
  void start(load_kind kind, const filter* f, load_waiter waiter) const {
    const auto at = locate();
    if (at.info == nullptr) return waiter.deliver_now(std::make_exception_ptr(error(unknown_owner_message())), nullptr);
    this->load(*at.info, key_of(at), R::collector(), kind, f, std::move(waiter));
  }

  /// get()'s future of the answer, a `std::shared_ptr<T>`.
  template <class T>
  [[nodiscard]] load_future<T> as_future(load_kind kind, const filter* f) const {
    return load_as_future<T>([&](load_waiter waiter) { start(kind, f, std::move(waiter)); });
  }

  /// Creates `row`, a row of the target, through the datasource, its key set to the owner's; returns that key.
  /// Throws, changing nothing but `row`, when the owner cannot be told or is not created yet, or the create is
  /// refused.
  value create_related(void* row) const {
    const auto at = locate();
    if (at.info == nullptr) throw error(unknown_owner_message());
    const reflection_info& info = *at.info;
    const model_info& target = info.target();
    const relation_target_ref link{target, info.foreign_key};
    value key = key_of(at);
    if (std::holds_alternative<std::nullptr_t>(key)) {
      const model_info& owner = info.owner();
      throw error("tether: cannot create a " + std::string(target.name()) + " through " + std::string(owner.name()) +
                  "." + std::string(info.name) + ": the " + std::string(owner.name()) + " is not created yet (its " +
                  std::string(owner.property(info.referenced).name) + " is not set); create it first");
    }
    const auto to = route_or_throw(this->origin(), link, key, "create");
    target.set(row, info.foreign_key, key);
    try {
      to->create(target, row_span(row, 1, target.row().size));
    } catch (...) {
      rethrow_with_context("tether: creating " + describe_link(link, key) + ": ");
    }
    return key;
  }

  /// Why a member whose owner is unknown cannot load.
  [[nodiscard]] static std::string unknown_owner_message() {
    return "tether: a " + std::string(R::kind_name) + "<" + std::string(model_name<persisted<Target>>) +
           "> is declared by several models, and this one's owner never passed through a datasource or JSON, so "
           "it cannot tell which model it belongs to; load or create the owner through a repository, or name the "
           "belongs_to it reflects with tether::inverse<\"member\">";
  }
};

}  // namespace tether::detail

#endif
