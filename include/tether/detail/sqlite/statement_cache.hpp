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

#include <tether/detail/sqlite/statement.hpp>

namespace tether::detail {

/// A caller's memo of the statement for one fixed text (a model's insert, a lookup): the cache answers from it
/// without hashing the text while it has not been emptied since.
struct sqlite_statement_slot {
  sqlite_statement* statement = nullptr;
  std::uint64_t generation = 0;
};

class sqlite_statement_cache {
public:
  explicit sqlite_statement_cache(sqlite_connection& connection) : connection_(connection) {}

  /// The statement for `sql`, prepared on first use. Valid until the next clear() or the next call that
  /// makes the cache full (callers hold a statement only while they run it).
  sqlite_statement& get(const std::string& sql) {
    if (auto found = statements_.find(sql); found != statements_.end()) return *found->second;
    // Include sends key lists of every length up to the parameter limit; keep the cache bounded.
    if (statements_.size() >= capacity) clear();
    auto made = std::make_unique<sqlite_statement>(connection_, sql, true);
    auto& statement = *made;
    statements_.emplace(sql, std::move(made));
    return statement;
  }

  /// As get(sql), remembered in `slot`, which must always be used with the same text.
  sqlite_statement& get(const std::string& sql, sqlite_statement_slot& slot) {
    if (slot.statement != nullptr && slot.generation == generation_) return *slot.statement;
    sqlite_statement& statement = get(sql);
    slot = {&statement, generation_};
    return statement;
  }

  /// Forgets every statement (after a change of schema), and so every slot.
  void clear() noexcept {
    statements_.clear();
    ++generation_;
  }

  static constexpr std::size_t capacity = 256;

private:
  sqlite_connection& connection_;
  std::uint64_t generation_ = 1;  ///< how many times the cache was emptied, plus one: a fresh slot never matches
  std::unordered_map<std::string, std::unique_ptr<sqlite_statement>> statements_;
};

}  // namespace tether::detail

#endif
