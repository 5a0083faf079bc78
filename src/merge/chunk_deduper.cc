#include "merge/chunk_deduper.h"

#include <algorithm>
#include <functional>

#include "merge/row_key.h"

namespace sluice {

ChunkDeduper::ChunkDeduper(const EventSpec& event)
    : keys_(event.KeyIndexes()), version_(event.VersionIndex()), batch_(event.columns.size()),
      key_offsets_{0}, slots_(1024, 0) {}

void ChunkDeduper::Clear() {
  batch_.Clear();
  key_bytes_.clear();
  key_offsets_.assign(1, 0);
  std::fill(slots_.begin(), slots_.end(), 0);
}

void ChunkDeduper::EncodeKey(const std::vector<Value>& row) {
  key_.clear();
  AppendRowKey(row.data(), keys_, batch_.arena(), &key_);
}

void ChunkDeduper::Grow() {
  std::vector<uint32_t> bigger(slots_.size() * 2, 0);
  const size_t mask = bigger.size() - 1;
  for (size_t row = 0; row < batch_.rows(); ++row) {
    const std::string_view key(key_bytes_.data() + key_offsets_[row], key_offsets_[row + 1] - key_offsets_[row]);
    size_t i = std::hash<std::string_view>{}(key) & mask;
    while (bigger[i] != 0) i = (i + 1) & mask;
    bigger[i] = static_cast<uint32_t>(row + 1);
  }
  slots_.swap(bigger);
}

int64_t ChunkDeduper::Offer(const std::vector<Value>& row) {
  if (keys_.empty()) {  // an append-only log without id: every row stays
    batch_.AddRow(row.data());
    return 0;
  }
  EncodeKey(row);
  const size_t mask = slots_.size() - 1;
  size_t i = std::hash<std::string_view>{}(key_) & mask;
  for (; slots_[i] != 0; i = (i + 1) & mask) {
    const size_t kept_row = slots_[i] - 1;
    const std::string_view kept_key(key_bytes_.data() + key_offsets_[kept_row],
                                    key_offsets_[kept_row + 1] - key_offsets_[kept_row]);
    if (kept_key != key_) continue;
    Value* kept = batch_.mutable_row(kept_row);
    // Without a version (append-only) the first delivery stays.
    if (version_ >= 0 && CompareValues(row[static_cast<size_t>(version_)], kept[static_cast<size_t>(version_)],
                                       batch_.arena()) > 0)
      std::copy(row.begin(), row.end(), kept);
    return 1;
  }
  slots_[i] = static_cast<uint32_t>(batch_.rows() + 1);
  batch_.AddRow(row.data());
  key_bytes_ += key_;
  key_offsets_.push_back(static_cast<uint32_t>(key_bytes_.size()));
  if (batch_.rows() * 2 > slots_.size()) Grow();
  return 0;
}

}  // namespace sluice
