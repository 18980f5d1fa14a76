#ifndef TETHER_DETAIL_SQLITE_CONNECTION_HPP
#define TETHER_DETAIL_SQLITE_CONNECTION_HPP

/// @file
/// One open SQLite database handle (RAII over sqlite3*), configured as tether needs it: extended result codes,
/// the busy timeout, foreign keys enforced, WAL for files, and `tether_like`, the LIKE of the memory connector.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <sqlite3.h>

#include <tether/detail/like.hpp>
#include <tether/detail/sqlite/error.hpp>

namespace tether::detail::sqlite {

class connection {
public:
  connection(std::string file, std::chrono::milliseconds busy_timeout) : file_(std::move(file)) {
    sqlite3* opened = nullptr;
    const int rc = sqlite3_open_v2(file_.c_str(), &opened,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    db_.reset(opened);  // SQLite hands out a handle even when opening fails; it must be closed all the same
    if (rc != SQLITE_OK) {
      throw connection_error("tether::sqlite: cannot open " + file_ + ": " +
                             (opened != nullptr ? sqlite3_errmsg(opened) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(handle(), 1);
    sqlite3_busy_timeout(handle(), static_cast<int>(busy_timeout.count()));
    // A double-quoted name that matches no column must be an error, not a string literal.
    sqlite3_db_config(handle(), SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
    sqlite3_db_config(handle(), SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
    // The first statement reads the file: a file that is no database fails here, naming itself.
    exec("PRAGMA foreign_keys = ON", "cannot enable foreign keys");
    if (!in_memory()) exec("PRAGMA journal_mode = WAL", "cannot switch to WAL");
    register_like();
  }

  [[nodiscard]] sqlite3* handle() const noexcept { return db_.get(); }
  [[nodiscard]] const std::string& file() const noexcept { return file_; }

  /// Runs statements that bind nothing and return nothing of interest (pragmas, transaction control, DDL).
  void exec(const std::string& sql, std::string_view what) {
    char* message = nullptr;
    const int rc = sqlite3_exec(handle(), sql.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) fail(rc, std::string(what) + " (" + sql + ")");
  }

  [[noreturn]] void fail(int rc, std::string_view what) const { throw_error(handle(), rc, file_, what); }

private:
  [[nodiscard]] bool in_memory() const noexcept {
    return file_.empty() || file_ == ":memory:" || file_.starts_with("file::memory:");
  }

  // LIKE as the memory connector evaluates it (bytes, case-sensitive, `\` escapes, a lone trailing `\` is
  // literal); SQLite's own LIKE counts `_` in UTF-8 characters and folds ASCII case.
  void register_like() {
    const int rc = sqlite3_create_function_v2(
        handle(), "tether_like", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
        [](sqlite3_context* context, int, sqlite3_value** args) {
          if (sqlite3_value_type(args[0]) == SQLITE_NULL || sqlite3_value_type(args[1]) == SQLITE_NULL) {
            sqlite3_result_null(context);
            return;
          }
          const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
          const auto text_size = static_cast<std::size_t>(sqlite3_value_bytes(args[0]));
          const auto* pattern = reinterpret_cast<const char*>(sqlite3_value_text(args[1]));
          const auto pattern_size = static_cast<std::size_t>(sqlite3_value_bytes(args[1]));
          sqlite3_result_int(context, like_match({text, text_size}, {pattern, pattern_size}) ? 1 : 0);
        },
        nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, "cannot register tether_like");
  }

  struct closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
  };

  std::string file_;
  std::unique_ptr<sqlite3, closer> db_;
};

}  // namespace tether::detail::sqlite

#endif
