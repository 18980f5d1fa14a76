#ifndef TETHER_DETAIL_REFLECTION_CORE_HPP
#define TETHER_DETAIL_REFLECTION_CORE_HPP

/// @file
/// Everything a has_many or has_one holds, whatever its target type: the cache and the loads made through get()
/// (a relation_core), the owner's key the cached answer is for, the datasource the owner came from, and, once
/// the owner passed through a datasource or JSON, which reflection of which model the member is. A belongsTo's
/// cache is dropped when its key changes, since it owns the key; a reflection cannot see its owner's key
/// change (`customer.id = 7;`), so it remembers the key with the answer and compares at every read.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include <tether/detail/link_state.hpp>
#include <tether/detail/relation_core.hpp>
#include <tether/detail/relation_load.hpp>
#include <tether/filter.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// The key a reflection of the owner `row` (a row of `owner`) answers for: the referenced property, or null
/// when the owner is not created yet (the property value-initialised: 0, "" or empty), which has no related
/// rows.
inline value owner_key(const model_info& owner, const void* row, std::size_t referenced) {
  value key = owner.get(row, referenced);
  if (const auto* i = std::get_if<std::int64_t>(&key); i != nullptr && *i == 0) return nullptr;
  if (const auto* s = std::get_if<std::string>(&key); s != nullptr && s->empty()) return nullptr;
  return key;
}

class reflection_core {
public:
  reflection_core() = default;

  /// A copy shares the newest answer, with the key it is for, and the origin; never a load.
  reflection_core(const reflection_core& other) : answered_(other.answered_), owner_(other.owner_) {
    if (std::shared_ptr<void> answer; other.core_.newest_answer(answered_, answer)) core_.remember(std::move(answer));
    else answered_ = nullptr;
    core_.set_origin(other.origin());
  }
  reflection_core(reflection_core&&) noexcept = default;
  reflection_core& operator=(const reflection_core& other) {
    if (this != &other) *this = reflection_core(other);
    return *this;
  }
  reflection_core& operator=(reflection_core&&) noexcept = default;
  ~reflection_core() = default;

  /// Whether the cache holds the answer for `key` (the owner's key now), and the answer: a shared
  /// `std::vector` of rows for has_many, a row or null for has_one.
  [[nodiscard]] std::pair<bool, std::shared_ptr<void>> answer(const value& key) const {
    return core_.answer_for(key, answered_);
  }

  /// True when the cache holds an answer, for whichever key.
  [[nodiscard]] bool holds_answer() const { return core_.answer().first; }

  /// Caches `answer` as the answer for `key` (include, JSON, create through the relation).
  void remember(value key, std::shared_ptr<void> answer) noexcept {
    answered_ = std::move(key);
    core_.remember(std::move(answer));
  }

  /// Drops every answer.
  void forget() noexcept {
    core_.forget();
    answered_ = nullptr;
  }

  /// What a store keeps of a reflection: nothing (no answer, no origin).
  void clear() noexcept {
    core_.clear();
    answered_ = nullptr;
  }

  [[nodiscard]] source_id origin() const noexcept { return core_.origin(); }
  void set_origin(source_id origin) noexcept { core_.set_origin(origin); }

  /// Which reflection of which model this member is, when it was told (null otherwise).
  [[nodiscard]] const reflection_info* owner() const noexcept { return owner_; }
  void set_owner(const reflection_info* owner) noexcept { owner_ = owner; }

  /// Starts a load of the related rows of the owner whose key is `key` (null: not created yet, nothing to read):
  /// `waiter` gets the answer exactly once, from the cache when `kind` allows and it holds one for `key`.
  void load(const reflection_info& info, value key, collect_rows collect, load_kind kind, const filter* f,
            load_waiter waiter) const {
    if (kind == load_kind::cached && core_.deliver_cached_for(key, answered_, waiter)) return;
    core_.load_for(std::move(key), load_target{{info.target(), info.foreign_key}, collect}, kind, f, std::move(waiter));
  }

protected:
  [[nodiscard]] relation_core& core() noexcept { return core_; }
  [[nodiscard]] const relation_core& core() const noexcept { return core_; }

private:
  relation_core core_;
  value answered_;  ///< the owner's key that the cached answer is for
  const reflection_info* owner_ = nullptr;
};

/// The core of reflection `index` of `row`, a row of m.
inline reflection_core& reflection_of(const model_info& m, void* row, std::size_t index) noexcept {
  return *reinterpret_cast<reflection_core*>(static_cast<char*>(m.reflection_member(row, index)) +
                                             m.reflection(index).core_offset);
}
inline const reflection_core& reflection_of(const model_info& m, const void* row, std::size_t index) noexcept {
  return *reinterpret_cast<const reflection_core*>(static_cast<const char*>(m.reflection_member(row, index)) +
                                                   m.reflection(index).core_offset);
}

/// Tells every relation and reflection of `rows` (rows of m: a row_span or a row_range) the datasource they came
/// from, and each reflection which one it is.
template <class Rows>
void adopt_origin(const model_info& m, const Rows& rows, source_id origin) noexcept {
  if (m.has_relations()) {
    for (std::size_t i = 0; i < m.properties().size(); ++i) {
      if (m.property(i).relation == nullptr) continue;
      for (std::size_t r = 0; r < rows.size(); ++r) relation_of(m, rows[r], i).set_origin(origin);
    }
  }
  for (std::size_t j = 0; j < m.reflections().size(); ++j) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      auto& core = reflection_of(m, rows[r], j);
      core.set_origin(origin);
      core.set_owner(&m.reflection(j));
    }
  }
}

}  // namespace tether::detail

#endif
