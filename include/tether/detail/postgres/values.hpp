#ifndef TETHER_DETAIL_POSTGRES_VALUES_HPP
#define TETHER_DETAIL_POSTGRES_VALUES_HPP

/// @file
/// Property values to statement parameters and result columns back to property values, in PostgreSQL's binary
/// format (no text parsing or locale on the row path, exact doubles). The stored forms:
///   integers         bigint (int8)
///   floating point   double precision (float8)
///   bool             boolean
///   std::string      text (UTF-8; PostgreSQL refuses a NUL byte in text)
///   time_point       timestamptz: microseconds, so finer parts are cut (towards the past)
///   nlohmann::json   jsonb (a JSON null is the jsonb 'null', unlike an empty optional, which is SQL NULL)
/// A column read back may also be a narrower type of the same family (integer, real, text, timestamp, json), as
/// a table created elsewhere can have.

#include <bit>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include <tether/detail/postgres/result.hpp>
#include <tether/error.hpp>
#include <tether/model.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// Type OIDs, fixed since PostgreSQL's first releases (pg_type.dat).
namespace postgres_oid {
inline constexpr Oid boolean = 16, bytea = 17, name = 19, int8 = 20, int2 = 21, int4 = 23, text = 25, json = 114,
                     float4 = 700, float8 = 701, bpchar = 1042, varchar = 1043, timestamp = 1114,
                     timestamptz = 1184, jsonb = 3802;
inline constexpr Oid boolean_array = 1000, text_array = 1009, int8_array = 1016, float8_array = 1022,
                     timestamptz_array = 1185;
}  // namespace postgres_oid

/// Microseconds between 1970-01-01 and 2000-01-01, PostgreSQL's epoch for timestamps.
inline constexpr std::int64_t postgres_epoch_us = 946'684'800'000'000;

inline Oid postgres_type_of(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::integer: return postgres_oid::int8;
    case value_kind::real: return postgres_oid::float8;
    case value_kind::boolean: return postgres_oid::boolean;
    case value_kind::string: return postgres_oid::text;
    case value_kind::time: return postgres_oid::timestamptz;
    case value_kind::json: return postgres_oid::jsonb;
  }
  return postgres_oid::text;
}

inline Oid postgres_array_type_of(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::integer: return postgres_oid::int8_array;
    case value_kind::real: return postgres_oid::float8_array;
    case value_kind::boolean: return postgres_oid::boolean_array;
    case value_kind::time: return postgres_oid::timestamptz_array;
    case value_kind::string:
    case value_kind::json: return postgres_oid::text_array;
  }
  return postgres_oid::text_array;
}

inline std::int64_t postgres_time(time_point t) noexcept {
  return std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch()).count() - postgres_epoch_us;
}

inline void append_big_endian(std::string& out, std::uint64_t v, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

inline std::uint64_t read_big_endian(std::string_view in) noexcept {
  std::uint64_t v = 0;
  for (const char c : in) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

/// Statement parameters, all in binary format, collected in one buffer.
class postgres_params {
public:
  void reserve(std::size_t count, std::size_t bytes) {
    types_.reserve(count);
    offsets_.reserve(count);
    buffer_.reserve(bytes);
  }

  void add_null(Oid type) {
    types_.push_back(type);
    offsets_.push_back(null_offset);
    lengths_.push_back(0);
  }

  /// Starts a non-null parameter; its bytes are what the caller appends to `buffer()` before the next one.
  std::string& begin(Oid type) {
    types_.push_back(type);
    offsets_.push_back(buffer_.size());
    lengths_.push_back(0);
    return buffer_;
  }
  /// Ends the parameter begin() started.
  void end() { lengths_.back() = static_cast<int>(buffer_.size() - offsets_.back()); }

  [[nodiscard]] int size() const noexcept { return static_cast<int>(types_.size()); }
  [[nodiscard]] const Oid* types() const noexcept { return types_.data(); }
  [[nodiscard]] const int* lengths() const noexcept { return lengths_.data(); }
  [[nodiscard]] const int* formats() {
    formats_.assign(types_.size(), 1);
    return formats_.data();
  }
  /// The values as libpq wants them; valid until the next add.
  [[nodiscard]] const char* const* values() {
    values_.resize(offsets_.size());
    for (std::size_t i = 0; i < offsets_.size(); ++i)
      values_[i] = offsets_[i] == null_offset ? nullptr : buffer_.data() + offsets_[i];
    return values_.data();
  }

private:
  static constexpr std::size_t null_offset = static_cast<std::size_t>(-1);
  std::vector<Oid> types_;
  std::vector<std::size_t> offsets_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<const char*> values_;
  std::string buffer_;
};

/// Appends the binary form of a plain (non-optional) value.
template <class T>
void append_binary(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    out += static_cast<char>(v ? 1 : 0);
  } else if constexpr (std::is_integral_v<T>) {
    append_big_endian(out, static_cast<std::uint64_t>(static_cast<std::int64_t>(v)), 8);
  } else if constexpr (std::is_floating_point_v<T>) {
    append_big_endian(out, std::bit_cast<std::uint64_t>(static_cast<double>(v)), 8);
  } else if constexpr (std::is_same_v<T, std::string>) {
    out += v;
  } else if constexpr (std::is_same_v<T, time_point>) {
    append_big_endian(out, static_cast<std::uint64_t>(postgres_time(v)), 8);
  } else {
    static_assert(std::is_same_v<T, nlohmann::json>);
    out += '\1';  // jsonb's binary format: a version byte, then the text
    out += v.dump();
  }
}

/// Adds a property value (plain or optional) as the next parameter.
template <class T>
void add_property(postgres_params& params, const T& v) {
  if constexpr (is_optional<T>::value) {
    if (v) add_property(params, *v);
    else params.add_null(postgres_type_of(kind_of<typename T::value_type>()));
  } else {
    append_binary(params.begin(postgres_type_of(kind_of<T>())), v);
    params.end();
  }
}

/// Appends a property value (plain or optional) as one field of a binary COPY row: its length, then its binary
/// form; -1 for null.
template <class T>
void append_copy_field(std::string& out, const T& v) {
  if constexpr (is_optional<T>::value) {
    if (v) append_copy_field(out, *v);
    else append_big_endian(out, 0xffffffffu, 4);
  } else {
    const std::size_t length_at = out.size();
    out.append(4, '\0');
    append_binary(out, v);
    const auto length = static_cast<std::uint32_t>(out.size() - length_at - 4);
    for (int b = 0; b < 4; ++b) out[length_at + b] = static_cast<char>((length >> (24 - 8 * b)) & 0xff);
  }
}

/// Adds a filter operand (already of the property's kind) as the next parameter.
inline void add_operand(postgres_params& params, const value& v, value_kind kind) {
  std::visit(
      [&](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, std::nullptr_t>) params.add_null(postgres_type_of(kind));
        else add_property(params, x);
      },
      v);
}

/// Adds the non-null operands as one array parameter (for `= ANY($n)` and `<> ALL($n)`).
inline void add_operand_array(postgres_params& params, const std::vector<value>& values, value_kind kind) {
  std::vector<const value*> present;
  for (const auto& v : values)
    if (!std::holds_alternative<std::nullptr_t>(v)) present.push_back(&v);
  std::string& out = params.begin(postgres_array_type_of(kind));
  append_big_endian(out, present.empty() ? 0 : 1, 4);  // dimensions
  append_big_endian(out, 0, 4);                         // no nulls
  append_big_endian(out, postgres_type_of(kind), 4);
  if (!present.empty()) {
    append_big_endian(out, present.size(), 4);
    append_big_endian(out, 1, 4);  // lower bound
  }
  for (const value* v : present) {
    const std::size_t length_at = out.size();
    out.append(4, '\0');
    std::visit(
        [&](const auto& x) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(x)>, std::nullptr_t>) append_binary(out, x);
        },
        *v);
    const auto length = static_cast<std::uint32_t>(out.size() - length_at - 4);
    for (int b = 0; b < 4; ++b) out[length_at + b] = static_cast<char>((length >> (24 - 8 * b)) & 0xff);
  }
  params.end();
}

[[noreturn]] inline void postgres_type_mismatch(const postgres_result& r, int column, std::string_view expected) {
  throw error("tether::postgres: column " + std::string(r.column_name(column)) + " has type OID " +
              std::to_string(r.type(column)) + ", which does not hold " + std::string(expected) +
              "; migrate the model (autoupdate) or fix the column's type");
}

/// Reads a column of a binary result as a value of property type T.
template <class T>
T read_postgres_column(const postgres_result& r, int row, int column) {
  if constexpr (is_optional<T>::value) {
    if (r.is_null(row, column)) return std::nullopt;
    return T(read_postgres_column<typename T::value_type>(r, row, column));
  } else {
    const auto bytes = r.bytes(row, column);
    const Oid type = r.type(column);
    if (r.is_null(row, column)) {
      if constexpr (std::is_same_v<T, nlohmann::json>) return nlohmann::json();
      else return T{};
    }
    if constexpr (std::is_same_v<T, bool>) {
      if (type != postgres_oid::boolean) postgres_type_mismatch(r, column, "a bool");
      return bytes[0] != 0;
    } else if constexpr (std::is_integral_v<T>) {
      if (type != postgres_oid::int8 && type != postgres_oid::int4 && type != postgres_oid::int2)
        postgres_type_mismatch(r, column, "an integer");
      const auto raw = read_big_endian(bytes);
      const int bits = static_cast<int>(bytes.size()) * 8;
      // Sign-extend a 2- or 4-byte integer.
      const auto wide = bits == 64 ? static_cast<std::int64_t>(raw)
                                   : static_cast<std::int64_t>(raw << (64 - bits)) >> (64 - bits);
      return static_cast<T>(wide);
    } else if constexpr (std::is_floating_point_v<T>) {
      if (type == postgres_oid::float8) return static_cast<T>(std::bit_cast<double>(read_big_endian(bytes)));
      if (type == postgres_oid::float4)
        return static_cast<T>(std::bit_cast<float>(static_cast<std::uint32_t>(read_big_endian(bytes))));
      postgres_type_mismatch(r, column, "a floating-point number");
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (type != postgres_oid::text && type != postgres_oid::varchar && type != postgres_oid::bpchar &&
          type != postgres_oid::name)
        postgres_type_mismatch(r, column, "a string");
      return std::string(bytes);
    } else if constexpr (std::is_same_v<T, time_point>) {
      if (type != postgres_oid::timestamptz && type != postgres_oid::timestamp)
        postgres_type_mismatch(r, column, "a time");
      const std::chrono::microseconds us(static_cast<std::int64_t>(read_big_endian(bytes)) + postgres_epoch_us);
      return time_point(std::chrono::duration_cast<time_point::duration>(us));
    } else {
      static_assert(std::is_same_v<T, nlohmann::json>);
      if (type == postgres_oid::jsonb) return nlohmann::json::parse(bytes.substr(1));
      if (type == postgres_oid::json || type == postgres_oid::text) return nlohmann::json::parse(bytes);
      postgres_type_mismatch(r, column, "JSON");
    }
  }
}

/// Reads column `column` of M's property I into the row.
template <class M, std::size_t I>
void read_postgres_property(const postgres_result& r, int row, int column, M& out) {
  set_property<I>(out, read_postgres_column<property_type<M, I>>(r, row, column));
}

}  // namespace tether::detail

#endif
