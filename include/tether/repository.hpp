#ifndef TETHER_REPOSITORY_HPP
#define TETHER_REPOSITORY_HPP

/// @file
/// `tether::repository<M>`: the typed handle to one model's rows in one datasource (`db.repository<Order>()`).
/// It hands out `persisted<M>` (M itself, or `with_id<M>` for a model without id).

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <tether/detail/source.hpp>
#include <tether/filter.hpp>
#include <tether/model.hpp>

namespace tether {

/// @brief One model's rows in one datasource. Cheap to copy; keeps the datasource's store alive.
template <class M>
class repository {
public:
  using value_type = persisted<M>;
  using key_type = id_type<value_type>;

  explicit repository(std::shared_ptr<detail::model_store<value_type>> store) : store_(std::move(store)) {}

  /// @brief Creates the row and fills its generated id. A refused create leaves `row` as it was.
  void create(value_type& row) { store_->create(std::span<value_type>(&row, 1)); }
  /// @brief Creates every row, all or none, in one round trip where the store allows.
  void create(std::span<value_type> rows) { store_->create(rows); }

  /// @brief The matching rows, by id ascending unless the filter's `order` says otherwise.
  [[nodiscard]] std::vector<value_type> find(const filter& f = {}) const { return store_->find(f); }

  /// @brief The first matching row.
  [[nodiscard]] std::optional<value_type> find_one(const filter& f = {}) const {
    filter first = f;
    first.limit(1);
    auto rows = store_->find(first);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }

  /// @brief The row with this id (other conditions of `f` still apply; its `fields` and `include` too).
  [[nodiscard]] std::optional<value_type> find_by_id(const key_type& id, const filter& f = {}) const {
    filter by_id = f;
    by_id.where(std::string(property_name<value_type, id_index<value_type>>), id);
    return find_one(by_id);
  }

  /// @brief Replaces the row with the same id; `tether::not_found` when there is none.
  void update(const value_type& row) { store_->update(row); }

  /// @brief Removes the row, applying each referencing relation's on_delete; false when there was none.
  bool remove_by_id(const key_type& id) { return store_->remove(id); }

  /// @brief How many rows match.
  [[nodiscard]] std::size_t count(const condition& c = {}) const { return store_->count(c); }

private:
  std::shared_ptr<detail::model_store<value_type>> store_;
};

}  // namespace tether

#endif
