#ifndef TETHER_DETAIL_INSTANCE_ASSIGNMENT_HPP
#define TETHER_DETAIL_INSTANCE_ASSIGNMENT_HPP

/// @file
/// `order.customer = ann;`: an instance where a relation takes a key or nothing at all. Each relation declares an
/// operator= for exactly these types whose one static_assert says what to write instead, so the mistake is one
/// sentence rather than a list of every operator= that did not match.

#include <concepts>
#include <memory>
#include <type_traits>
#include <vector>

namespace tether::detail {

/// V is the target as declared (Declared), as the relation hands it out (Stored: `with_id<Declared>` for a target
/// without id), or a shared_ptr to it: what calling the relation links, never what assigning it sets.
template <class V, class Declared, class Stored>
concept target_instance =
    std::is_class_v<Declared> && (std::same_as<V, Declared> || std::same_as<V, Stored> ||
                                  std::same_as<V, std::shared_ptr<Stored>> ||
                                  std::same_as<V, std::shared_ptr<const Stored>>);

/// V is rows of the target: a vector of instances, or the snapshot a has_many hands out.
template <class V, class Declared, class Stored>
concept target_rows = std::same_as<V, std::vector<Declared>> || std::same_as<V, std::vector<Stored>> ||
                      std::same_as<V, std::shared_ptr<const std::vector<Stored>>>;

/// Always false; names the assigned type V in the failed assertion (its own member, so that g++'s note quotes it).
template <class V>
struct assigned_instance {
  static constexpr bool value = false;
};

}  // namespace tether::detail

#endif
