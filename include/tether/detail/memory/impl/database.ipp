#ifndef TETHER_DETAIL_MEMORY_IMPL_DATABASE_IPP
#define TETHER_DETAIL_MEMORY_IMPL_DATABASE_IPP

// The out-of-line definitions of <tether/detail/memory/database.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/memory/database.hpp>

namespace tether::detail::memory {

TETHER_DECL memory_undo::memory_undo(memory_undo&& other) noexcept : what_(other.what_), table_(other.table_) {
  switch (what_) {
    case action::restore_next_id:
      next_id_ = other.next_id_;
      break;
    case action::forget_table:
    case action::restore_table:
      kept_ = std::exchange(other.kept_, nullptr);
      break;
    default:
      row_ = std::exchange(other.row_, nullptr);
  }
}

TETHER_DECL memory_table& memory_database::open_table(const model_info& m) {
  if (auto* existing = find_table(m)) return *existing;
  auto made = std::make_shared<memory_table>(m);
  auto* table = made.get();
  tables_[&m] = made;
  log_.emplace_back(memory_undo::action::forget_table, std::move(made));
  if (file_) file_->load_rows(*table);
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    const relation_info* relation = m.property(i).relation;
    if (relation == nullptr) continue;
    const reflection_info* one_to_one_by = one_to_one(m, i);
    table->ensure_index(i, one_to_one_by != nullptr);
    if (one_to_one_by != nullptr) {
      if (const auto repeated = table->repeated_key(i))
        throw_constraint_failure(one_to_one_duplicates(m, i, *one_to_one_by, key_value(*repeated)));
    }
    const model_info& target = relation->target();
    auto& target_table = open_table(target);
    if (relation->target_property != target.id_index()) target_table.ensure_index(relation->target_property, true);
    if (relation->enforced && registered_.emplace(&m, i).second) referrers_[&target].push_back({&m, i});
  }
  return *table;
}

TETHER_DECL void memory_database::drop_table(const model_info& m) {
  auto* table = find_table(m);
  if (file_) file_->forget(m);
  if (table == nullptr) return;
  for (const auto& [id, row] : table->rows) {
    for (const auto& referrer : referrers_of(m)) {
      if (references(referrer, m, row)) {
        constraint_failure refused(constraint_kind::drop_refused, m.name());
        refused.key = key_value(*referenced_key(referrer, m, row));
        refused.referring = referrer.referring();
        throw_constraint_failure(refused);
      }
    }
  }
  auto kept = tables_[&m];
  tables_.erase(&m);
  log_.emplace_back(memory_undo::action::restore_table, std::move(kept));
}

TETHER_DECL std::vector<memory_key> memory_database::insert(const model_info& m, row_span rows) {
  auto& table = open_table(m);
  std::vector<memory_key> ids;
  ids.reserve(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    held_row stored{&table, table.copy_row(rows[r])};
    assign_id(table, stored.row);
    check_references(m, stored.row);
    const auto id = table.id_of(stored.row);
    if (table.rows.count(id)) {
      constraint_failure refused(constraint_kind::duplicate_id, m.name());
      refused.operation = "create";
      refused.id = key_value(id);
      throw_constraint_failure(refused);
    }
    check_unique(table, stored.row);
    ids.push_back(id);
    put_row(table, stored.release());
  }
  return ids;
}

TETHER_DECL void memory_database::select(const model_info& m, const query& q, row_sink& out) {
  auto* table = find_table(m);
  if (table == nullptr) return;
  const bool per_partition = partition_paged(q);
  if (!q.where && q.order.empty() && !per_partition) {
    // Every row, in id order: straight from the table, without a list of matches first.
    const std::size_t first = std::min(q.skip, table->rows.size());
    const std::size_t count = std::min(table->rows.size() - first, q.limit.value_or(table->rows.size()));
    out.reserve(count);
    auto row = std::next(table->rows.begin(), static_cast<std::ptrdiff_t>(first));
    for (std::size_t i = 0; i < count; ++i, ++row) project(m, out.append_copy(row->second), q.fields);
    return;
  }
  std::vector<const void*> matched = match(*table, q);
  sort_rows(m, matched, q.order);
  if (per_partition) {
    page_per_partition(m, matched, *q.partition, q.skip, q.limit);
    out.reserve(matched.size());
    for (const void* row : matched) project(m, out.append_copy(row), q.fields);
    return;
  }
  const std::size_t first = std::min(q.skip, matched.size());
  const std::size_t last = q.limit ? first + std::min(matched.size() - first, *q.limit) : matched.size();
  out.reserve(last - first);
  for (std::size_t i = first; i < last; ++i) project(m, out.append_copy(matched[i]), q.fields);
}

TETHER_DECL const void* memory_database::first_equal(const model_info& m, std::size_t property, const value& key) {
  const memory_table* table = find_table(m);
  if (table == nullptr) return nullptr;
  const stored_property& p = m.property(property);
  if (std::holds_alternative<std::nullptr_t>(key) || !addressed_by_key(*table, property)) {
    for (const auto& [id, row] : table->rows)
      if (property_equals(p, m.member(row, property), key)) return row;
    return nullptr;
  }
  const auto wanted = key_of_kind(p.kind, key);
  if (!wanted) return nullptr;
  const auto row_with_id = [&](const memory_key& id) -> const void* {
    const auto found = table->rows.find(id);
    return found == table->rows.end() ? nullptr : found->second;
  };
  if (property == m.id_index()) return row_with_id(*wanted);
  const memory_key* first_id = nullptr;
  for (auto [at, last] = table->index(property)->ids.equal_range(*wanted); at != last; ++at)
    if (first_id == nullptr || at->second < *first_id) first_id = &at->second;
  return first_id == nullptr ? nullptr : row_with_id(*first_id);
}

TETHER_DECL bool memory_database::update(const model_info& m, const void* row) {
  auto& table = open_table(m);
  const auto found = table.rows.find(table.id_of(row));
  if (found == table.rows.end()) return false;
  held_row stored{&table, table.copy_row(row)};
  check_references(m, stored.row);
  check_unique(table, stored.row);
  for (const auto& referrer : referrers_of(m)) {
    const std::size_t p = referrer.model->property(referrer.property).relation->target_property;
    const bool changed = m.get(found->second, p) != m.get(stored.row, p);
    if (changed && references(referrer, m, found->second)) {
      constraint_failure refused(constraint_kind::referenced_changed, m.name());
      refused.property = m.property(p).name;
      refused.id = key_value(table.id_of(row));
      refused.referring = referrer.referring();
      throw_constraint_failure(refused);
    }
  }
  replace_row(table, stored.release());
  return true;
}

TETHER_DECL bool memory_database::remove(const model_info& m, const memory_key& id, const removal_origin& origin) {
  auto* table = find_table(m);
  if (table == nullptr || table->removing.count(id)) return false;
  const auto found = table->rows.find(id);
  if (found == table->rows.end()) return false;
  table->removing.insert(id);
  struct unmark {
    memory_table* table;
    const memory_key& id;
    ~unmark() { table->removing.erase(id); }
  } guard{table, id};
  const void* row = found->second;
  for (const auto& referrer : referrers_of(m)) before_remove(referrer, m, id, row, origin);
  erase_row(*table, id);
  return true;
}

TETHER_DECL void memory_database::commit() {
  const std::size_t mark = savepoints_.back();
  savepoints_.pop_back();
  try {
    if (savepoints_.empty() && log_.size() > mark) persist();
  } catch (...) {
    undo_to(mark);
    if (savepoints_.empty()) discard_log();
    mutex_.unlock();
    throw;
  }
  if (savepoints_.empty()) discard_log();
  mutex_.unlock();
}

TETHER_DECL void memory_database::assign_id(memory_table& table, void* row) {
  const model_info& m = table.model();
  const stored_property& id = m.id();
  const void* member = m.member(row, m.id_index());
  if (id.kind == value_kind::integer) {
    const bool unset = !id.ops->has_value(member) || std::get<std::int64_t>(id.ops->get(member)) == 0;
    if (unset) {
      log_next_id(table);
      m.set(row, m.id_index(), table.next_id++);
    } else if (const auto given = std::get<std::int64_t>(id.ops->get(member)); given >= table.next_id) {
      log_next_id(table);
      table.next_id = given + 1;
    }
  } else if (!id.ops->has_value(member) || id.ops->text(member)->empty()) {
    throw validation_error("tether: " + std::string(m.name()) + "." + std::string(id.name) +
                           " is a string id and must be given");
  }
}

TETHER_DECL void memory_database::check_references(const model_info& m, const void* row) {
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    const stored_property& p = m.property(i);
    if (p.relation == nullptr || !p.relation->enforced) continue;
    const auto key = key_of(m, row, i);
    if (!key) continue;
    const model_info& target = p.relation->target();
    if (open_table(target).lookup(p.relation->target_property, *key).empty()) {
      constraint_failure refused(constraint_kind::dangling_key, m.name());
      refused.property = p.name;
      refused.key = key_value(*key);
      refused.relation = p.relation->name;
      refused.target_model = target.name();
      refused.target_property = target.property(p.relation->target_property).name;
      throw_constraint_failure(refused);
    }
  }
}

TETHER_DECL void memory_database::check_unique(const memory_table& table, const void* row) {
  const auto conflict = table.unique_conflict(row);
  if (!conflict) return;
  const model_info& m = table.model();
  if (const reflection_info* reflection = one_to_one(m, conflict->property))
    throw_constraint_failure(one_to_one_refusal(m, conflict->property, *reflection, m.get(row, conflict->property),
                                                key_value(conflict->holder)));
  constraint_failure refused(constraint_kind::duplicate_unique, m.name());
  refused.property = m.property(conflict->property).name;
  refused.key = m.get(row, conflict->property);
  throw_constraint_failure(refused);
}

TETHER_DECL void memory_database::before_remove(const memory_referrer& referrer, const model_info& target,
                                                const memory_key& target_id,
                                                const void* target_row, const removal_origin& origin) {
  const auto key = referenced_key(referrer, target, target_row);
  if (!key) return;
  auto* table = find_table(*referrer.model);
  if (table == nullptr) return;
  std::vector<memory_key> ids;
  for (auto& id : table->lookup(referrer.property, *key))
    if (!table->removing.count(id)) ids.push_back(std::move(id));
  if (ids.empty()) return;
  const model_info& m = *referrer.model;
  const relation_info& relation = *m.property(referrer.property).relation;
  switch (relation.on_delete) {
    case delete_action::restrict: {
      constraint_failure refused(constraint_kind::still_referenced, target.name());
      refused.property = target.property(relation.target_property).name;
      refused.key = key_value(*key);
      refused.referring = referrer.referring();
      refused.referring.first_id = key_value(*std::min_element(ids.begin(), ids.end()));
      refused.referring.count = ids.size();
      if (&origin.model != &target || origin.id != target_id) {
        refused.cascaded_from = cascade_origin{std::string(origin.model.name()),
                                               std::string(origin.model.id().name), key_value(origin.id)};
      }
      throw_constraint_failure(refused);
    }
    case delete_action::cascade:
      for (const auto& id : ids) remove(m, id, origin);
      return;
    case delete_action::set_null:
      for (const auto& id : ids) clear_key_of(*table, id, referrer.property);
      return;
  }
}

TETHER_DECL const predicate* memory_database::keyed_term(const memory_table& table, const predicate& where) {
  const auto keyed = [&](const predicate& p) {
    if (p.op != operator_kind::eq && p.op != operator_kind::inq) return false;
    if (p.op == operator_kind::eq && std::holds_alternative<std::nullptr_t>(p.values[0])) return false;
    return addressed_by_key(table, p.property);
  };
  if (keyed(where)) return &where;
  if (where.op == operator_kind::and_)
    for (const auto& child : where.children)
      if (keyed(child)) return &child;
  return nullptr;
}

TETHER_DECL std::vector<const void*> memory_database::match(const memory_table& table, const query& q) const {
  const model_info& m = table.model();
  std::vector<const void*> matched;
  // Rows named by key come from the id or the key's index, in id order, and only they are matched against the
  // rest of the where: relation loads and include take this path, never a scan of the table per key.
  if (const predicate* keyed = q.where ? keyed_term(table, *q.where) : nullptr) {
    const bool by_id = keyed->property == m.id_index();
    const value_kind kind = m.property(keyed->property).kind;
    std::vector<memory_key> keys;
    keys.reserve(keyed->values.size());
    for (const auto& v : keyed->values)
      if (auto key = key_of_kind(kind, v)) keys.push_back(std::move(*key));  // null, in a list, matches nothing
    const std::size_t hits = by_id ? keys.size() : estimated_hits(*table.index(keyed->property), keys);
    predicate rest{0, operator_kind::and_, {}, {}};
    if (keyed != &*q.where)
      for (const auto& child : q.where->children)
        if (&child != keyed) rest.children.push_back(child);
    const auto keep = [&](const void* row) {
      if (rest.children.empty() || matches(m, row, rest)) matched.push_back(row);
    };
    matched.reserve(hits);
    // Keys that name a good part of the table (an include of many owners) are cheaper to test row by row in
    // one pass, which comes in id order, than to look up, sort and find one by one (measured: 100,000 rows
    // named by 1,000 keys: 22 ms by key, 5.3 ms in one pass with the keys sampled, not counted).
    if (!by_id && hits * 4 > table.rows.size()) {
      const key_set wanted(keys);
      const stored_property& p = m.property(keyed->property);
      for (const auto& [id, row] : table.rows)
        if (wanted.contains(p, m.member(row, keyed->property))) keep(row);
      return matched;
    }
    std::vector<memory_key> ids;
    ids.reserve(hits);
    for (auto& key : keys) {
      if (by_id) {
        ids.push_back(std::move(key));
        continue;
      }
      for (auto [first, last] = table.index(keyed->property)->ids.equal_range(key); first != last; ++first)
        ids.push_back(first->second);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (const auto& id : ids)
      if (const auto found = table.rows.find(id); found != table.rows.end()) keep(found->second);
    return matched;
  }
  matched.reserve(q.where ? 16 : table.rows.size());
  for (const auto& [id, row] : table.rows)
    if (!q.where || matches(m, row, *q.where)) matched.push_back(row);
  return matched;
}

TETHER_DECL void memory_database::project(const model_info& m, void* row, const std::vector<std::size_t>& fields) {
  if (fields.empty()) return;
  std::size_t next = 0;
  for (std::size_t i = 0; i < m.properties().size(); ++i) {
    if (next < fields.size() && fields[next] == i) {
      ++next;
      continue;
    }
    m.set(row, i, nullptr);
  }
}

TETHER_DECL void memory_database::undo(memory_undo& entry) {
  memory_table* table = entry.table();
  switch (entry.what()) {
    case memory_undo::action::erase_inserted: {
      void* row = entry.take_row();
      const auto found = table->rows.find(table->id_of(row));
      table->unindex_row(row);
      table->rows.erase(found);
      table->destroy_row(row);
      return;
    }
    case memory_undo::action::restore_replaced: {
      void* old = entry.take_row();
      auto& slot = table->rows.at(table->id_of(old));
      table->unindex_row(slot);
      table->destroy_row(std::exchange(slot, old));
      table->index_row(old);
      return;
    }
    case memory_undo::action::restore_erased: {
      void* old = entry.take_row();
      table->rows.emplace(table->id_of(old), old);
      table->index_row(old);
      return;
    }
    case memory_undo::action::restore_next_id:
      table->next_id = entry.next_id();
      return;
    case memory_undo::action::forget_table:
      if (file_) file_->put_back(*table);
      tables_.erase(&table->model());
      return;
    case memory_undo::action::restore_table:
      tables_[&table->model()] = entry.kept();
      return;
  }
}

}  // namespace tether::detail::memory

#endif
