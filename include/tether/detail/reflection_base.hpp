#ifndef TETHER_DETAIL_REFLECTION_BASE_HPP
#define TETHER_DETAIL_REFLECTION_BASE_HPP

/// @file
/// What has_many and has_one share beyond their type: the compile-time facts of the reflection (which
/// belongs_to it reflects, which owner property that references) and, at run time, where its owner is, so that
/// the owner's key can be read at every call.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include <tether/detail/reflection.hpp>
#include <tether/detail/reflection_core.hpp>
#include <tether/detail/reflection_options.hpp>
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
