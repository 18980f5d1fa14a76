#ifndef TETHER_DETAIL_POSTGRES_VALUES_HPP
#define TETHER_DETAIL_POSTGRES_VALUES_HPP

/// @file
/// Property values to statement parameters and result columns back to property values, in PostgreSQL's binary
/// format (no text parsing or locale on the row path, exact doubles), through each property's value_ops
/// (model_info.hpp), so that nothing here depends on a model's C++ type. The stored forms:
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
#include <cstddef>
#include <cstring>
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
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail::postgres {

/// Type OIDs, fixed since PostgreSQL's first releases (pg_type.dat).
namespace oid {
inline constexpr Oid boolean = 16, bytea = 17, name = 19, int8 = 20, int2 = 21, int4 = 23, text = 25, json = 114,
                     float4 = 700, float8 = 701, bpchar = 1042, varchar = 1043, timestamp = 1114,
                     timestamptz = 1184, jsonb = 3802;
inline constexpr Oid boolean_array = 1000, text_array = 1009, int8_array = 1016, float8_array = 1022,
                     timestamptz_array = 1185;
}  // namespace oid

/// Microseconds between 1970-01-01 and 2000-01-01, PostgreSQL's epoch for timestamps.
inline constexpr std::int64_t postgres_epoch_us = 946'684'800'000'000;

inline Oid type_of(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::integer: return oid::int8;
    case value_kind::real: return oid::float8;
    case value_kind::boolean: return oid::boolean;
    case value_kind::string: return oid::text;
    case value_kind::time: return oid::timestamptz;
    case value_kind::json: return oid::jsonb;
  }
  return oid::text;
}

inline Oid array_type_of(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::integer: return oid::int8_array;
    case value_kind::real: return oid::float8_array;
    case value_kind::boolean: return oid::boolean_array;
    case value_kind::time: return oid::timestamptz_array;
    case value_kind::string:
    case value_kind::json: return oid::text_array;
  }
  return oid::text_array;
}

inline std::int64_t microseconds_of(time_point t) noexcept {
  return std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch()).count() - postgres_epoch_us;
}

/// Appends the low `bytes` (at most 8) bytes of `v`, most significant first: one append, not one per byte (the
/// COPY rows of a bulk create are mostly these).
inline void append_big_endian(std::string& out, std::uint64_t v, int bytes) {
  char buffer[8];
  for (int i = 0; i < bytes; ++i) buffer[i] = static_cast<char>((v >> ((bytes - 1 - i) * 8)) & 0xff);
  out.append(buffer, static_cast<std::size_t>(bytes));
}

/// Statement parameters, all in binary format, collected in one buffer.
class parameters {
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

/// Appends the binary form of a value that is not null (an operand, or a property's value).
inline void append_binary(std::string& out, const value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) append_big_endian(out, static_cast<std::uint64_t>(*i), 8);
  else if (const auto* d = std::get_if<double>(&v)) append_big_endian(out, std::bit_cast<std::uint64_t>(*d), 8);
  else if (const auto* b = std::get_if<bool>(&v)) out += static_cast<char>(*b ? 1 : 0);
  else if (const auto* s = std::get_if<std::string>(&v)) out += *s;
  else if (const auto* t = std::get_if<time_point>(&v))
    append_big_endian(out, static_cast<std::uint64_t>(microseconds_of(*t)), 8);
}

/// The type OID of a value that is not null, as its alternative says.
inline Oid type_of(const value& v) noexcept {
  if (std::holds_alternative<std::int64_t>(v)) return oid::int8;
  if (std::holds_alternative<double>(v)) return oid::float8;
  if (std::holds_alternative<bool>(v)) return oid::boolean;
  if (std::holds_alternative<time_point>(v)) return oid::timestamptz;
  return oid::text;
}

/// Appends the binary form of the value of a member that has one (`ops.has_value`), read through its
/// value_ops: a string or a JSON document without a copy of it.
inline void append_member(std::string& out, value_kind kind, const value_ops& ops, const void* member) {
  switch (kind) {
    case value_kind::integer:
      append_big_endian(out, static_cast<std::uint64_t>(std::get<std::int64_t>(ops.get(member))), 8);
      return;
    case value_kind::real:
      append_big_endian(out, std::bit_cast<std::uint64_t>(std::get<double>(ops.get(member))), 8);
      return;
    case value_kind::boolean: out += static_cast<char>(std::get<bool>(ops.get(member)) ? 1 : 0); return;
    case value_kind::string: out += *ops.text(member); return;
    case value_kind::time:
      append_big_endian(out, static_cast<std::uint64_t>(microseconds_of(std::get<time_point>(ops.get(member)))), 8);
      return;
    case value_kind::json:
      out += '\1';  // jsonb's binary format: a version byte, then the text
      out += ops.json(member)->dump();
      return;
  }
}

/// The length of a kind's binary form when it has one length (8 bytes for numbers and times, 1 for a bool); 0
/// for strings and JSON.
inline int fixed_length(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::integer:
    case value_kind::real:
    case value_kind::time: return 8;
    case value_kind::boolean: return 1;
    case value_kind::string:
    case value_kind::json: return 0;
  }
  return 0;
}

/// Adds property `p`'s value in the member at `member` as the next parameter (null for an empty optional).
inline void add_member(parameters& params, const stored_property& p, const void* member) {
  const Oid type = type_of(p.kind);
  if (!p.ops->has_value(member)) return params.add_null(type);
  append_member(params.begin(type), p.kind, *p.ops, member);
  params.end();
}

/// Adds a bigint parameter.
inline void add_int8(parameters& params, std::int64_t v) {
  append_big_endian(params.begin(oid::int8), static_cast<std::uint64_t>(v), 8);
  params.end();
}

/// Adds a text parameter.
inline void add_text(parameters& params, std::string_view v) {
  params.begin(oid::text) += v;
  params.end();
}

/// Writes the 4-byte length of the field that starts at `length_at` (its bytes follow the length).
inline void patch_field_length(std::string& out, std::size_t length_at) noexcept {
  const auto length = static_cast<std::uint32_t>(out.size() - length_at - 4);
  for (int b = 0; b < 4; ++b) out[length_at + b] = static_cast<char>((length >> (24 - 8 * b)) & 0xff);
}

/// Appends a bigint as one field of a binary COPY row: its length, then its binary form.
inline void append_copy_int8(std::string& out, std::int64_t v) {
  append_big_endian(out, 8, 4);
  append_big_endian(out, static_cast<std::uint64_t>(v), 8);
}

/// Appends property `p`'s value in `member` as one field of a binary COPY row: its length, then its binary
/// form; -1 for null.
inline void append_copy_member(std::string& out, const stored_property& p, const void* member) {
  if (!p.ops->has_value(member)) return append_big_endian(out, 0xffffffffu, 4);
  if (const int length = fixed_length(p.kind); length > 0) {
    append_big_endian(out, static_cast<std::uint64_t>(length), 4);
    return append_member(out, p.kind, *p.ops, member);
  }
  const std::size_t length_at = out.size();
  out.append(4, '\0');
  append_member(out, p.kind, *p.ops, member);
  patch_field_length(out, length_at);
}

/// Adds a filter operand (already of the property's kind) as the next parameter.
inline void add_operand(parameters& params, const value& v, value_kind kind) {
  if (std::holds_alternative<std::nullptr_t>(v)) return params.add_null(type_of(kind));
  append_binary(params.begin(type_of(v)), v);
  params.end();
}

/// Adds the non-null operands as one array parameter (for `= ANY($n)` and `<> ALL($n)`).
inline void add_operand_array(parameters& params, const std::vector<value>& values, value_kind kind) {
  std::vector<const value*> present;
  for (const auto& v : values)
    if (!std::holds_alternative<std::nullptr_t>(v)) present.push_back(&v);
  std::string& out = params.begin(array_type_of(kind));
  append_big_endian(out, present.empty() ? 0 : 1, 4);  // dimensions
  append_big_endian(out, 0, 4);                         // no nulls
  append_big_endian(out, type_of(kind), 4);
  if (!present.empty()) {
    append_big_endian(out, present.size(), 4);
    append_big_endian(out, 1, 4);  // lower bound
  }
  for (const value* v : present) {
    const std::size_t length_at = out.size();
    out.append(4, '\0');
    append_binary(out, *v);
    patch_field_length(out, length_at);
  }
  params.end();
}

[[noreturn]] inline void type_mismatch(const result& r, int column, std::string_view expected) {
  throw error("tether::postgres: column " + std::string(r.column_name(column)) + " has type OID " +
              std::to_string(r.type(column)) + ", which does not hold " + std::string(expected) +
              "; migrate the model (autoupdate) or fix the column's type");
}

/// How one column of a binary result is read into a property of a kind: decided once per column from the
/// column's type, so the row loop checks no types. A fixed-width type says its width, so the loop asks libpq
/// for no lengths.
enum class reader_kind : unsigned char {
  boolean, int8, int4, int2, float8, float4, text, time, jsonb, json, mismatch
};

/// The reader for a column of type `type` read into a property of `kind`; `mismatch` when the column cannot hold
/// it, and then `expected` says what it should hold (for type_mismatch).
inline reader_kind reader_of(value_kind kind, Oid type, std::string_view& expected) noexcept {
  namespace oid = oid;
  using reader = reader_kind;
  switch (kind) {
    case value_kind::boolean:
      expected = "a bool";
      return type == oid::boolean ? reader::boolean : reader::mismatch;
    case value_kind::integer:
      expected = "an integer";
      if (type == oid::int8) return reader::int8;
      if (type == oid::int4) return reader::int4;
      return type == oid::int2 ? reader::int2 : reader::mismatch;
    case value_kind::real:
      expected = "a floating-point number";
      if (type == oid::float8) return reader::float8;
      return type == oid::float4 ? reader::float4 : reader::mismatch;
    case value_kind::string:
      expected = "a string";
      return type == oid::text || type == oid::varchar || type == oid::bpchar || type == oid::name ? reader::text
                                                                                                   : reader::mismatch;
    case value_kind::time:
      expected = "a time";
      return type == oid::timestamptz || type == oid::timestamp ? reader::time : reader::mismatch;
    case value_kind::json:
      expected = "JSON";
      if (type == oid::jsonb) return reader::jsonb;
      return type == oid::json || type == oid::text ? reader::json : reader::mismatch;
  }
  return reader::mismatch;
}

/// The big-endian number in the N (2, 4 or 8) bytes at `in`: one load and one byte swap (a loop over the bytes
/// was compiled byte by byte, and the row loop spent a third of its time there).
template <int N>
std::uint64_t read_big_endian(const char* in) noexcept {
  static_assert(N == 2 || N == 4 || N == 8);
  using word = std::conditional_t<N == 8, std::uint64_t, std::conditional_t<N == 4, std::uint32_t, std::uint16_t>>;
  word v;
  std::memcpy(&v, in, N);
  if constexpr (std::endian::native == std::endian::little) {
    if constexpr (N == 8) v = __builtin_bswap64(v);
    else if constexpr (N == 4) v = __builtin_bswap32(v);
    else v = __builtin_bswap16(v);
  }
  return v;
}

/// The alternative T of `slot`, made so first if it holds another one.
template <class T>
T& value_slot(value& slot) {
  if (auto* held = std::get_if<T>(&slot)) return *held;
  return slot.emplace<T>();
}

/// One selected column: the property it fills, how, and the value it is read into, kept from row to row: a
/// value_ops::set moves out of it at most a string, so the alternative stays and no variant is made or destroyed
/// per cell.
struct column_reader {
  std::size_t offset;  ///< of the member in a row
  const value_ops* ops;
  reader_kind reader;
  std::string_view expected;  ///< what the column should hold, for a mismatch
  value slot;
};

/// The readers of result `r`'s columns, filling m's properties `columns` (in column order). A column whose type
/// does not hold its property is an error at its first cell that is not null, as it would be read row by row,
/// and is found before any row is read.
inline std::vector<column_reader> column_readers(const model_info& m,
                                                 const std::vector<std::size_t>& columns,
                                                 const result& r) {
  std::vector<column_reader> readers;
  readers.reserve(columns.size());
  bool mismatch = false;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const stored_property& p = m.property(columns[k]);
    std::string_view expected;
    const auto reader = reader_of(p.kind, r.type(static_cast<int>(k)), expected);
    mismatch = mismatch || reader == reader_kind::mismatch;
    readers.push_back({p.offset, p.ops, reader, expected, nullptr});
  }
  if (mismatch) {
    for (int row = 0; row < r.rows(); ++row)
      for (std::size_t k = 0; k < readers.size(); ++k)
        if (readers[k].reader == reader_kind::mismatch && !r.is_null(row, static_cast<int>(k)))
          type_mismatch(r, static_cast<int>(k), readers[k].expected);
  }
  return readers;
}

/// Reads cell (row, column) of a JSON or jsonb column, which is not null, into `member`.
inline void read_json(const result& r, int row, int column, const column_reader& c,
                      void* member) {
  const char* at = r.value(row, column);
  const std::size_t length = r.length(row, column);
  // jsonb's binary format: a version byte, then the text.
  const auto text =
      c.reader == reader_kind::jsonb ? std::string_view(at + 1, length - 1) : std::string_view(at, length);
  c.ops->set_json(member, nlohmann::json::parse(text));
}

/// Reads cell (row, column), which is not null and of a column `c` fits, into c's member of `target`.
inline void read_cell(const result& r, int row, int column, column_reader& c,
                      void* target) {
  void* member = static_cast<char*>(target) + c.offset;
  const char* at = r.value(row, column);
  switch (c.reader) {
    case reader_kind::boolean: value_slot<bool>(c.slot) = *at != 0; break;
    case reader_kind::int8:
      value_slot<std::int64_t>(c.slot) = static_cast<std::int64_t>(read_big_endian<8>(at));
      break;
    case reader_kind::int4:
      value_slot<std::int64_t>(c.slot) = static_cast<std::int32_t>(static_cast<std::uint32_t>(read_big_endian<4>(at)));
      break;
    case reader_kind::int2:
      value_slot<std::int64_t>(c.slot) = static_cast<std::int16_t>(static_cast<std::uint16_t>(read_big_endian<2>(at)));
      break;
    case reader_kind::float8: value_slot<double>(c.slot) = std::bit_cast<double>(read_big_endian<8>(at)); break;
    case reader_kind::float4: {
      const auto bits = static_cast<std::uint32_t>(read_big_endian<4>(at));
      value_slot<double>(c.slot) = static_cast<double>(std::bit_cast<float>(bits));
      break;
    }
    case reader_kind::text: value_slot<std::string>(c.slot).assign(at, r.length(row, column)); break;
    case reader_kind::time: {
      const std::chrono::microseconds us(static_cast<std::int64_t>(read_big_endian<8>(at)) + postgres_epoch_us);
      value_slot<time_point>(c.slot) = time_point(std::chrono::duration_cast<time_point::duration>(us));
      break;
    }
    case reader_kind::jsonb:
    case reader_kind::json: return read_json(r, row, column, c, member);
    case reader_kind::mismatch: return;  // never read: column_readers found no value in the column
  }
  c.ops->set(member, std::move(c.slot));
}

/// Reads result row `row` into `target`, a value-initialised row of the model the readers were made for (so a
/// null cell leaves its member as it is).
inline void read_row(const result& r, int row, std::vector<column_reader>& readers,
                     void* target) {
  for (std::size_t k = 0; k < readers.size(); ++k) {
    const int column = static_cast<int>(k);
    if (!r.is_null(row, column)) read_cell(r, row, column, readers[k], target);
  }
}

/// Reads a bigint column (a count, an id RETURNING or nextval gives).
inline std::int64_t read_int8(const result& r, int row, int column) {
  std::string_view expected;
  const auto reader = reader_of(value_kind::integer, r.type(column), expected);
  if (r.is_null(row, column)) return 0;
  const char* at = r.value(row, column);
  switch (reader) {
    case reader_kind::int8: return static_cast<std::int64_t>(read_big_endian<8>(at));
    case reader_kind::int4: return static_cast<std::int32_t>(static_cast<std::uint32_t>(read_big_endian<4>(at)));
    case reader_kind::int2: return static_cast<std::int16_t>(static_cast<std::uint16_t>(read_big_endian<2>(at)));
    default: type_mismatch(r, column, expected);
  }
}

}  // namespace tether::detail::postgres

#endif
