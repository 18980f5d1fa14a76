#ifndef TETHER_DETAIL_POSTGRES_ERROR_HPP
#define TETHER_DETAIL_POSTGRES_ERROR_HPP

/// @file
/// From a failed libpq call to the tether exception a caller can act on: the server unreachable, gone or not
/// answering in time is a connection_error; a refused write a constraint_error, carrying the error fields
/// that name the constraint (never its message, which is in the server's language), so the connector can
/// explain it in the model's terms; anything else a tether::error.

#include <string>
#include <string_view>
#include <utility>

#include <libpq-fe.h>

#include <tether/error.hpp>

namespace tether::detail::postgres {

/// A constraint the server refused (SQLSTATE class 23), with the error fields that say which.
class constraint_violation : public constraint_error {
public:
  constraint_violation(const std::string& message, std::string sqlstate, std::string constraint,
                       std::string table)
      : constraint_error(message),
        sqlstate_(std::move(sqlstate)),
        constraint_(std::move(constraint)),
        table_(std::move(table)) {}

  /// PG_DIAG_SQLSTATE: "23503" foreign key, "23505" unique, "23502" not null, ...
  [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }
  /// PG_DIAG_CONSTRAINT_NAME.
  [[nodiscard]] const std::string& constraint() const noexcept { return constraint_; }
  /// PG_DIAG_TABLE_NAME: the table the constraint belongs to (for a foreign key, the referencing one).
  [[nodiscard]] const std::string& table() const noexcept { return table_; }

private:
  std::string sqlstate_;
  std::string constraint_;
  std::string table_;
};

/// The server's message without libpq's trailing newline.
inline std::string message_of(const char* text) {
  std::string message = text != nullptr ? text : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

/// Whether a SQLSTATE means the session is gone or the server is not answering.
inline bool is_connection_state(std::string_view sqlstate) noexcept {
  return sqlstate.starts_with("08") ||                      // connection exception
         sqlstate == "57P01" || sqlstate == "57P02" ||      // admin or crash shutdown
         sqlstate == "57P03" || sqlstate == "53300" ||      // cannot connect now, too many connections
         sqlstate == "57014";                               // canceled: the statement timeout
}

/// Throws the exception a failed call stands for. `result` may be null (libpq could not even send).
/// `where` names the server, `what` what was being done ("cannot find Order").
[[noreturn]] inline void throw_error(PGconn* conn, const PGresult* result, std::string_view where,
                                     std::string_view what) {
  const auto field = [&](int code) {
    const char* text = result != nullptr ? PQresultErrorField(result, code) : nullptr;
    return std::string(text != nullptr ? text : "");
  };
  const std::string sqlstate = field(PG_DIAG_SQLSTATE);
  std::string reason = message_of(result != nullptr ? PQresultErrorMessage(result) : nullptr);
  if (reason.empty()) reason = message_of(PQerrorMessage(conn));
  const std::string text = "tether::postgres: " + std::string(where) + ": " + std::string(what) + ": " + reason;
  if (PQstatus(conn) != CONNECTION_OK || is_connection_state(sqlstate)) {
    if (sqlstate == "57014")
      throw connection_error(text + " (the statement timeout, postgres_options::statement_timeout, ran out)");
    throw connection_error(text);
  }
  if (sqlstate.starts_with("23"))
    throw constraint_violation(text, sqlstate, field(PG_DIAG_CONSTRAINT_NAME), field(PG_DIAG_TABLE_NAME));
  throw error(text);
}

}  // namespace tether::detail::postgres

#endif
