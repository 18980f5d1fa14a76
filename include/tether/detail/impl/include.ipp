#ifndef TETHER_DETAIL_IMPL_INCLUDE_IPP
#define TETHER_DETAIL_IMPL_INCLUDE_IPP

// The out-of-line definitions of <tether/detail/include.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/include.hpp>

namespace tether::detail {

TETHER_DECL void read_field(filter& scope, const std::string& name) {
  if (!scope.selected_fields().empty()) {
    auto fields = scope.selected_fields();
    fields.push_back(name);
    scope.fields(std::move(fields));
  }
  if (!scope.excluded_fields().empty()) {
    auto except = scope.excluded_fields();
    std::erase(except, name);
    scope.fields_except(std::move(except));
  }
}

TETHER_DECL void read_by_keys(const model_info& target, std::size_t key_property, const std::vector<value>& keys,
                              const filter* scope, bool per_key, source& s, row_buffer& out) {
  filter base = scope ? *scope : filter{};
  read_field(base, std::string(target.property(key_property).name));
  const include_plan nested(target, base);
  query q = resolve_query(target, base);
  nested.widen_fields(q);
  if (per_key && (q.limit || q.skip > 0)) q.partition = key_property;
  const std::size_t first = out.size();
  const std::size_t chunk = std::max<std::size_t>(1, std::min(s.parameter_limit(), keys.size()));
  for (std::size_t from = 0; from < keys.size(); from += chunk) {
    const auto begin = keys.begin() + static_cast<std::ptrdiff_t>(from);
    const auto end = keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), from + chunk));
    predicate by_key{key_property, end - begin == 1 ? operator_kind::eq : operator_kind::inq,
                     std::vector<value>(begin, end), {}};
    query batch = q;
    if (batch.where) batch.where = predicate{0, operator_kind::and_, {}, {std::move(*batch.where), std::move(by_key)}};
    else batch.where = std::move(by_key);
    s.select(target, batch, out);
  }
  if (!nested.empty()) nested.load(out.rows_from(first), s);
}

TETHER_DECL void include_plan::load(row_range rows, source& s) const {
  for (const auto& step : steps_) {
    const filter* scope = step.item->scope.get();
    if (step.kind == step_kind::belongs_to) {
      if (model_.property(step.index).kind == value_kind::string)
        load_relation<std::string>(model_, step.index, rows, s, scope);
      else
        load_relation<std::int64_t>(model_, step.index, rows, s, scope);
    } else if (model_.property(model_.reflection(step.index).referenced).kind == value_kind::string) {
      load_reflection<std::string>(model_, step.index, rows, s, scope);
    } else {
      load_reflection<std::int64_t>(model_, step.index, rows, s, scope);
    }
  }
}

}  // namespace tether::detail

#endif
