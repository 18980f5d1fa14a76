#ifndef TETHER_DETAIL_ROW_BUFFER_HPP
#define TETHER_DETAIL_ROW_BUFFER_HPP

/// @file
/// The row sinks the datasource hands to connectors: a buffer that also lets include walk the rows it holds,
/// and the buffer of shared rows that relation loads and include fill (each row its own std::shared_ptr, so
/// rows that share a target share one object).

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
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

/// Rows of one model in blocks that never move, made and destroyed through the model's row_ops: the flat result
/// of a has_many include, read once and then moved row by row into each parent's vector.
class block_buffer final : public row_buffer {
public:
  explicit block_buffer(const model_info& m) noexcept : model_(m) {}
  block_buffer(const block_buffer&) = delete;
  block_buffer& operator=(const block_buffer&) = delete;
  ~block_buffer() override {
    const row_ops& ops = model_.row();
    for (void* row : addresses_) ops.destroy(row);
    for (const auto& b : blocks_) ::operator delete(b.first, std::align_val_t(ops.align));
  }

  void* append() override {
    void* at = room();
    model_.row().construct(at);
    return added(at);
  }
  void* append_copy(const void* row) override {
    void* at = room();
    model_.row().copy_construct(at, row);
    return added(at);
  }
  void reserve(std::size_t count) override {
    addresses_.reserve(addresses_.size() + count);
    if (free_ < count) add_block(count);
  }
  [[nodiscard]] std::size_t size() const noexcept override { return addresses_.size(); }
  [[nodiscard]] row_range rows_from(std::size_t first) noexcept override {
    return {addresses_.data() + first, addresses_.size() - first};
  }

private:
  static constexpr std::size_t first_block = 64;

  void add_block(std::size_t at_least) {
    const std::size_t rows = std::max({at_least, first_block, addresses_.size()});
    auto* block = static_cast<char*>(::operator new(rows * model_.row().size, std::align_val_t(model_.row().align)));
    blocks_.emplace_back(block, rows);
    next_ = block;
    free_ = rows;
  }
  /// Where the next row goes (constructed there by the caller); room for its address too, so that taking it
  /// cannot fail once the row is made.
  void* room() {
    if (addresses_.size() == addresses_.capacity()) addresses_.reserve(std::max(first_block, 2 * addresses_.size()));
    if (free_ == 0) add_block(1);
    return next_;
  }
  /// Takes the row just constructed at `at`.
  void* added(void* at) noexcept {
    addresses_.push_back(at);
    next_ += model_.row().size;
    --free_;
    return at;
  }

  const model_info& model_;
  std::vector<std::pair<void*, std::size_t>> blocks_;  ///< each block and its capacity in rows
  std::vector<void*> addresses_;
  char* next_ = nullptr;
  std::size_t free_ = 0;
};

}  // namespace tether::detail

#endif
