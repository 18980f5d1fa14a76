#ifndef TETHER_DETAIL_VISIT_PROPERTY_HPP
#define TETHER_DETAIL_VISIT_PROPERTY_HPP

/// @file
/// From a property index known at run time (a resolved query) to the typed property, once per call.

#include <cstddef>
#include <utility>

#include <tether/model.hpp>

namespace tether::detail {

/// Calls `f(std::integral_constant<std::size_t, I>{})` for the I equal to `index` (which must be a valid
/// property index) through a jump table; returns what f returns.
template <class M, class F>
decltype(auto) with_property_index(std::size_t index, F&& f) {
  using result = decltype(f(std::integral_constant<std::size_t, 0>{}));
  return [&]<std::size_t... I>(std::index_sequence<I...>) -> result {
    using thunk = result (*)(F&);
    static constexpr thunk table[] = {[](F& g) -> result { return g(std::integral_constant<std::size_t, I>{}); }...};
    return table[index](f);
  }(std::make_index_sequence<property_count<M>>{});
}

}  // namespace tether::detail

#endif
