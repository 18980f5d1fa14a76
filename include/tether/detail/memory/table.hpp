#ifndef TETHER_DETAIL_MEMORY_TABLE_HPP
#define TETHER_DETAIL_MEMORY_TABLE_HPP

/// @file
/// One table of the memory connector: rows by id (so scans come out in id order), the next generated id, and
/// hash indexes on key properties (every foreign key, and every property a foreign key references). Rows are
/// the model's own C++ objects, made, copied and destroyed through its model_info.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <memory_resource>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include <tether/detail/config.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether::detail::memory {

/// An id or another key property's value: keys are integers (of any width, as std::int64_t) or strings.
using memory_key = std::variant<std::int64_t, std::string>;

/// The key property `index` of `row` holds, or nullopt when it is null.
inline std::optional<memory_key> key_of(const model_info& m, const void* row, std::size_t index) {
  const stored_property& p = m.property(index);
  const void* member = m.member(row, index);
  if (!p.ops->has_value(member)) return std::nullopt;
  if (p.kind == value_kind::string) return memory_key(*p.ops->text(member));
  return memory_key(std::get<std::int64_t>(p.ops->get(member)));
}

inline value key_value(const memory_key& key) {
  return std::visit([](const auto& k) { return value(k); }, key);
}

/// A key as messages show it: strings quoted.
inline std::string describe_key(const memory_key& key) { return describe(key_value(key)); }

/// A set of keys that a row's key property is tested against without making a memory_key per row: integers
/// read through `as_integer`, strings compared in place.
class key_set {
public:
  explicit key_set(const std::vector<memory_key>& keys) {
    for (const auto& key : keys) {
      if (const auto* i = std::get_if<std::int64_t>(&key)) integers_.insert(*i);
      else texts_.insert(std::get<std::string>(key));
    }
  }

  /// True when the key property `p` of a row, whose member is `member`, holds one of the keys.
  [[nodiscard]] bool contains(const stored_property& p, const void* member) const {
    if (p.kind == value_kind::string) {
      const std::string* text = p.ops->text(member);
      return text != nullptr && texts_.contains(std::string_view(*text));
    }
    std::int64_t key = 0;
    return p.ops->as_integer(member, key) && integers_.contains(key);
  }

private:
  std::unordered_set<std::int64_t> integers_;
  std::unordered_set<std::string_view> texts_;  // views of the caller's keys, which outlive the set
};

/// Rows whose key property holds a given key; `unique` refuses a second row with the same key.
struct memory_index {
  bool unique = false;
  std::unordered_multimap<memory_key, memory_key> ids;  ///< key -> id of a row holding it
};

class memory_table {
  // Rows, and the nodes of the map that holds them, come from a pool of their own, so a scan walks memory in
  // order even when index entries and other allocations were made between inserts (measured: a scan of
  // 100,000 rows three times faster). First, so that it goes last.
  std::pmr::unsynchronized_pool_resource row_memory_;

public:
  explicit memory_table(const model_info& m) : model_(m), indexes_(m.properties().size()) {}
  memory_table(const memory_table&) = delete;
  memory_table& operator=(const memory_table&) = delete;
  ~memory_table() {
    for (auto& [id, row] : rows) destroy_row(row);
  }

  [[nodiscard]] const model_info& model() const noexcept { return model_; }

  /// A copy of `row` in the table's memory (not yet in `rows`); destroy_row gives it back.
  void* copy_row(const void* row);
  /// A value-initialised row in the table's memory.
  void* new_row();
  void destroy_row(void* row) noexcept {
    model_.row().destroy(row);
    row_memory_.deallocate(row, model_.row().size, model_.row().align);
  }

  [[nodiscard]] memory_key id_of(const void* row) const { return *key_of(model_, row, model_.id_index()); }

  [[nodiscard]] memory_index* index(std::size_t property) const noexcept { return indexes_[property].get(); }

  /// Creates the index on a key property (filling it from the rows) unless it exists; `unique` makes it, new or
  /// not, refuse duplicates from then on (a foreign key that another relation references is indexed as a key
  /// first). The rows may already hold duplicates: `repeated_key` tells.
  memory_index& ensure_index(std::size_t property, bool unique);

  /// A key that more than one row holds in the indexed `property`, or nullopt (null keys are not indexed, so they
  /// never count).
  [[nodiscard]] std::optional<memory_key> repeated_key(std::size_t property) const {
    if (const auto* idx = index(property))
      for (const auto& entry : idx->ids)
        if (idx->ids.count(entry.first) > 1) return entry.first;
    return std::nullopt;
  }

  /// Ids of the rows whose property equals key.
  [[nodiscard]] std::vector<memory_key> lookup(std::size_t property, const memory_key& key) const;

  void index_row(const void* row) {
    for (std::size_t i = 0; i < indexes_.size(); ++i) {
      if (indexes_[i] == nullptr) continue;
      if (auto key = key_of(model_, row, i)) indexes_[i]->ids.emplace(std::move(*key), id_of(row));
    }
  }

  void unindex_row(const void* row);

  /// A unique index that `row` would duplicate (ignoring the row with the same id): which property, and the id of
  /// the row that holds the key already.
  struct conflict {
    std::size_t property;
    memory_key holder;
  };

  /// The first unique index that `row` would duplicate, or nullopt.
  [[nodiscard]] std::optional<conflict> unique_conflict(const void* row) const;

  std::pmr::map<memory_key, void*> rows{&row_memory_};  ///< id -> the row, owned by the table
  std::int64_t next_id = 1;
  std::size_t next_id_logged_at = SIZE_MAX;  ///< where the undo log last saved next_id (memory_database's)
  std::set<memory_key> removing;  ///< rows a removal is working on now, so a cascade cycle stops

private:
  const model_info& model_;
  std::vector<std::unique_ptr<memory_index>> indexes_;
};

/// A database's tables by model.
using memory_tables = std::unordered_map<const model_info*, std::shared_ptr<memory_table>>;

}  // namespace tether::detail::memory

#ifndef TETHER_SEPARATE_COMPILATION
#include <tether/detail/memory/impl/table.ipp>
#endif

#endif
