#ifndef TETHER_DETAIL_ROW_BUFFER_HPP
#define TETHER_DETAIL_ROW_BUFFER_HPP

/// @file
/// The row sinks the datasource hands to connectors: a buffer that also lets include walk the rows it holds,
/// and the buffer of shared rows that relation loads and include fill (each row its own std::shared_ptr, so
/// rows that share a target share one object).

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include <tether/connector.hpp>
#include <tether/model_info.hpp>

namespace tether::detail {

/// Rows of one model, one after the other or scattered (then through their addresses).
class row_range {
public:
  row_range(void* first, std::size_t count, std::size_t stride) noexcept
      : first_(static_cast<char*>(first)), count_(count), stride_(stride) {}
  row_range(void* const* rows, std::size_t count) noexcept : rows_(rows), count_(count) {}

  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  [[nodiscard]] void* operator[](std::size_t i) const noexcept {
    return rows_ != nullptr ? rows_[i] : first_ + i * stride_;
  }

private:
  char* first_ = nullptr;
  void* const* rows_ = nullptr;
  std::size_t count_;
  std::size_t stride_ = 0;
};

/// A row sink whose rows the datasource can walk once the connector is done with it (include links them).
class row_buffer : public row_sink {
public:
  [[nodiscard]] virtual std::size_t size() const noexcept = 0;
  /// The rows from index `first` on; valid until the next append.
  [[nodiscard]] virtual row_range rows_from(std::size_t first) noexcept = 0;
};

/// Rows of one model, each in a std::shared_ptr of its own: the answer of a relation load, and the targets of
/// an include.
class shared_buffer final : public row_buffer {
public:
  explicit shared_buffer(const model_info& m) noexcept : model_(m) {}

  void* append() override {
    rows_.push_back(model_.row().make_shared());
    addresses_.push_back(rows_.back().get());
    return addresses_.back();
  }
  void* append_copy(const void* row) override {
    void* made = append();
    model_.row().copy_assign(made, row);
    return made;
  }
  void reserve(std::size_t count) override {
    rows_.reserve(rows_.size() + count);
    addresses_.reserve(addresses_.size() + count);
  }
  [[nodiscard]] std::size_t size() const noexcept override { return rows_.size(); }
  [[nodiscard]] row_range rows_from(std::size_t first) noexcept override {
    return {addresses_.data() + first, addresses_.size() - first};
  }

  [[nodiscard]] std::vector<std::shared_ptr<void>>& shared() noexcept { return rows_; }

private:
  const model_info& model_;
  std::vector<std::shared_ptr<void>> rows_;
  std::vector<void*> addresses_;
};

}  // namespace tether::detail

#endif
