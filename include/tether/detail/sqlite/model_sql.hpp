#ifndef TETHER_DETAIL_SQLITE_MODEL_SQL_HPP
#define TETHER_DETAIL_SQLITE_MODEL_SQL_HPP

/// @file
/// The SQL of one model that no query shapes, as the SQLite connector keeps it: its writes, and the lookup of
/// every property, with a limit and without. Built once per model on its first use, so a write or a relation's
/// load builds no SQL (and, through the connector's statement slots, does not even hash a text to find its
/// prepared statement).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/sql/columns.hpp>
#include <tether/detail/sql/dialect.hpp>
#include <tether/detail/sql/select.hpp>
#include <tether/detail/sql/write.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail::sqlite {

/// A lookup's SQL: by the id, at most one row can match, so the text has no ORDER BY and no LIMIT (`paged` is
/// false, and the caller binds no limit); by another property it keeps them when the query has a limit.
struct lookup_statement {
  const std::string& text;
  bool paged;
  std::size_t index;  ///< of the text among the model's lookups (0 to 2 * properties - 1), for a memo per text
};

class model_sql {
public:
  model_sql(const sql::dialect& d, const model_info& m)
      : insert_(sql::insert(d, m, 1, true)), update_(sql::update(d, m)), remove_(sql::remove(d, m)),
        id_(m.id_index()) {
    const std::size_t count = m.properties().size();
    lookups_.resize(2 * count);
    const value placeholder = std::int64_t{0};  // never bound: only the text is kept
    for (std::size_t i = 0; i < count; ++i) {
      query q;
      q.where = predicate{i, operator_kind::eq, {placeholder}, {}};
      const auto columns = selected_properties(m, q);
      if (i == id_) {
        lookups_[2 * i] = lookups_[2 * i + 1] = sql::select_where(d, m, q, columns).text;
        continue;
      }
      lookups_[2 * i] = sql::select(d, m, q, columns).text;
      q.limit = 1;
      lookups_[2 * i + 1] = sql::select(d, m, q, columns).text;
    }
  }

  /// Binds every property, in declaration order.
  [[nodiscard]] const std::string& insert() const noexcept { return insert_; }
  /// Binds every property but the id, in declaration order, then the id.
  [[nodiscard]] const std::string& update() const noexcept { return update_; }
  /// Binds the id.
  [[nodiscard]] const std::string& remove() const noexcept { return remove_; }
  /// Reads every property, column i into property i; binds the key, then a limit and an offset when paged.
  [[nodiscard]] lookup_statement lookup(std::size_t property, bool limited) const noexcept {
    const std::size_t index = 2 * property + (limited ? 1 : 0);
    return {lookups_[index], limited && property != id_, index};
  }
  [[nodiscard]] std::size_t lookup_count() const noexcept { return lookups_.size(); }

private:
  std::string insert_;
  std::string update_;
  std::string remove_;
  std::size_t id_;
  std::vector<std::string> lookups_;
};

}  // namespace tether::detail::sqlite

#endif
