#ifndef TETHER_DETAIL_MEMORY_IMPL_TABLE_IPP
#define TETHER_DETAIL_MEMORY_IMPL_TABLE_IPP

// The out-of-line definitions of <tether/detail/memory/table.hpp>: inline here in a header-only build,
// compiled once by <tether/src.hpp> under TETHER_SEPARATE_COMPILATION.

#include <tether/detail/memory/table.hpp>

namespace tether::detail::memory {

TETHER_DECL void* memory_table::copy_row(const void* row) {
  void* made = row_memory_.allocate(model_.row().size, model_.row().align);
  try {
    model_.row().copy_construct(made, row);
  } catch (...) {
    row_memory_.deallocate(made, model_.row().size, model_.row().align);
    throw;
  }
  return made;
}

TETHER_DECL void* memory_table::new_row() {
  void* made = row_memory_.allocate(model_.row().size, model_.row().align);
  try {
    model_.row().construct(made);
  } catch (...) {
    row_memory_.deallocate(made, model_.row().size, model_.row().align);
    throw;
  }
  return made;
}

TETHER_DECL memory_index& memory_table::ensure_index(std::size_t property, bool unique) {
  if (auto* existing = index(property)) {
    existing->unique = existing->unique || unique;
    return *existing;
  }
  auto made = std::make_unique<memory_index>();
  made->unique = unique;
  for (const auto& [id, row] : rows)
    if (auto key = key_of(model_, row, property)) made->ids.emplace(std::move(*key), id);
  indexes_[property] = std::move(made);
  return *indexes_[property];
}

TETHER_DECL std::vector<memory_key> memory_table::lookup(std::size_t property, const memory_key& key) const {
  std::vector<memory_key> ids;
  if (property == model_.id_index()) {
    if (rows.count(key)) ids.push_back(key);
    return ids;
  }
  if (const auto* idx = index(property)) {
    auto [first, last] = idx->ids.equal_range(key);
    for (; first != last; ++first) ids.push_back(first->second);
    return ids;
  }
  for (const auto& [id, row] : rows)
    if (key_of(model_, row, property) == key) ids.push_back(id);
  return ids;
}

TETHER_DECL void memory_table::unindex_row(const void* row) {
  for (std::size_t i = 0; i < indexes_.size(); ++i) {
    if (indexes_[i] == nullptr) continue;
    const auto key = key_of(model_, row, i);
    if (!key) continue;
    const auto id = id_of(row);
    auto [first, last] = indexes_[i]->ids.equal_range(*key);
    for (; first != last; ++first) {
      if (first->second == id) {
        indexes_[i]->ids.erase(first);
        break;
      }
    }
  }
}

TETHER_DECL std::optional<memory_table::conflict> memory_table::unique_conflict(const void* row) const {
  for (std::size_t i = 0; i < indexes_.size(); ++i) {
    const auto* idx = indexes_[i].get();
    if (idx == nullptr || !idx->unique) continue;
    const auto key = key_of(model_, row, i);
    if (!key) continue;
    const auto id = id_of(row);
    auto [first, last] = idx->ids.equal_range(*key);
    for (; first != last; ++first)
      if (first->second != id) return conflict{i, first->second};
  }
  return std::nullopt;
}

}  // namespace tether::detail::memory

#endif
