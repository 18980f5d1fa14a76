#ifndef TETHER_DETAIL_SQLITE_STATEMENT_CACHE_HPP
#define TETHER_DETAIL_SQLITE_STATEMENT_CACHE_HPP

/// @file
/// Prepared statements kept by their SQL text. No value ever reaches the text, so the text is the model and
/// the shape of the statement (which columns, which operators, how many values in a list).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include <tether/detail/sqlite/statement.hpp>

namespace tether::detail::sqlite {

/// A caller's memo of the statement for one fixed text (a model's insert, a lookup): the cache answers from it
/// without hashing the text while it has not been emptied since.
struct statement_slot {
  statement* prepared = nullptr;
  std::uint64_t generation = 0;
};

/// Two kinds of statements: a model's fixed texts (its writes and lookups, asked for through a slot), of which
/// there are a few per model, are kept until the schema changes; every other text (a query's shape) is kept
/// until there are `capacity` of them, then they are all dropped. So no run of query shapes, however many
/// (include sends key lists of many lengths), makes a relation load prepare its statement again.
class statement_cache {
public:
  explicit statement_cache(connection& db) : connection_(db) {}

  /// The statement for `sql`, prepared on first use. Valid until the next clear() or the next call that
  /// makes the cache full (callers hold a statement only while they run it).
  statement& get(const std::string& sql) { return get(sql, false); }

  /// As get(sql), remembered in `slot`, which must always be used with the same text; kept until clear().
  statement& get(const std::string& sql, statement_slot& slot) {
    if (slot.prepared != nullptr && slot.generation == generation_) return *slot.prepared;
    statement& made = get(sql, true);
    slot = {&made, generation_};
    return made;
  }

  /// Forgets every statement (after a change of schema), and so every slot.
  void clear() noexcept {
    statements_.clear();
    transient_ = 0;
    ++generation_;
  }

  /// How many statements of query shapes are kept at most.
  static constexpr std::size_t capacity = 256;

private:
  struct entry {
    std::unique_ptr<statement> prepared;
    bool kept;  ///< a model's fixed text, asked for through a slot
  };

  statement& get(const std::string& sql, bool keep) {
    if (auto found = statements_.find(sql); found != statements_.end()) {
      if (keep && !found->second.kept) {
        found->second.kept = true;
        --transient_;
      }
      return *found->second.prepared;
    }
    if (!keep && transient_ >= capacity) drop_transient();
    auto made = std::make_unique<statement>(connection_, sql, true);
    auto& added = *made;
    statements_.emplace(sql, entry{std::move(made), keep});
    if (!keep) ++transient_;
    return added;
  }

  void drop_transient() noexcept {
    std::erase_if(statements_, [](const auto& e) { return !e.second.kept; });
    transient_ = 0;
  }

  connection& connection_;
  std::uint64_t generation_ = 1;  ///< how many times the cache was emptied, plus one: a fresh slot never matches
  std::size_t transient_ = 0;     ///< statements of query shapes
  std::unordered_map<std::string, entry> statements_;
};

}  // namespace tether::detail::sqlite

#endif
