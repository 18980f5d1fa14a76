#ifndef TETHER_DETAIL_SQLITE_STATEMENT_HPP
#define TETHER_DETAIL_SQLITE_STATEMENT_HPP

/// @file
/// One prepared statement (RAII over sqlite3_stmt*): bind by position, step, read columns, reset.

#include <cstdint>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include <tether/detail/sqlite/connection.hpp>

namespace tether::detail::sqlite {

class statement {
public:
  /// Prepares `sql`; `persistent` tells SQLite the statement is cached and reused many times.
  statement(connection& connection, const std::string& sql, bool persistent)
      : connection_(&connection), sql_(sql) {
    const int rc = sqlite3_prepare_v3(connection.handle(), sql.c_str(), static_cast<int>(sql.size() + 1),
                                      persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt_, nullptr);
    if (rc != SQLITE_OK) connection.fail(rc, "cannot prepare " + sql);
  }

  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() { sqlite3_finalize(stmt_); }

  [[nodiscard]] const std::string& sql() const noexcept { return sql_; }

  // Text is bound without a copy: the caller keeps it alive until the statement is reset.
  void bind_null(int index) { check(sqlite3_bind_null(stmt_, index)); }
  void bind_int(int index, std::int64_t v) { check(sqlite3_bind_int64(stmt_, index, v)); }
  void bind_real(int index, double v) { check(sqlite3_bind_double(stmt_, index, v)); }
  void bind_text(int index, std::string_view v) {
    check(sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8));
  }
  void bind_owned_text(int index, std::string v) {
    check(sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }

  /// True when a row is ready, false when the statement is done; throws what a failure stands for.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    connection_->fail(rc, "cannot run " + sql_);
  }

  /// Makes the statement ready to bind and run again (and releases what its last run held).
  void reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  [[nodiscard]] bool is_null(int column) const noexcept { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  [[nodiscard]] int type(int column) const noexcept { return sqlite3_column_type(stmt_, column); }
  [[nodiscard]] std::int64_t column_int(int column) const noexcept { return sqlite3_column_int64(stmt_, column); }
  [[nodiscard]] double column_real(int column) const noexcept { return sqlite3_column_double(stmt_, column); }
  [[nodiscard]] std::string_view column_text(int column) const noexcept {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
    return text == nullptr ? std::string_view{} : std::string_view{text, size};
  }

private:
  void check(int rc) const {
    if (rc != SQLITE_OK) connection_->fail(rc, "cannot bind a value of " + sql_);
  }

  connection* connection_;
  std::string sql_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// Resets a statement when the scope that ran it ends, however it ends.
class run {
public:
  explicit run(statement& statement) noexcept : statement_(statement) {}
  run(const run&) = delete;
  run& operator=(const run&) = delete;
  ~run() { statement_.reset(); }
  statement* operator->() const noexcept { return &statement_; }
  statement& operator*() const noexcept { return statement_; }

private:
  statement& statement_;
};

}  // namespace tether::detail::sqlite

#endif
