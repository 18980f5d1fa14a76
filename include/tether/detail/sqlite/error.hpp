#ifndef TETHER_DETAIL_SQLITE_ERROR_HPP
#define TETHER_DETAIL_SQLITE_ERROR_HPP

/// @file
/// From a SQLite result code to the tether exception a caller can act on: the store unreachable or busy is a
/// connection_error naming the file, a refused write a constraint_error, anything else a tether::error.

#include <string>
#include <string_view>

#include <sqlite3.h>

#include <tether/error.hpp>

namespace tether::detail::sqlite {

/// A constraint SQLite refused, with its extended code, so the connector can explain it in the model's terms
/// (which relation, which key) before it reaches the caller.
class constraint_violation : public constraint_error {
public:
  constraint_violation(int code, const std::string& message) : constraint_error(message), code_(code) {}
  [[nodiscard]] int code() const noexcept { return code_; }

private:
  int code_;
};

/// Throws the exception `rc` stands for. `what` says what was being done ("cannot prepare ...").
[[noreturn]] inline void throw_error(sqlite3* db, int rc, std::string_view file, std::string_view what) {
  const std::string reason = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string text = "tether::sqlite: " + std::string(file) + ": " + std::string(what) + ": " + reason;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw connection_error("tether::sqlite: " + std::string(file) + " is busy (another connection holds its lock " +
                             "past the busy timeout): " + std::string(what) + ": " + reason);
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      throw connection_error("tether::sqlite: " + std::string(file) + " is not a SQLite database: " + reason);
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_AUTH:
      throw connection_error(text);
    case SQLITE_CONSTRAINT:
      throw constraint_violation(rc, text);
    default:
      throw error(text);
  }
}

}  // namespace tether::detail::sqlite

#endif
