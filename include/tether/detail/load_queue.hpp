#ifndef TETHER_DETAIL_LOAD_QUEUE_HPP
#define TETHER_DETAIL_LOAD_QUEUE_HPP

/// @file
/// Plain relation loads waiting for a worker, by target (model and referenced property). When loads go to
/// workers (a connector that waits on the network, or one busy with another thread), a worker that serves a
/// target takes every load of it that is waiting, up to the connector's parameter limit, and one query answers
/// them all (relation_load.hpp): ten thousand `get()` calls issued at once cost a round trip a batch, not one a
/// load. Two workers at most serve one target at a time: while one query is in flight, the loads issued
/// meanwhile gather for the next. With as many workers as the pool has connections, each took the loads one at
/// a time as they came (10,000 `get()` at once on PostgreSQL, pool of 8: 458 ms with eight, 16 ms with two,
/// 20 ms with one); with two, a lone load waits behind one batch at most.

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include <tether/detail/link_state.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// What a relation's target is: the model, and the property of it that the key references.
struct relation_target_ref {
  const model_info& model;
  std::size_t property;
};

/// One load waiting: the key to look up, and where its answer goes.
struct queued_load {
  value key;
  load_completion finish;
};

class load_queues {
public:
  /// How many workers serve one target at a time.
  static constexpr std::size_t workers_per_target = 2;

  /// Adds a load of `target`; true when the caller must start a worker on it (fewer than
  /// `workers_per_target` serve it).
  bool add(const relation_target_ref& target, value key, load_completion finish) {
    std::lock_guard lock(mutex_);
    auto& q = queues_[{&target.model, target.property}];
    q.waiting.push_back({std::move(key), finish});
    if (q.serving >= workers_per_target) return false;
    ++q.serving;
    return true;
  }

  /// Takes up to `most` of the loads of `target` that are waiting, oldest first; none when there are none, and
  /// then the worker that asked (`by_worker`) no longer serves `target`. A thread waiting for one of the loads
  /// may take them too (not `by_worker`).
  std::vector<queued_load> take(const relation_target_ref& target, std::size_t most, bool by_worker = true) {
    std::vector<queued_load> taken;
    std::lock_guard lock(mutex_);
    auto& q = queues_[{&target.model, target.property}];
    if (q.waiting.empty()) {
      if (by_worker) --q.serving;
      return taken;
    }
    const std::size_t count = std::min(most, q.waiting.size());
    taken.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      taken.push_back(std::move(q.waiting.front()));
      q.waiting.pop_front();
    }
    return taken;
  }

private:
  struct queue {
    std::deque<queued_load> waiting;
    std::size_t serving = 0;  ///< workers taking loads from it now
  };

  std::mutex mutex_;
  std::map<std::pair<const model_info*, std::size_t>, queue> queues_;
};

}  // namespace tether::detail

#endif
