#ifndef TETHER_DETAIL_OPERATIONS_HPP
#define TETHER_DETAIL_OPERATIONS_HPP

/// @file
/// The checked operations of a datasource on one model's rows (declared in source.hpp): input checked against
/// the model, filters resolved to queries, includes planned and loaded, rows told the datasource they came
/// from. Data flows one way: repository or relation -> these -> the connector seam.

#include <memory>
#include <span>
#include <string>
#include <utility>

#include <tether/connector.hpp>
#include <tether/detail/include.hpp>
#include <tether/detail/relation_core.hpp>
#include <tether/detail/resolve.hpp>
#include <tether/detail/row_buffer.hpp>
#include <tether/detail/source.hpp>
#include <tether/error.hpp>
#include <tether/filter.hpp>
#include <tether/model_info.hpp>

namespace tether::detail {

inline void source::create(const model_info& m, row_span rows) {
  check_open();
  const stored_property& id = m.id();
  if (id.kind == value_kind::string) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::string* given = id.ops->text(m.member(rows[r], m.id_index()));
      if (given == nullptr || given->empty())
        throw validation_error("tether: " + std::string(m.name()) + "." + std::string(id.name) +
                               " is a string id and must be given");
    }
  }
  connector_insert(m, rows, observer());
  adopt_origin(m, rows, id_);
}

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

inline void source::find(const model_info& m, const filter& f, row_buffer& out) {
  check_open();
  include_plan plan(m, f);
  query q = resolve_query(m, f);
  if (plan.empty()) return select(m, q, out);
  plan.widen_fields(q);
  const std::size_t first = out.size();
  select(m, q, out);
  plan.load(out.rows_from(first), *this);
}

inline std::size_t source::count(const model_info& m, const condition& c) {
  check_open();
  query q;
  if (!c.matches_all()) q.where = resolve_condition(m, c);
  return connector_count(m, q, observer());
}

inline void source::update(const model_info& m, const void* row) {
  check_open();
  if (!connector_update(m, row, observer())) {
    throw not_found("tether: cannot update " + std::string(m.name()) + " " + std::string(m.id().name) + " " +
                    describe(m.get(row, m.id_index())) + ": no such row");
  }
}

inline bool source::remove(const model_info& m, const value& id) {
  check_open();
  return connector_remove(m, id, observer());
}

}  // namespace tether::detail

#endif
