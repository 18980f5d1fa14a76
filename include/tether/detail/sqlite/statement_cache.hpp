#ifndef TETHER_DETAIL_SQLITE_STATEMENT_CACHE_HPP
#define TETHER_DETAIL_SQLITE_STATEMENT_CACHE_HPP

/// @file
/// Prepared statements kept by their SQL text. No value ever reaches the text, so the text is the model and
/// the shape of the statement (which columns, which operators, how many values in a list).

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include <tether/detail/sqlite/statement.hpp>

namespace tether::detail {

class sqlite_statement_cache {
public:
  explicit sqlite_statement_cache(sqlite_connection& connection) : connection_(connection) {}

  /// The statement for `sql`, prepared on first use. Valid until the next clear() or the next call that
  /// makes the cache full (callers hold a statement only while they run it).
  sqlite_statement& get(const std::string& sql) {
    if (auto found = statements_.find(sql); found != statements_.end()) return *found->second;
    // Include sends key lists of every length up to the parameter limit; keep the cache bounded.
    if (statements_.size() >= capacity) statements_.clear();
    auto made = std::make_unique<sqlite_statement>(connection_, sql, true);
    auto& statement = *made;
    statements_.emplace(sql, std::move(made));
    return statement;
  }

  /// Forgets every statement (after a change of schema).
  void clear() noexcept { statements_.clear(); }

  static constexpr std::size_t capacity = 256;

private:
  sqlite_connection& connection_;
  std::unordered_map<std::string, std::unique_ptr<sqlite_statement>> statements_;
};

}  // namespace tether::detail

#endif
