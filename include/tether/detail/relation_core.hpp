#ifndef TETHER_DETAIL_RELATION_CORE_HPP
#define TETHER_DETAIL_RELATION_CORE_HPP

/// @file
/// Everything a belongs_to holds besides its key, and everything it does that does not depend on the target's
/// type: the cache, the state of loads made through get(), the datasource the owner came from. belongs_to adds
/// the typed key and the typed accessors on top, so a relation type costs a few forwarding functions, not a
/// copy of the load machinery. A has_many or has_one holds one too (reflection_core.hpp), and uses its keyed
/// calls: the owner's key that an answer is for is kept with the answer.

#include <atomic>
#include <memory>
#include <utility>

#include <tether/connector.hpp>
#include <tether/detail/link_state.hpp>
#include <tether/detail/relation_load.hpp>
#include <tether/filter.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

class relation_core {
public:
  relation_core() = default;

  /// A copy shares the cached target (whichever of the two places holds it) and the origin; never a load.
  relation_core(const relation_core& other) : origin_(other.origin_) {
    if (other.state_.load(std::memory_order_acquire) == nullptr) {
      cached_ = other.cached_;
      cached_loaded_ = other.cached_loaded_;
    } else {
      std::tie(cached_loaded_, cached_) = other.answer();
    }
  }

  relation_core(relation_core&& other) noexcept
      : cached_(std::move(other.cached_)),
        state_(take_state(other.state_)),
        origin_(other.origin_),
        cached_loaded_(std::exchange(other.cached_loaded_, false)) {}

  relation_core& operator=(const relation_core& other) {
    if (this != &other) *this = relation_core(other);
    return *this;
  }

  relation_core& operator=(relation_core&& other) noexcept {
    if (this != &other) {
      release_state(state_);
      cached_ = std::move(other.cached_);
      cached_loaded_ = std::exchange(other.cached_loaded_, false);
      state_.store(take_state(other.state_), std::memory_order_release);
      origin_ = other.origin_;
    }
    return *this;
  }

  ~relation_core() { release_state(state_); }

  // The cache has two places. What the owner's own calls decide (set, include, JSON, unlink) is kept inline:
  // they are mutations, never concurrent with other use of the object, and cost no allocation. What a const
  // load decides is kept in the shared state, which other threads may be writing; once it holds an answer,
  // that answer is the newer one and wins.
  /// Whether the cache holds the answer for the current key, and the answer.
  [[nodiscard]] std::pair<bool, std::shared_ptr<void>> answer() const {
    if (std::shared_ptr<void> loaded; state_answer(state_, loaded)) return {true, std::move(loaded)};
    return {cached_loaded_, cached_};
  }

  /// Caches `target` as the answer for the current key, and lets loads in flight for it go.
  void remember(std::shared_ptr<void> target) noexcept {
    release_state(state_);
    cached_ = std::move(target);
    cached_loaded_ = true;
  }

  /// Drops every answer: the key changed.
  void forget() noexcept {
    release_state(state_);
    cached_.reset();
    cached_loaded_ = false;
  }

  /// Drops everything but the key (which the owner keeps): what a store keeps of a relation.
  void clear() noexcept {
    forget();
    origin_ = 0;
  }

  [[nodiscard]] source_id origin() const noexcept { return origin_; }
  void set_origin(source_id origin) noexcept { origin_ = origin; }

  /// Answers `waiter` from the cache when it holds the answer; false (and `waiter` untouched) otherwise.
  bool deliver_cached(load_waiter& waiter) const {
    // The common case of get(): nothing cached yet and no load state, answered without copying a pointer.
    if (!cached_loaded_ && state_.load(std::memory_order_acquire) == nullptr) return false;
    auto [loaded, cached] = answer();
    if (loaded) waiter.deliver_now(nullptr, cached);
    return loaded;
  }

  /// Starts a load of `key` (null for a null key) of `target` (link_state.hpp, relation_load.hpp).
  void load(value key, const relation_target_ref& target, load_kind kind, const filter* f, load_waiter waiter) const {
    start_load(state_, std::move(key), origin_, load_target{target}, kind, f, std::move(waiter));
  }

  /// @name Keyed calls, for an owner whose key can change unseen (a reflection's): `inline_key` is the key the
  /// inline answer is for. The newest answer wins, as above; it counts only for its own key.
  /// @{
  [[nodiscard]] std::pair<bool, std::shared_ptr<void>> answer_for(const value& key, const value& inline_key) const {
    std::shared_ptr<void> loaded;
    switch (state_answer_for(state_, key, loaded)) {
      case state_holds::answer_for_key:
        return {true, std::move(loaded)};
      case state_holds::answer_for_other_key:
        return {false, nullptr};
      case state_holds::nothing:
        break;
    }
    if (cached_loaded_ && inline_key == key) return {true, cached_};
    return {false, nullptr};
  }

  /// The newest answer and the key it is for (`key` holds the inline answer's key on entry); false when none.
  bool newest_answer(value& key, std::shared_ptr<void>& answer) const {
    if (state_answer_keyed(state_, key, answer)) return true;
    if (!cached_loaded_) return false;
    answer = cached_;
    return true;
  }

  /// Answers `waiter` from the cache when it holds the answer for `key`; false (and `waiter` untouched) otherwise.
  bool deliver_cached_for(const value& key, const value& inline_key, load_waiter& waiter) const {
    if (!cached_loaded_ && state_.load(std::memory_order_acquire) == nullptr) return false;
    auto [loaded, cached] = answer_for(key, inline_key);
    if (loaded) waiter.deliver_now(nullptr, cached);
    return loaded;
  }

  /// Starts a keyed load of `key` (null when the owner is not created yet) of `target`.
  void load_for(value key, const load_target& target, load_kind kind, const filter* f, load_waiter waiter) const {
    start_load(state_, std::move(key), origin_, target, kind, f, std::move(waiter), true);
  }
  /// @}

private:
  std::shared_ptr<void> cached_;
  mutable std::atomic<link_state*> state_{nullptr};
  source_id origin_ = 0;  ///< the datasource the owner came from (0: none)
  bool cached_loaded_ = false;
};

/// The core of the relation whose foreign key is property `index` of `row`, a row of m.
inline relation_core& relation_of(const model_info& m, void* row, std::size_t index) noexcept {
  return *reinterpret_cast<relation_core*>(static_cast<char*>(m.member(row, index)) + m.property(index).core_offset);
}
inline const relation_core& relation_of(const model_info& m, const void* row, std::size_t index) noexcept {
  return *reinterpret_cast<const relation_core*>(static_cast<const char*>(m.member(row, index)) +
                                                 m.property(index).core_offset);
}

}  // namespace tether::detail

#endif
