#ifndef TETHER_DETAIL_IMPL_OPERATIONS_IPP
#define TETHER_DETAIL_IMPL_OPERATIONS_IPP

// The out-of-line definitions of <tether/detail/operations.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/operations.hpp>

namespace tether::detail {

TETHER_DECL void source::create(const model_info& m, row_span rows) {
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
  bool answers = false;
  for (std::size_t r = 0; r < rows.size() && !answers; ++r) answers = holds_answers(m, rows[r]);
  if (!answers) {
    connector_insert(m, rows, observer());
  } else {
    keys_only_rows stored(m, rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) stored.push_back(rows[r]);
    connector_insert(m, stored.rows(), observer());
    // Generated ids went into the copies; the caller's rows get them now that all are stored.
    for (std::size_t r = 0; r < rows.size(); ++r) m.set(rows[r], m.id_index(), m.get(stored[r], m.id_index()));
  }
  adopt_origin(m, rows, id_);
}

TETHER_DECL void source::find(const model_info& m, const filter& f, row_buffer& out) {
  check_open();
  include_plan plan(m, f);
  query q = resolve_query(m, f);
  if (plan.empty()) return select(m, q, out);
  plan.widen_fields(q);
  const std::size_t first = out.size();
  select(m, q, out);
  plan.load(out.rows_from(first), *this);
}

TETHER_DECL void source::update(const model_info& m, const void* row) {
  check_open();
  bool updated = false;
  if (!holds_answers(m, row)) {
    updated = connector_update(m, row, observer());
  } else {
    keys_only_rows stored(m, 1);
    stored.push_back(row);
    updated = connector_update(m, stored[0], observer());
  }
  if (!updated) {
    throw not_found("tether: cannot update " + std::string(m.name()) + " " + std::string(m.id().name) + " " +
                    describe(m.get(row, m.id_index())) + ": no such row");
  }
}

}  // namespace tether::detail

#endif
