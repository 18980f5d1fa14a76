#ifndef TETHER_DETAIL_POSTGRES_RESULT_HPP
#define TETHER_DETAIL_POSTGRES_RESULT_HPP

/// @file
/// One query result (RAII over PGresult*): rows, columns, their type OIDs and raw bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include <libpq-fe.h>

namespace tether::detail::postgres {

class result {
public:
  result() = default;
  explicit result(PGresult* r) noexcept : result_(r) {}
  result(result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
  result& operator=(result&& other) noexcept {
    std::swap(result_, other.result_);
    return *this;
  }
  result(const result&) = delete;
  result& operator=(const result&) = delete;
  ~result() { PQclear(result_); }

  [[nodiscard]] PGresult* get() const noexcept { return result_; }
  /// True for a command that succeeded, with or without rows.
  [[nodiscard]] bool ok() const noexcept {
    const auto status = PQresultStatus(result_);
    return result_ != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK);
  }

  [[nodiscard]] int rows() const noexcept { return PQntuples(result_); }
  [[nodiscard]] int columns() const noexcept { return PQnfields(result_); }
  [[nodiscard]] Oid type(int column) const noexcept { return PQftype(result_, column); }
  [[nodiscard]] const char* column_name(int column) const noexcept { return PQfname(result_, column); }
  [[nodiscard]] bool is_null(int row, int column) const noexcept { return PQgetisnull(result_, row, column) != 0; }
  /// The value's bytes: its binary form for a binary result, its text otherwise.
  [[nodiscard]] std::string_view bytes(int row, int column) const noexcept {
    return {PQgetvalue(result_, row, column), static_cast<std::size_t>(PQgetlength(result_, row, column))};
  }
  /// The first byte of the value (its binary form for a binary result); `bytes` without asking for the length.
  [[nodiscard]] const char* value(int row, int column) const noexcept { return PQgetvalue(result_, row, column); }
  [[nodiscard]] std::size_t length(int row, int column) const noexcept {
    return static_cast<std::size_t>(PQgetlength(result_, row, column));
  }
  /// Rows an INSERT, UPDATE or DELETE touched.
  [[nodiscard]] std::int64_t affected() const noexcept { return std::strtoll(PQcmdTuples(result_), nullptr, 10); }

private:
  PGresult* result_ = nullptr;
};

}  // namespace tether::detail::postgres

#endif
