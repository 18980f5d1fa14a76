#ifndef TETHER_DETAIL_OPERATIONS_HPP
#define TETHER_DETAIL_OPERATIONS_HPP

/// @file
/// The checked operations of a datasource on one model's rows (declared in source.hpp): input checked against
/// the model, filters resolved to queries, includes planned and loaded, rows told the datasource they came
/// from. Data flows one way: repository or relation -> these -> the connector seam.

#include <cstddef>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <utility>

#include <tether/connector.hpp>
#include <tether/detail/config.hpp>
#include <tether/detail/include.hpp>
#include <tether/detail/reflection_core.hpp>
#include <tether/detail/relation_core.hpp>
#include <tether/detail/resolve.hpp>
#include <tether/detail/row_buffer.hpp>
#include <tether/detail/source.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model_info.hpp>

namespace tether::detail {

/// True when a relation or reflection of `row`, a row of m, holds an answer (cached rows, or the answer that none
/// matched).
inline bool holds_answers(const model_info& m, const void* row) {
  if (m.has_relations()) {
    for (std::size_t i = 0; i < m.properties().size(); ++i)
      if (m.property(i).relation != nullptr && relation_of(m, row, i).answer().first) return true;
  }
  for (std::size_t j = 0; j < m.reflections().size(); ++j)
    if (reflection_of(m, row, j).holds_answer()) return true;
  return false;
}

/// Copies of rows that keep their keys and drop every relation's and reflection's answer and origin: what a
/// connector is given to store in place of rows that hold answers. A store may keep copies of what it is given
/// (memory does), and a cached target kept there would stay alive with the row and come back, stale, with every
/// read of it.
class keys_only_rows {
public:
  /// Room for `capacity` rows of m.
  keys_only_rows(const model_info& m, std::size_t capacity)
      : model_(m),
        rows_(static_cast<std::byte*>(::operator new(m.row().size * capacity, std::align_val_t(m.row().align)))) {}
  keys_only_rows(const keys_only_rows&) = delete;
  keys_only_rows& operator=(const keys_only_rows&) = delete;
  ~keys_only_rows() {
    while (count_ > 0) model_.row().destroy((*this)[--count_]);
    ::operator delete(rows_, std::align_val_t(model_.row().align));
  }

  /// Appends a copy of `row` without its relations' answers; within the capacity.
  void push_back(const void* row) {
    void* copy = rows_ + count_ * model_.row().size;
    model_.row().copy_construct(copy, row);
    ++count_;
    for (std::size_t i = 0; i < model_.properties().size(); ++i)
      if (model_.property(i).relation != nullptr) relation_of(model_, copy, i).clear();
    for (std::size_t j = 0; j < model_.reflections().size(); ++j) reflection_of(model_, copy, j).clear();
  }

  [[nodiscard]] void* operator[](std::size_t i) const noexcept { return rows_ + i * model_.row().size; }
  [[nodiscard]] row_span rows() const noexcept { return {rows_, count_, model_.row().size}; }

private:
  const model_info& model_;
  std::byte* rows_;
  std::size_t count_ = 0;
};

inline void source::select(const model_info& m, const query& q, row_buffer& out) {
  check_open();
  const std::size_t first = out.size();
  connector_select(m, q, out, observer());
  adopt_origin(m, out.rows_from(first), id_);
}

inline std::shared_ptr<void> source::lookup(const model_info& m, std::size_t property, const value& key) {
  check_open();
  auto row = connector_lookup(m, property, key, observer());
  if (row != nullptr) adopt_origin(m, row_span(row.get(), 1, 0), id_);
  return row;
}

inline std::size_t source::count(const model_info& m, const condition& c) {
  check_open();
  query q;
  if (!c.matches_all()) q.where = resolve_condition(m, c);
  return connector_count(m, q, observer());
}

inline bool source::remove(const model_info& m, const value& id) {
  check_open();
  return connector_remove(m, id, observer());
}

}  // namespace tether::detail

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/impl/operations.ipp>
#endif

#endif
