// A batch of typed final-table rows of one event type, ready to upsert.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "catalog/value.h"

namespace sluice {

class RowBatch {
 public:
  explicit RowBatch(size_t width) : width_(width) {}

  size_t width() const { return width_; }
  size_t rows() const { return width_ == 0 ? 0 : values_.size() / width_; }
  bool empty() const { return values_.empty(); }

  // Adds a row of width() values whose text lives in `arena()`.
  void AddRow(const Value* row) { values_.insert(values_.end(), row, row + width_); }
  const Value* row(size_t i) const { return values_.data() + i * width_; }
  Value* mutable_row(size_t i) { return values_.data() + i * width_; }
  std::string& arena() { return arena_; }
  const std::string& arena() const { return arena_; }
  void Clear() {
    values_.clear();
    arena_.clear();
  }

 private:
  size_t width_;
  std::vector<Value> values_;
  std::string arena_;
};

}  // namespace sluice
