#ifndef TETHER_DETAIL_POSTGRES_CONNECTION_HPP
#define TETHER_DETAIL_POSTGRES_CONNECTION_HPP

/// @file
/// One session with the server (RAII over PGconn*), configured as tether needs it, and the statements it has
/// prepared. A connection is used by one thread at a time: the pool hands it out.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <libpq-fe.h>
#include <poll.h>

#include <tether/detail/postgres/error.hpp>
#include <tether/detail/postgres/result.hpp>
#include <tether/detail/postgres/values.hpp>

namespace tether::detail::postgres {

class connection {
public:
  /// Connects; throws connection_error naming the server when it cannot, within `connect_timeout`.
  connection(const std::string& conninfo, std::chrono::seconds connect_timeout,
             std::chrono::milliseconds statement_timeout) {
    // The caller's string is expanded in place of dbname; settings it makes itself win over ours.
    const std::string timeout = std::to_string(std::max<std::int64_t>(1, connect_timeout.count()));
    const char* keywords[] = {"connect_timeout", "dbname", nullptr};
    const char* values[] = {timeout.c_str(), conninfo.c_str(), nullptr};
    connection_.reset(PQconnectdbParams(keywords, values, 1));
    PGconn* const conn = connection_.get();
    if (conn == nullptr) throw connection_error("tether::postgres: out of memory connecting to " + conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
      throw connection_error("tether::postgres: cannot connect to " + describe_server(conninfo) + ": " +
                             message_of(PQerrorMessage(conn)));
    }
    where_ = std::string(PQhost(conn)) + ":" + PQport(conn) + "/" + PQdb(conn);
    // Notices ("table does not exist, skipping") are not the program's output.
    PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
    exec("SET statement_timeout = " + std::to_string(statement_timeout.count()), "cannot set the statement timeout");
  }

  [[nodiscard]] PGconn* handle() const noexcept { return connection_.get(); }
  /// host:port/dbname, for messages.
  [[nodiscard]] const std::string& where() const noexcept { return where_; }

  /// Whether the session can take a statement: connected, outside any transaction, and not closed by the
  /// server while it sat idle. An idle session receives nothing (tether never LISTENs), so anything readable
  /// on its socket is the server's goodbye (a FATAL message, or the end of the stream): checked without waiting.
  [[nodiscard]] bool usable() const noexcept {
    if (PQstatus(handle()) != CONNECTION_OK || PQtransactionStatus(handle()) != PQTRANS_IDLE) return false;
    pollfd socket{PQsocket(handle()), POLLIN, 0};
    return ::poll(&socket, 1, 0) == 0;
  }

  /// Runs statements that bind nothing (transaction control, DDL); `sql` may hold several.
  result exec(const std::string& sql, std::string_view what) {
    result r(PQexec(handle(), sql.c_str()));
    if (!r.ok()) throw_error(handle(), r.get(), where_, std::string(what) + " (" + sql + ")");
    return r;
  }

  /// Runs `sql` once with `params`, results in text (for catalog look-ups and messages).
  result query_text(const std::string& sql, parameters& params, std::string_view what) {
    return run_unnamed(sql, params, what, 0);
  }

  /// Runs `sql` as a statement prepared on this connection (prepared on first use), results in binary. A
  /// statement of more than `prepared_parameter_limit` parameters (a multi-row INSERT, one shape per row count)
  /// runs unnamed instead: kept, each would hold a plan of its whole VALUES list in the server session, up to
  /// 65,535 parameters each, while its parse is a small part of a statement writing that many values.
  result run(const std::string& sql, parameters& params, std::string_view what) {
    if (schema_generation_ != seen_generation_) forget_statements();
    if (params.size() > prepared_parameter_limit) return run_unnamed(sql, params, what, 1);
    auto found = prepared_.find(sql);
    if (found == prepared_.end()) {
      if (prepared_.size() >= statement_capacity) forget_statements();
      std::string name = "tether_" + std::to_string(++statement_counter_);
      result made(PQprepare(handle(), name.c_str(), sql.c_str(), params.size(), params.types()));
      if (!made.ok()) throw_error(handle(), made.get(), where_, what);
      found = prepared_.emplace(sql, std::move(name)).first;
    }
    result r(PQexecPrepared(handle(), found->second.c_str(), params.size(), params.values(), params.lengths(),
                            params.formats(), 1));
    if (!r.ok()) throw_error(handle(), r.get(), where_, what);
    return r;
  }

  /// Runs `sql`, a `COPY ... FROM STDIN`, sending `data` as its rows.
  result copy_in(const std::string& sql, std::string_view data, std::string_view what) {
    result started(PQexec(handle(), sql.c_str()));
    if (PQresultStatus(started.get()) != PGRES_COPY_IN) throw_error(handle(), started.get(), where_, what);
    constexpr std::size_t piece = std::size_t{1} << 20;
    bool sent = true;
    for (std::size_t at = 0; sent && at < data.size(); at += piece)
      sent = PQputCopyData(handle(), data.data() + at, static_cast<int>(std::min(piece, data.size() - at))) == 1;
    sent = PQputCopyEnd(handle(), sent ? nullptr : "tether: sending the rows failed") == 1 && sent;
    // The COPY's outcome, then the end of its results.
    result r(PQgetResult(handle()));
    while (PGresult* more = PQgetResult(handle())) PQclear(more);
    if (!sent || !r.ok()) throw_error(handle(), r.get(), where_, what);
    return r;
  }

  /// Tells the connection the schema may have changed: its prepared statements are dropped before its next run.
  void schema_changed(std::uint64_t generation) noexcept { schema_generation_ = generation; }

  static constexpr std::size_t statement_capacity = 256;
  static constexpr int prepared_parameter_limit = 1024;

private:
  /// Runs `sql` once, unprepared, with results in text (`result_format` 0) or binary (1).
  result run_unnamed(const std::string& sql, parameters& params, std::string_view what,
                     int result_format) {
    result r(PQexecParams(handle(), sql.c_str(), params.size(), params.types(), params.values(),
                          params.lengths(), params.formats(), result_format));
    if (!r.ok()) throw_error(handle(), r.get(), where_, what);
    return r;
  }

  void forget_statements() {
    if (!prepared_.empty()) exec("DEALLOCATE ALL", "cannot drop prepared statements");
    prepared_.clear();
    seen_generation_ = schema_generation_;
  }

  // The conninfo without a password, for a message.
  static std::string describe_server(const std::string& conninfo) {
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr);
    if (options == nullptr) return "\"" + conninfo + "\"";
    std::string shown;
    for (auto* o = options; o->keyword != nullptr; ++o) {
      if (o->val == nullptr || std::string_view(o->keyword) == "password") continue;
      if (!shown.empty()) shown += ' ';
      shown += std::string(o->keyword) + "=" + o->val;
    }
    PQconninfoFree(options);
    return "\"" + shown + "\"";
  }

  struct closer {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
  };

  std::unique_ptr<PGconn, closer> connection_;
  std::string where_;
  std::unordered_map<std::string, std::string> prepared_;
  std::uint64_t statement_counter_ = 0;
  std::uint64_t schema_generation_ = 0;
  std::uint64_t seen_generation_ = 0;
};

}  // namespace tether::detail::postgres

#endif
