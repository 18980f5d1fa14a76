#ifndef TETHER_DETAIL_MEMORY_DATABASE_HPP
#define TETHER_DETAIL_MEMORY_DATABASE_HPP

/// @file
/// The memory connector's database: typed tables, referential integrity between them, an undo log that makes
/// every operation and every transaction all-or-nothing, and optional persistence to a JSON file in the layout
/// of LoopBack's memory connector ({"ids": {...}, "models": {"Customer": {"1": "<row as JSON>"}}}).

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <tether/belongs_to.hpp>
#include <tether/connector.hpp>
#include <tether/detail/memory/evaluate.hpp>
#include <tether/detail/memory/table.hpp>
#include <tether/detail/visit_property.hpp>
#include <tether/error.hpp>
#include <tether/json.hpp>
#include <tether/model.hpp>
#include <tether/value.hpp>

namespace tether::detail {

/// One foreign key as its target's table sees it: what removing or re-keying a target means for the rows
/// that reference it.
template <class Target>
class memory_referrer {
public:
  virtual ~memory_referrer() = default;
  /// Refuses (restrict), removes the referencing rows (cascade) or clears their keys (set_null).
  virtual void before_remove(const Target& target) = 0;
  /// True when a row references `target` through this key.
  [[nodiscard]] virtual bool references(const Target& target) const = 0;
  [[nodiscard]] virtual std::size_t target_property() const noexcept = 0;
  /// "Order.customerId", for messages.
  [[nodiscard]] virtual std::string describe() const = 0;
};

template <class T>
std::string describe_key(const T& v) {
  return describe(to_value(v));
}

class memory_database {
public:
  explicit memory_database(std::optional<std::filesystem::path> file) : file_(std::move(file)) {
    if (file_ && std::filesystem::exists(*file_)) load_file();
  }

  memory_database(const memory_database&) = delete;
  memory_database& operator=(const memory_database&) = delete;

  template <class M>
  memory_table<M>* find_table() {
    const auto found = tables_.find(&type_tag<M>);
    return found == tables_.end() ? nullptr : static_cast<memory_table<M>*>(found->second.get());
  }

  /// M's table, created (and filled from the file) when missing. Registers M's foreign keys with their targets
  /// once, and gives every foreign key, and every non-id property a key references, an index.
  template <class M>
  memory_table<M>& open_table() {
    if (auto* existing = find_table<M>()) return *existing;
    auto made = std::make_shared<memory_table<M>>();
    auto* table = made.get();
    tables_[&type_tag<M>] = made;
    log_.push_back([this] { tables_.erase(&type_tag<M>); });
    load_stored_rows(*table);
    for_each_property<M>([&](auto i) {
      if constexpr (is_foreign_key<M, i>) {
        using ref = reference<M, i>;
        table->template ensure_index<i>(false);
        auto& target_table = open_table<typename ref::target>();
        if constexpr (ref::target_property != id_index<typename ref::target>)
          target_table.template ensure_index<ref::target_property>(true);
        if constexpr (ref::enforced) register_referrer<M, i>();
      }
    });
    return *table;
  }

  template <class M>
  void drop_table() {
    auto* table = find_table<M>();
    if (stored_.contains("models")) stored_["models"].erase(std::string(model_name<M>));
    if (table == nullptr) return;
    for (const auto& [id, row] : table->rows) {
      for (const auto& referrer : referrers_of<M>()) {
        if (referrer->references(row)) {
          throw constraint_error("tether: cannot drop " + std::string(model_name<M>) + ": " + referrer->describe() +
                                 " references its row " + describe_key(id) +
                                 "; migrate the referencing model together with it");
        }
      }
    }
    auto kept = tables_[&type_tag<M>];
    tables_.erase(&type_tag<M>);
    log_.push_back([this, kept] { tables_[&type_tag<M>] = kept; });
  }

  /// Stores copies of the rows and returns their ids; the caller writes the ids back once the operation has
  /// succeeded as a whole (file write included), so a refused create leaves the rows untouched.
  template <class M>
  std::vector<id_type<M>> insert(std::span<const M> rows) {
    auto& table = open_table<M>();
    std::vector<id_type<M>> ids;
    ids.reserve(rows.size());
    for (const M& row : rows) {
      M stored = row;
      detail_clear_links(stored);
      assign_id(table, stored);
      check_references(stored);
      if (table.rows.count(table.id_of(stored))) {
        throw constraint_error("tether: cannot create " + std::string(model_name<M>) + ": id " +
                               describe_key(table.id_of(stored)) + " exists already");
      }
      check_unique(table, stored);
      ids.push_back(table.id_of(stored));
      put_row(table, std::move(stored));
    }
    return ids;
  }

  template <class M>
  std::vector<M> select(const query& q) {
    auto* table = find_table<M>();
    std::vector<M> out;
    if (table == nullptr) return out;
    std::vector<const M*> matched = match(*table, q);
    sort_rows(matched, q.order);
    const std::size_t first = std::min(q.skip, matched.size());
    const std::size_t last = q.limit ? first + std::min(matched.size() - first, *q.limit) : matched.size();
    out.reserve(last - first);
    for (std::size_t i = first; i < last; ++i) project(out.emplace_back(*matched[i]), q.fields);
    return out;
  }

  template <class M>
  std::size_t count(const query& q) {
    auto* table = find_table<M>();
    if (table == nullptr) return 0;
    if (!q.where) return table->rows.size();
    return match(*table, q).size();
  }

  template <class M>
  bool update(const M& row) {
    auto& table = open_table<M>();
    const auto found = table.rows.find(table.id_of(row));
    if (found == table.rows.end()) return false;
    M stored = row;
    detail_clear_links(stored);
    check_references(stored);
    check_unique(table, stored);
    for (const auto& referrer : referrers_of<M>()) {
      const std::size_t p = referrer->target_property();
      const bool changed = with_property_index<M>(p, [&](auto i) {
        return get_property<i>(found->second) != get_property<i>(stored);
      });
      if (changed && referrer->references(found->second)) {
        throw constraint_error("tether: cannot change " + std::string(model_name<M>) + "." +
                               std::string(properties<M>()[p].name) + " of id " + describe_key(table.id_of(row)) +
                               ": " + referrer->describe() + " references it");
      }
    }
    replace_row(table, std::move(stored));
    return true;
  }

  template <class M>
  bool remove(const id_type<M>& id) {
    auto* table = find_table<M>();
    if (table == nullptr || table->removing.count(id)) return false;
    const auto found = table->rows.find(id);
    if (found == table->rows.end()) return false;
    table->removing.insert(id);
    struct unmark {
      memory_table<M>* table;
      const id_type<M>& id;
      ~unmark() { table->removing.erase(id); }
    } guard{table, id};
    const M row = found->second;
    for (const auto& referrer : referrers_of<M>()) referrer->before_remove(row);
    erase_row(*table, id);
    return true;
  }

  /// Replaces a row without integrity checks: for set_null, which only ever clears a key.
  template <class M>
  void clear_key_of(const id_type<M>& id, auto property) {
    auto& table = open_table<M>();
    M row = table.rows.at(id);
    set_property<decltype(property)::value>(row, std::nullopt);
    replace_row(table, std::move(row));
  }

  /// Runs one operation all-or-nothing: on failure its changes are undone; outside a transaction a success
  /// is written to the file before it counts.
  template <class F>
  decltype(auto) atomically(F&& operation) {
    std::lock_guard lock(mutex_);
    const std::size_t mark = log_.size();
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
      if (savepoints_.empty()) log_.clear();
      mutex_.unlock();
      throw;
    }
    if (savepoints_.empty()) log_.clear();
    mutex_.unlock();
  }

  void rollback() {
    undo_to(savepoints_.back());
    savepoints_.pop_back();
    if (savepoints_.empty()) log_.clear();
    mutex_.unlock();
  }

  template <class Target>
  std::vector<std::unique_ptr<memory_referrer<Target>>>& referrers_of() {
    auto& slot = referrers_[&type_tag<Target>];
    if (!slot) slot = std::make_shared<std::vector<std::unique_ptr<memory_referrer<Target>>>>();
    return *std::static_pointer_cast<std::vector<std::unique_ptr<memory_referrer<Target>>>>(slot);
  }

  template <class M>
  void replace_row(memory_table<M>& table, M row) {
    auto& slot = table.rows.at(table.id_of(row));
    table.unindex_row(slot);
    M old = std::exchange(slot, std::move(row));
    table.index_row(slot);
    log_.push_back([&table, old = std::move(old)]() mutable {
      auto& current = table.rows.at(table.id_of(old));
      table.unindex_row(current);
      current = std::move(old);
      table.index_row(current);
    });
  }

private:
  template <class M>
  static void detail_clear_links(M& row) {
    // A stored row keeps keys only: no cache, no origin.
    for_each_property<M>([&](auto i) {
      if constexpr (is_foreign_key<M, i>) {
        auto key = get_property<i>(row);
        member_of<M, i>(row) = std::remove_cvref_t<decltype(member_of<M, i>(row))>{};
        set_property<i>(row, std::move(key));
      }
    });
  }

  template <class M>
  void assign_id(memory_table<M>& table, M& row) {
    using id_t = id_type<M>;
    const auto& id = get_property<id_index<M>>(row);
    bool unset = false;
    if constexpr (is_optional<property_type<M, id_index<M>>>::value) unset = !id || *id == id_t{};
    else unset = id == id_t{};
    if constexpr (integer_value<id_t>) {
      if (unset) {
        const auto previous = table.next_id;
        set_property<id_index<M>>(row, static_cast<id_t>(table.next_id++));
        log_.push_back([&table, previous] { table.next_id = previous; });
      } else if (static_cast<std::int64_t>(table.id_of(row)) >= table.next_id) {
        const auto previous = table.next_id;
        table.next_id = static_cast<std::int64_t>(table.id_of(row)) + 1;
        log_.push_back([&table, previous] { table.next_id = previous; });
      }
    } else if (unset) {
      throw validation_error("tether: " + std::string(model_name<M>) + "." +
                             std::string(property_name<M, id_index<M>>) + " is a string id and must be given");
    }
  }

  template <class M>
  void check_references(const M& row) {
    for_each_property<M>([&](auto i) {
      if constexpr (is_foreign_key<M, i>) {
        using ref = reference<M, i>;
        const auto& key = get_property<i>(row);
        if (!ref::enforced || !key) return;
        auto& target = open_table<typename ref::target>();
        if (target.template lookup<ref::target_property>(*key).empty()) {
          throw constraint_error("tether: " + std::string(model_name<M>) + "." + std::string(member_name<M, i>) +
                                 ": no " + std::string(model_name<typename ref::target>) + " has " +
                                 std::string(property_name<typename ref::target, ref::target_property>) + " " +
                                 describe_key(*key) + " (" + std::string(property_name<M, i>) + " " +
                                 describe_key(*key) + ")");
        }
      }
    });
  }

  template <class M>
  void check_unique(const memory_table<M>& table, const M& row) {
    if (const auto conflict = table.unique_conflict(row)) {
      const std::size_t p = *conflict;
      const std::string shown = with_property_index<M>(p, [&](auto i) { return describe_key(get_property<i>(row)); });
      throw constraint_error("tether: " + std::string(model_name<M>) + "." + std::string(properties<M>()[p].name) +
                             " must be unique (a foreign key references it), and " + shown + " is taken");
    }
  }

  template <class M>
  std::vector<const M*> match(const memory_table<M>& table, const query& q) const {
    std::vector<const M*> matched;
    // Lookups by id, or by a list of ids, go straight to the rows: relation loads and include take this path.
    if (q.where && q.where->property == id_index<M> &&
        (q.where->op == operator_kind::eq || q.where->op == operator_kind::inq)) {
      std::vector<id_type<M>> ids;
      for (const auto& v : q.where->values) {
        if constexpr (integer_value<id_type<M>>) {
          if (const auto* i = std::get_if<std::int64_t>(&v)) ids.push_back(static_cast<id_type<M>>(*i));
        } else {
          if (const auto* s = std::get_if<std::string>(&v)) ids.push_back(*s);
        }
      }
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      for (const auto& id : ids)
        if (const auto found = table.rows.find(id); found != table.rows.end()) matched.push_back(&found->second);
      return matched;
    }
    matched.reserve(q.where ? 16 : table.rows.size());
    for (const auto& [id, row] : table.rows)
      if (!q.where || matches(row, *q.where)) matched.push_back(&row);
    return matched;
  }

  /// Value-initialises the properties a query did not select.
  template <class M>
  static void project(M& row, const std::vector<std::size_t>& fields) {
    if (fields.empty()) return;
    std::size_t next = 0;
    for_each_property<M>([&](auto i) {
      if (next < fields.size() && fields[next] == i) {
        ++next;
        return;
      }
      set_property<i>(row, property_type<M, i>{});
    });
  }

  template <class M>
  void put_row(memory_table<M>& table, M row) {
    const auto id = table.id_of(row);
    auto [slot, inserted] = table.rows.emplace(id, std::move(row));
    (void)inserted;
    table.index_row(slot->second);
    log_.push_back([&table, id] {
      const auto found = table.rows.find(id);
      table.unindex_row(found->second);
      table.rows.erase(found);
    });
  }

  template <class M>
  void erase_row(memory_table<M>& table, const id_type<M>& id) {
    const auto found = table.rows.find(id);
    M old = std::move(found->second);
    table.unindex_row(old);
    table.rows.erase(found);
    log_.push_back([&table, old = std::move(old)]() mutable {
      const auto id = table.id_of(old);
      auto [slot, inserted] = table.rows.emplace(id, std::move(old));
      (void)inserted;
      table.index_row(slot->second);
    });
  }

  template <class M, std::size_t I>
  void register_referrer();

  template <class M>
  void load_stored_rows(memory_table<M>& table) {
    const std::string name(model_name<M>);
    if (!stored_.contains("models") || !stored_["models"].contains(name)) return;
    for (const auto& [id, text] : stored_["models"][name].items()) {
      (void)id;
      M row{};
      try {
        row = nlohmann::json::parse(text.template get<std::string>()).template get<M>();
      } catch (const nlohmann::json::exception& e) {
        throw validation_error("tether::memory: " + file_->string() + ": a " + name + " row is not valid JSON: " +
                               e.what());
      }
      const auto key = table.id_of(row);
      table.rows.emplace(key, std::move(row));
      if constexpr (integer_value<id_type<M>>)
        table.next_id = std::max<std::int64_t>(table.next_id, static_cast<std::int64_t>(key) + 1);
    }
    if (stored_.contains("ids") && stored_["ids"].contains(name) && stored_["ids"][name].is_number_integer())
      table.next_id = std::max(table.next_id, stored_["ids"][name].get<std::int64_t>());
    stored_["models"].erase(name);
  }

  void load_file() {
    std::ifstream in(*file_);
    try {
      stored_ = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw connection_error("tether::memory: " + file_->string() + " is not a JSON data file: " + e.what());
    }
    if (!stored_.is_object() || (stored_.contains("models") && !stored_["models"].is_object()))
      throw connection_error("tether::memory: " + file_->string() +
                             " is not a memory-connector data file (expected {\"ids\": {...}, \"models\": {...}})");
  }

  /// Writes every table to the file through a temporary file and a rename, so a crash leaves the old file
  /// or the new one, never half of one.
  void persist() {
    if (!file_) return;
    nlohmann::json out = stored_.is_object() ? stored_ : nlohmann::json::object();
    if (!out.contains("ids")) out["ids"] = nlohmann::json::object();
    if (!out.contains("models")) out["models"] = nlohmann::json::object();
    for (const auto& [tag, table] : tables_) {
      (void)tag;
      const std::string name(table->name());
      out["ids"][name] = table->next_generated_id();
      out["models"][name] = table->save();
    }
    const std::string text = out.dump(2);
    const auto temporary = std::filesystem::path(file_->string() + ".tmp");
    std::FILE* f = std::fopen(temporary.c_str(), "wb");
    if (f == nullptr)
      throw connection_error("tether::memory: cannot write " + temporary.string() + ": " + std::strerror(errno));
    const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0 &&
                         ::fsync(::fileno(f)) == 0;
    const int saved_errno = errno;
    std::fclose(f);
    std::error_code renamed;
    if (written) std::filesystem::rename(temporary, *file_, renamed);
    if (!written || renamed) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw connection_error("tether::memory: cannot write " + file_->string() + ": " +
                             (written ? renamed.message() : std::string(std::strerror(saved_errno))));
    }
  }

  // Outside a transaction a change counts once it is in the file; an operation that changed nothing (a read)
  // writes nothing.
  void finish(std::size_t mark) {
    if (!savepoints_.empty()) return;
    if (log_.size() > mark) persist();
    log_.clear();
  }

  void undo_to(std::size_t mark) {
    while (log_.size() > mark) {
      auto undo = std::move(log_.back());
      log_.pop_back();
      undo();
    }
  }

  std::recursive_mutex mutex_;
  std::optional<std::filesystem::path> file_;
  nlohmann::json stored_ = nlohmann::json::object();  ///< file contents of models not opened yet
  std::unordered_map<const void*, std::shared_ptr<memory_table_base>> tables_;
  std::unordered_map<const void*, std::shared_ptr<void>> referrers_;
  std::unordered_set<const void*> registered_;
  std::vector<std::function<void()>> log_;  ///< undo entries, newest last
  std::vector<std::size_t> savepoints_;     ///< log positions of open transactions
};

/// The foreign key I of M, registered with its target's table.
template <class M, std::size_t I>
class memory_reference final : public memory_referrer<typename reference<M, I>::target> {
  using ref = reference<M, I>;
  using target_type = typename ref::target;

public:
  explicit memory_reference(memory_database& db) : db_(db) {}

  void before_remove(const target_type& target) override {
    const auto* key = key_of(target);
    if (key == nullptr) return;
    auto* table = db_.find_table<M>();
    if (table == nullptr) return;
    std::vector<id_type<M>> ids;
    for (auto& id : table->template lookup<I>(*key))
      if (!table->removing.count(id)) ids.push_back(id);
    if (ids.empty()) return;
    switch (ref::on_delete) {
      case delete_action::restrict:
        throw constraint_error("tether: cannot remove " + std::string(model_name<target_type>) + " " +
                               std::string(property_name<target_type, ref::target_property>) + " " +
                               describe_key(*key) + ": " + describe() + " references it from " +
                               std::to_string(ids.size()) + (ids.size() == 1 ? " row" : " rows") + " (" +
                               std::string(model_name<M>) + " " + std::string(property_name<M, id_index<M>>) + " " +
                               describe_key(ids.front()) + (ids.size() > 1 ? ", ..." : "") +
                               "); remove or relink them first, or declare on_delete<cascade> or on_delete<set_null>");
      case delete_action::cascade:
        for (const auto& id : ids) db_.remove<M>(id);
        return;
      case delete_action::set_null:
        for (const auto& id : ids) db_.clear_key_of<M>(id, std::integral_constant<std::size_t, I>{});
        return;
    }
  }

  [[nodiscard]] bool references(const target_type& target) const override {
    const auto* key = key_of(target);
    auto* table = db_.find_table<M>();
    return key != nullptr && table != nullptr && !table->template lookup<I>(*key).empty();
  }

  [[nodiscard]] std::size_t target_property() const noexcept override { return ref::target_property; }

  [[nodiscard]] std::string describe() const override {
    return std::string(model_name<M>) + "." + std::string(property_name<M, I>);
  }

private:
  static const key_type_of<M, I>* key_of(const target_type& target) {
    const auto& v = get_property<ref::target_property>(target);
    if constexpr (is_optional<std::remove_cvref_t<decltype(v)>>::value) return v ? &*v : nullptr;
    else return &v;
  }

  memory_database& db_;
};

template <class M, std::size_t I>
void memory_database::register_referrer() {
  using target = typename reference<M, I>::target;
  static constexpr char tag = 0;
  if (!registered_.insert(&tag).second) return;
  referrers_of<target>().push_back(std::make_unique<memory_reference<M, I>>(*this));
}

}  // namespace tether::detail

#endif
