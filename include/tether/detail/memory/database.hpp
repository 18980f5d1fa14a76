#ifndef TETHER_DETAIL_MEMORY_DATABASE_HPP
#define TETHER_DETAIL_MEMORY_DATABASE_HPP

/// @file
/// The memory connector's database: tables, referential integrity between them, an undo log that makes every
/// operation and every transaction all-or-nothing, and optional persistence to a file (file.hpp) after every
/// committed change.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <tether/connector.hpp>
#include <tether/detail/constraint_failure.hpp>
#include <tether/detail/memory/evaluate.hpp>
#include <tether/detail/partition_paging.hpp>
#include <tether/detail/memory/file.hpp>
#include <tether/detail/memory/table.hpp>
#include <tether/detail/one_to_one.hpp>
#include <tether/error.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail::memory {

/// One enforced foreign key as its target's table sees it: the referencing model and its key property.
struct memory_referrer {
  const model_info* model;
  std::size_t property;

  /// The referencing model and key property, as a refusal names them.
  [[nodiscard]] referring_rows referring() const {
    referring_rows rows;
    rows.model = model->name();
    rows.property = model->property(property).name;
    rows.id_property = model->id().name;
    return rows;
  }
};

/// What undoes one change; entries are replayed newest first. An entry that saved a row (the one an update
/// replaced or a removal took out) owns it, and gives it back to its table when the entry is dropped unused.
/// A bulk create logs an entry a row, so an entry is kept to 24 bytes: what it needs besides its table shares
/// one word.
class memory_undo {
public:
  enum class action : std::uint8_t {
    erase_inserted,
    restore_replaced,
    restore_erased,
    restore_next_id,
    forget_table,
    restore_table
  };

  /// erase_inserted (`row` stays the table's), restore_replaced and restore_erased (`row` is the saved one).
  memory_undo(action what, memory_table* table, void* row) noexcept
      : what_(what), table_(table), row_(row) {}
  memory_undo(memory_table* table, std::int64_t next_id) noexcept
      : what_(action::restore_next_id), table_(table), next_id_(next_id) {}
  /// forget_table (the table was opened), restore_table (`kept`, the dropped table, is kept until then).
  memory_undo(action what, const std::shared_ptr<memory_table>& kept)
      : what_(what),
        table_(kept.get()),
        kept_(what == action::restore_table ? new std::shared_ptr<memory_table>(kept) : nullptr) {}

  memory_undo(memory_undo&& other) noexcept : what_(other.what_), table_(other.table_) {
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
  memory_undo& operator=(memory_undo&&) = delete;
  memory_undo(const memory_undo&) = delete;
  memory_undo& operator=(const memory_undo&) = delete;
  ~memory_undo() {
    if (what_ == action::restore_table) delete kept_;
    else if (owns_row() && row_ != nullptr) table_->destroy_row(row_);
  }

  [[nodiscard]] action what() const noexcept { return what_; }
  [[nodiscard]] memory_table* table() const noexcept { return table_; }
  /// The row, which the caller now owns if the entry did.
  [[nodiscard]] void* take_row() noexcept { return std::exchange(row_, nullptr); }
  [[nodiscard]] std::int64_t next_id() const noexcept { return next_id_; }
  [[nodiscard]] const std::shared_ptr<memory_table>& kept() const noexcept { return *kept_; }

private:
  /// The row is one this entry saved (an update replaced it or a removal took it out), not the table's.
  [[nodiscard]] bool owns_row() const noexcept {
    return what_ == action::restore_replaced || what_ == action::restore_erased;
  }

  action what_;
  memory_table* table_;
  union {
    void* row_ = nullptr;                  ///< erase_inserted, restore_replaced, restore_erased
    std::int64_t next_id_;                 ///< restore_next_id
    std::shared_ptr<memory_table>* kept_;  ///< restore_table; null for forget_table
  };
};
static_assert(sizeof(memory_undo) == 3 * sizeof(void*));

class memory_database {
public:
  /// A database kept in `file`, or in memory only when it is null.
  explicit memory_database(std::unique_ptr<memory_file> file) : file_(std::move(file)) {}

  memory_database(const memory_database&) = delete;
  memory_database& operator=(const memory_database&) = delete;
  ~memory_database() { discard_log(); }

  memory_table* find_table(const model_info& m) {
    const auto found = tables_.find(&m);
    return found == tables_.end() ? nullptr : found->second.get();
  }

  /// m's table, created (and filled from the file) when missing. Registers m's foreign keys with their targets
  /// once, and gives every foreign key, and every non-id property a key references, an index: a unique one for a
  /// one-to-one key (one_to_one.hpp), which rows read from the file must not hold twice.
  memory_table& open_table(const model_info& m) {
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

  void drop_table(const model_info& m) {
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

  /// Stores copies of the rows and returns their ids; the caller writes the ids back once the operation has
  /// succeeded as a whole (file write included), so a refused create leaves the rows untouched.
  std::vector<memory_key> insert(const model_info& m, row_span rows) {
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

  void select(const model_info& m, const query& q, row_sink& out) {
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

  /// The row `select` gives for a where of `eq(property, key)` and a limit of 1 (the first by id), or null; what a
  /// relation's load asks. A key names its rows through the id or the property's index, as in `match`, without a
  /// query or a list of matches; any other property is scanned in id order.
  const void* first_equal(const model_info& m, std::size_t property, const value& key) {
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

  std::size_t count(const model_info& m, const query& q) {
    auto* table = find_table(m);
    if (table == nullptr) return 0;
    if (!q.where) return table->rows.size();
    return match(*table, q).size();
  }

  bool update(const model_info& m, const void* row) {
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

  bool remove(const model_info& m, const memory_key& id) { return remove(m, id, removal_origin{m, id}); }

  /// The row a removal was asked for: a refusal further down its cascade names it.
  struct removal_origin {
    const model_info& model;
    const memory_key& id;
  };

  /// Removes m's row `id` as part of the removal `origin` asked for (this one, unless a cascade led here).
  bool remove(const model_info& m, const memory_key& id, const removal_origin& origin) {
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

  /// Runs one operation all-or-nothing: on failure its changes are undone; outside a transaction a success
  /// is written to the file before it counts.
  template <class F>
  decltype(auto) atomically(F&& operation) {
    std::lock_guard lock(mutex_);
    const std::size_t mark = log_.size();
    struct operation_scope {
      std::size_t& current;
      std::size_t outer;
      ~operation_scope() { current = outer; }
    } scope{operation_mark_, std::exchange(operation_mark_, mark)};
    try {
      if constexpr (std::is_void_v<decltype(operation())>) {
        operation();
        finish(mark);
      } else {
        auto result = operation();
        finish(mark);
        return result;
      }
    } catch (...) {
      undo_to(mark);
      throw;
    }
  }

  void begin() {
    mutex_.lock();
    savepoints_.push_back(log_.size());
  }

  void commit() {
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

  void rollback() {
    undo_to(savepoints_.back());
    savepoints_.pop_back();
    if (savepoints_.empty()) discard_log();
    mutex_.unlock();
  }

private:
  /// A row of a table's memory that is not in the table yet: given back unless released.
  struct held_row {
    memory_table* table;
    void* row;
    held_row(memory_table* t, void* r) noexcept : table(t), row(r) {}
    held_row(const held_row&) = delete;
    held_row& operator=(const held_row&) = delete;
    ~held_row() {
      if (row != nullptr) table->destroy_row(row);
    }
    void* release() noexcept { return std::exchange(row, nullptr); }
  };

  const std::vector<memory_referrer>& referrers_of(const model_info& target) {
    return referrers_[&target];
  }

  void assign_id(memory_table& table, void* row) {
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

  /// Logs how to give `table` its next id back, once per table and operation: undo replays newest first, so the
  /// first such entry after the operation's mark restores the value the operation started from (a bulk create
  /// of 100,000 rows logged 100,000 of them).
  void log_next_id(memory_table& table) {
    const std::size_t at = table.next_id_logged_at;
    if (at >= operation_mark_ && at < log_.size() && log_[at].what() == memory_undo::action::restore_next_id &&
        log_[at].table() == &table)
      return;
    table.next_id_logged_at = log_.size();
    log_.emplace_back(&table, table.next_id);
  }

  void check_references(const model_info& m, const void* row) {
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

  static void check_unique(const memory_table& table, const void* row) {
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

  /// The key of `target_row` that referrer's relation references, if it has one.
  static std::optional<memory_key> referenced_key(const memory_referrer& referrer, const model_info& target,
                                                  const void* target_row) {
    return key_of(target, target_row, referrer.model->property(referrer.property).relation->target_property);
  }

  /// True when a row references `target_row` through this key.
  bool references(const memory_referrer& referrer, const model_info& target, const void* target_row) {
    const auto key = referenced_key(referrer, target, target_row);
    auto* table = find_table(*referrer.model);
    return key && table != nullptr && !table->lookup(referrer.property, *key).empty();
  }

  /// Refuses (restrict), removes the referencing rows (cascade) or clears their keys (set_null).
  void before_remove(const memory_referrer& referrer, const model_info& target, const memory_key& target_id,
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

  /// Replaces a row without integrity checks: for set_null, which only ever clears a key.
  void clear_key_of(memory_table& table, const memory_key& id, std::size_t property) {
    held_row row{&table, table.copy_row(table.rows.at(id))};
    table.model().set(row.row, property, nullptr);
    replace_row(table, row.release());
  }

  /// The term of `where` that names its rows by key: the where itself, or a term of its top-level `and`, that is
  /// an `eq` of a non-null value or an `inq` on the id or on an indexed key property (how relation loads and
  /// include ask); null when there is none.
  static const predicate* keyed_term(const memory_table& table, const predicate& where) {
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

  /// True when the rows holding a value of `property` can be found by key: it is the id, or an integer or string
  /// property with an index.
  static bool addressed_by_key(const memory_table& table, std::size_t property) {
    const model_info& m = table.model();
    const value_kind kind = m.property(property).kind;
    return (kind == value_kind::integer || kind == value_kind::string) &&
           (property == m.id_index() || table.index(property) != nullptr);
  }

  /// `v` as a key of a property of `kind` (integer or string), or nullopt when it is of another kind or null: a
  /// key that no row of the property can hold.
  static std::optional<memory_key> key_of_kind(value_kind kind, const value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v); i && kind == value_kind::integer) return memory_key(*i);
    if (const auto* s = std::get_if<std::string>(&v); s && kind == value_kind::string) return memory_key(*s);
    return std::nullopt;
  }

  /// About how many rows of an index the keys name, from a sample of them: counting each key's rows would walk
  /// as many index entries as looking them up does.
  static std::size_t estimated_hits(const memory_index& index, const std::vector<memory_key>& keys) {
    constexpr std::size_t sample = 8;
    const std::size_t sampled = std::min(sample, keys.size());
    std::size_t found = 0;
    for (std::size_t k = 0; k < sampled; ++k) found += index.ids.count(keys[k * keys.size() / sampled]);
    return sampled == 0 ? 0 : found * keys.size() / sampled;
  }

  std::vector<const void*> match(const memory_table& table, const query& q) const {
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

  /// Value-initialises the properties a query did not select.
  static void project(const model_info& m, void* row, const std::vector<std::size_t>& fields) {
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

  void put_row(memory_table& table, void* row) {
    table.rows.emplace(table.id_of(row), row);
    table.index_row(row);
    log_.emplace_back(memory_undo::action::erase_inserted, &table, row);
  }

  void replace_row(memory_table& table, void* row) {
    auto& slot = table.rows.at(table.id_of(row));
    table.unindex_row(slot);
    void* old = std::exchange(slot, row);
    table.index_row(row);
    log_.emplace_back(memory_undo::action::restore_replaced, &table, old);
  }

  void erase_row(memory_table& table, const memory_key& id) {
    const auto found = table.rows.find(id);
    void* old = found->second;
    table.unindex_row(old);
    table.rows.erase(found);
    log_.emplace_back(memory_undo::action::restore_erased, &table, old);
  }

  void undo(memory_undo& entry) {
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

  void persist() {
    if (file_) file_->save(tables_);
  }

  // Outside a transaction a change counts once it is in the file; an operation that changed nothing (a read)
  // writes nothing.
  void finish(std::size_t mark) {
    if (!savepoints_.empty()) return;
    if (log_.size() > mark) persist();
    discard_log();
  }

  void undo_to(std::size_t mark) {
    while (log_.size() > mark) {
      undo(log_.back());
      log_.pop_back();
    }
  }

  /// Forgets the undo log of committed changes, oldest first: a row an entry saved goes back to its table, which
  /// a later entry (a drop's) may be the last to keep.
  void discard_log() noexcept {
    for (auto& entry : log_) {
      const memory_undo dropped(std::move(entry));
    }
    log_.clear();
    // A bulk write grew the log to a row an entry: give that memory back rather than keep it for the next one.
    if (log_.capacity() > kept_log_capacity) log_ = std::vector<memory_undo>();
  }

  static constexpr std::size_t kept_log_capacity = 4096;

  std::recursive_mutex mutex_;
  std::unique_ptr<memory_file> file_;
  memory_tables tables_;
  std::unordered_map<const model_info*, std::vector<memory_referrer>> referrers_;
  std::set<std::pair<const model_info*, std::size_t>> registered_;
  std::vector<memory_undo> log_;         ///< undo entries, newest last
  std::size_t operation_mark_ = 0;       ///< where the running operation's entries start
  std::vector<std::size_t> savepoints_;  ///< log positions of open transactions
};

}  // namespace tether::detail::memory

#endif
