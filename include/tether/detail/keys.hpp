#ifndef TETHER_DETAIL_KEYS_HPP
#define TETHER_DETAIL_KEYS_HPP

/// @file
/// Keys as include and batched relation loads gather them from rows: integers of every width as std::int64_t,
/// strings as they are stored. Keys are only ever integers or strings, so the code that de-duplicates and maps
/// them is written once for each of the two.

#include <cstdint>
#include <string>
#include <type_traits>

#include <tether/model_info.hpp>

namespace tether::detail {

/// The key a member holds, if any: integers of every width as std::int64_t, strings as they are (a pointer to
/// the stored one, no copy).
inline bool read_key(const value_ops& ops, const void* member, std::int64_t& key) noexcept {
  return ops.as_integer(member, key);
}
inline bool read_key(const value_ops& ops, const void* member, const std::string*& key) noexcept {
  key = ops.text(member);
  return key != nullptr;
}

/// How read_key hands out a key of type Key (std::int64_t or std::string).
template <class Key>
using key_reading = std::conditional_t<std::is_same_v<Key, std::string>, const std::string*, std::int64_t>;

/// A gathered key as the set and map keep it.
inline std::int64_t owned_key(std::int64_t key) noexcept { return key; }
inline std::string owned_key(const std::string* key) { return *key; }

template <class Map>
auto find_key(const Map& targets, std::int64_t key) {
  return targets.find(key);
}
template <class Map>
auto find_key(const Map& targets, const std::string* key) {
  return targets.find(*key);
}

}  // namespace tether::detail

#endif
