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
#include <tether/detail/config.hpp>
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

  memory_undo(memory_undo&& other) noexcept;
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
  memory_table& open_table(const model_info& m);

  void drop_table(const model_info& m);

  /// Stores copies of the rows and returns their ids; the caller writes the ids back once the operation has
  /// succeeded as a whole (file write included), so a refused create leaves the rows untouched.
  std::vector<memory_key> insert(const model_info& m, row_span rows);

  void select(const model_info& m, const query& q, row_sink& out);

  /// The row `select` gives for a where of `eq(property, key)` and a limit of 1 (the first by id), or null; what a
  /// relation's load asks. A key names its rows through the id or the property's index, as in `match`, without a
  /// query or a list of matches; any other property is scanned in id order.
  const void* first_equal(const model_info& m, std::size_t property, const value& key);

  std::size_t count(const model_info& m, const query& q) {
    auto* table = find_table(m);
    if (table == nullptr) return 0;
    if (!q.where) return table->rows.size();
    return match(*table, q).size();
  }

  bool update(const model_info& m, const void* row);

  bool remove(const model_info& m, const memory_key& id) { return remove(m, id, removal_origin{m, id}); }

  /// The row a removal was asked for: a refusal further down its cascade names it.
  struct removal_origin {
    const model_info& model;
    const memory_key& id;
  };

  /// Removes m's row `id` as part of the removal `origin` asked for (this one, unless a cascade led here).
  bool remove(const model_info& m, const memory_key& id, const removal_origin& origin);

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

  void commit();

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

  void assign_id(memory_table& table, void* row);

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

  void check_references(const model_info& m, const void* row);

  static void check_unique(const memory_table& table, const void* row);

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
                     const void* target_row, const removal_origin& origin);

  /// Replaces a row without integrity checks: for set_null, which only ever clears a key.
  void clear_key_of(memory_table& table, const memory_key& id, std::size_t property) {
    held_row row{&table, table.copy_row(table.rows.at(id))};
    table.model().set(row.row, property, nullptr);
    replace_row(table, row.release());
  }

  /// The term of `where` that names its rows by key: the where itself, or a term of its top-level `and`, that is
  /// an `eq` of a non-null value or an `inq` on the id or on an indexed key property (how relation loads and
  /// include ask); null when there is none.
  static const predicate* keyed_term(const memory_table& table, const predicate& where);

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

  std::vector<const void*> match(const memory_table& table, const query& q) const;

  /// Value-initialises the properties a query did not select.
  static void project(const model_info& m, void* row, const std::vector<std::size_t>& fields);

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

  void undo(memory_undo& entry);

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

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/memory/impl/database.ipp>
#endif

#endif
