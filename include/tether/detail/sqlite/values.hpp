#ifndef TETHER_DETAIL_SQLITE_VALUES_HPP
#define TETHER_DETAIL_SQLITE_VALUES_HPP

/// @file
/// Property values to statement parameters and columns back to property values, straight from and into the
/// row through the property's value_ops (model_info.hpp), with no JSON on the way except for nlohmann::json
/// properties. The stored forms:
///   integers, bool   INTEGER (bool as 0/1)
///   floating point   REAL
///   std::string      TEXT, bytes as given
///   time_point       INTEGER, nanoseconds since 1970-01-01 UTC: exact, and sorts and compares as time does
///   nlohmann::json   TEXT, the value's dump() (a JSON null is the text "null", unlike an empty optional)

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <tether/detail/sqlite/statement.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail::sqlite {

inline std::int64_t nanoseconds_of(time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

inline time_point time_point_of(std::int64_t nanoseconds) noexcept {
  return time_point(std::chrono::duration_cast<time_point::duration>(std::chrono::nanoseconds(nanoseconds)));
}

/// Binds a value (a filter operand, already of the property's kind, or a property's value) to parameter
/// `index`. Text is bound without a copy, so `v` must outlive the run of the statement.
inline void bind_operand(statement& s, int index, const value& v) {
  if (const auto* key = std::get_if<std::int64_t>(&v)) return s.bind_int(index, *key);  // a load's usual key
  std::visit(
      [&](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, std::nullptr_t>) s.bind_null(index);
        else if constexpr (std::is_same_v<X, bool>) s.bind_int(index, x ? 1 : 0);
        else if constexpr (std::is_same_v<X, std::int64_t>) s.bind_int(index, x);
        else if constexpr (std::is_same_v<X, double>) s.bind_real(index, x);
        else if constexpr (std::is_same_v<X, std::string>) s.bind_text(index, x);
        else s.bind_int(index, nanoseconds_of(x));
      },
      v);
}

/// The member of property `p` as a T when T is its C++ type, else null. The commonest plain types are bound
/// and read in place (see row_reader): a `tether::value` on the way and the call through value_ops cost
/// about as much as SQLite's own work on the column. A value_ops table is one inline object per type, so its
/// address tells the type; a type it does not recognise takes the path through value_ops, never a wrong one.
template <class T>
T* member_as(const stored_property& p, void* member) noexcept {
  return p.ops == &plain_value_ops<T>::table ? static_cast<T*>(member) : nullptr;
}
template <class T>
const T* member_as(const stored_property& p, const void* member) noexcept {
  return p.ops == &plain_value_ops<T>::table ? static_cast<const T*>(member) : nullptr;
}

/// Binds property `p` of a row (`member`, its address there; plain or optional) to parameter `index`. Text is
/// bound without a copy, so the row must outlive the run of the statement.
inline void bind_member(statement& s, int index, const stored_property& p, const void* member) {
  switch (p.kind) {
    case value_kind::integer:
      if (const auto* v = member_as<std::int64_t>(p, member)) return s.bind_int(index, *v);
      break;
    case value_kind::real:
      if (const auto* v = member_as<double>(p, member)) return s.bind_real(index, *v);
      break;
    case value_kind::string:
      if (const std::string* text = p.ops->text(member)) s.bind_text(index, *text);
      else s.bind_null(index);
      return;
    case value_kind::json:
      if (const nlohmann::json* document = p.ops->json(member)) s.bind_owned_text(index, document->dump());
      else s.bind_null(index);
      return;
    case value_kind::boolean:
    case value_kind::time: break;
  }
  // A number or a time has no text to bind from the row, so a value of its own costs no allocation.
  bind_operand(s, index, p.ops->get(member));
}

/// Reads column `column` into property `p` of a value-initialised row (`member`, its address there), through
/// value_ops. A NULL leaves the member as value-initialisation made it: an empty optional, or the plain type's
/// zero, as SQLite reads NULL for a number or a text.
inline void read_value(const statement& s, int column, const stored_property& p, void* member) {
  if ((p.nullable || p.kind == value_kind::json) && s.is_null(column)) return;
  const value_ops& ops = *p.ops;
  switch (p.kind) {
    case value_kind::integer: ops.set(member, value(std::in_place_type<std::int64_t>, s.column_int(column))); return;
    case value_kind::real: ops.set(member, value(std::in_place_type<double>, s.column_real(column))); return;
    case value_kind::string:
      if (auto* o = member_as<std::optional<std::string>>(p, member)) o->emplace(s.column_text(column));
      else ops.set(member, value(std::in_place_type<std::string>, s.column_text(column)));
      return;
    case value_kind::boolean: ops.set(member, value(std::in_place_type<bool>, s.column_int(column) != 0)); return;
    case value_kind::time:
      ops.set(member, value(std::in_place_type<time_point>, time_point_of(s.column_int(column))));
      return;
    case value_kind::json: ops.set_json(member, nlohmann::json::parse(s.column_text(column))); return;
  }
}

/// How a read puts one column into a row, decided once per statement shape rather than once per row: the
/// commonest plain types are written in place, a nullable integer (a foreign key) goes to value_ops with no
/// dispatch on its kind, every other property through read_value.
struct row_reader {
  enum class path : unsigned char { integer, real, text, nullable_integer, any };
  path how;
  std::size_t offset;  ///< of the member in a row
  const stored_property* property;
};

inline row_reader make_reader(const stored_property& p) noexcept {
  using path = row_reader::path;
  path how = path::any;
  if (p.ops == &plain_value_ops<std::int64_t>::table) how = path::integer;
  else if (p.ops == &plain_value_ops<double>::table) how = path::real;
  else if (p.ops == &plain_value_ops<std::string>::table) how = path::text;
  else if (p.kind == value_kind::integer && p.nullable) how = path::nullable_integer;
  return {how, p.offset, &p};
}

/// The readers of the given properties of m, column k reading into property columns[k].
inline std::vector<row_reader> make_readers(const model_info& m, const std::vector<std::size_t>& columns) {
  std::vector<row_reader> out;
  out.reserve(columns.size());
  for (const std::size_t i : columns) out.push_back(make_reader(m.property(i)));
  return out;
}

/// Reads the current result row into `row` (value-initialised), column k by readers[k].
inline void read_row(const statement& s, std::span<const row_reader> readers, void* row) {
  using path = row_reader::path;
  char* const base = static_cast<char*>(row);
  for (std::size_t k = 0; k < readers.size(); ++k) {
    const row_reader& r = readers[k];
    void* const member = base + r.offset;
    const int column = static_cast<int>(k);
    switch (r.how) {
      case path::integer: *static_cast<std::int64_t*>(member) = s.column_int(column); break;
      case path::real: *static_cast<double*>(member) = s.column_real(column); break;
      // Made and moved in: assigning to the empty member would take std::string's slower replace path.
      case path::text: *static_cast<std::string*>(member) = std::string(s.column_text(column)); break;
      case path::nullable_integer:
        if (!s.is_null(column))
          r.property->ops->set(member, value(std::in_place_type<std::int64_t>, s.column_int(column)));
        break;
      case path::any: read_value(s, column, *r.property, member); break;
    }
  }
}

/// Reads a column as an untyped value: for messages about rows of tables the caller only knows by name.
inline value read_any(const statement& s, int column) {
  switch (s.type(column)) {
    case SQLITE_NULL: return nullptr;
    case SQLITE_INTEGER: return s.column_int(column);
    case SQLITE_FLOAT: return s.column_real(column);
    default: return std::string(s.column_text(column));
  }
}

}  // namespace tether::detail::sqlite

#endif
