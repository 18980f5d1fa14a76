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

#include <tether/connector.hpp>
#include <tether/detail/operations.hpp>
#include <tether/detail/row_buffer.hpp>
#include <tether/detail/source.hpp>
#include <tether/filter.hpp>
#include <tether/model.hpp>
#include <tether/model_info.hpp>
#include <tether/value.hpp>

namespace tether {
namespace detail {

/// A std::vector<M> as a row buffer: where a repository's find puts its rows. A new row goes in by push_back of
/// an rvalue, the way JSON's vector conversion also does, so the two share the vector's growth code; a copy is
/// made in place, since the memory connector copies every row it hands out.
template <class M>
class vector_buffer final : public row_buffer {
public:
  explicit vector_buffer(std::vector<M>& rows) noexcept : rows_(rows) {}
  void* append() override {
    rows_.push_back(M{});
    return &rows_.back();
  }
  void* append_copy(const void* row) override { return &rows_.emplace_back(*static_cast<const M*>(row)); }
  void reserve(std::size_t count) override { rows_.reserve(rows_.size() + count); }
  [[nodiscard]] std::size_t size() const noexcept override { return rows_.size(); }
  [[nodiscard]] row_range rows_from(std::size_t first) noexcept override {
    return {rows_.data() + first, rows_.size() - first, sizeof(M)};
  }

private:
  std::vector<M>& rows_;
};

}  // namespace detail

/// @brief One model's rows in one datasource. Cheap to copy; keeps the datasource's store alive.
template <class M>
class repository {
public:
  using value_type = persisted<M>;
  using key_type = id_type<value_type>;

  repository(std::shared_ptr<detail::source> source, const model_info& model)
      : source_(std::move(source)), model_(&model) {}

  /// @brief Creates the row and fills its generated id. A refused create leaves `row` as it was.
  void create(value_type& row) { source_->create(*model_, row_span(&row, 1, sizeof(value_type))); }
  /// @brief Creates every row, all or none, in one round trip where the store allows.
  void create(std::span<value_type> rows) { source_->create(*model_, row_span(rows)); }

  /// @brief The matching rows, by id ascending unless the filter's `order` says otherwise.
  [[nodiscard]] std::vector<value_type> find(const filter& f = {}) const {
    std::vector<value_type> rows;
    detail::vector_buffer<value_type> out(rows);
    source_->find(*model_, f, out);
    return rows;
  }

  /// @brief The first matching row.
  [[nodiscard]] std::optional<value_type> find_one(const filter& f = {}) const {
    filter first = f;
    first.limit(1);
    auto rows = find(first);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }

  /// @brief The row with this id (other conditions of `f` still apply; its `fields` and `include` too).
  [[nodiscard]] std::optional<value_type> find_by_id(const key_type& id, const filter& f = {}) const {
    filter by_id = f;
    by_id.where(std::string(model_->id().name), id);
    return find_one(by_id);
  }

  /// @brief Replaces the row with the same id; `tether::not_found` when there is none.
  void update(const value_type& row) { source_->update(*model_, &row); }

  /// @brief Removes the row, applying each referencing relation's on_delete; false when there was none.
  bool remove_by_id(const key_type& id) { return source_->remove(*model_, detail::to_value(id)); }

  /// @brief How many rows match.
  [[nodiscard]] std::size_t count(const condition& c = {}) const { return source_->count(*model_, c); }

private:
  std::shared_ptr<detail::source> source_;
  const model_info* model_;
};

}  // namespace tether

#endif
