#include "merge/chunk_deduper.h"

#include <algorithm>
#include <functional>

namespace sluice {

ChunkDeduper::ChunkDeduper(const EventSpec& event)
    : keys_(event.KeyIndexes()), version_(static_cast<size_t>(event.VersionIndex())), batch_(event.columns.size()),
      key_offsets_{0}, slots_(1024, 0) {}

void ChunkDeduper::Clear() {
  batch_.Clear();
  key_bytes_.clear();
  key_offsets_.assign(1, 0);
  std::fill(slots_.begin(), slots_.end(), 0);
}

void ChunkDeduper::EncodeKey(const std::vector<Value>& row) {
  key_.clear();
  for (int k : keys_) {
    const Value& v = row[static_cast<size_t>(k)];
    key_.push_back(static_cast<char>(v.kind));
    if (v.kind == Value::Kind::kText) {
      const std::string_view t = v.text(batch_.arena());
      const uint32_t n = static_cast<uint32_t>(t.size());
      key_.append(reinterpret_cast<const char*>(&n), sizeof n).append(t);
    } else if (v.kind == Value::Kind::kInt) {
      key_.append(reinterpret_cast<const char*>(&v.int_value), sizeof v.int_value);
    } else {
      key_.append(reinterpret_cast<const char*>(&v.real_value), sizeof v.real_value);
    }
  }
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
  EncodeKey(row);
  const size_t mask = slots_.size() - 1;
  size_t i = std::hash<std::string_view>{}(key_) & mask;
  for (; slots_[i] != 0; i = (i + 1) & mask) {
    const size_t kept_row = slots_[i] - 1;
    const std::string_view kept_key(key_bytes_.data() + key_offsets_[kept_row],
                                    key_offsets_[kept_row + 1] - key_offsets_[kept_row]);
    if (kept_key != key_) continue;
    Value* kept = batch_.mutable_row(kept_row);
    if (CompareValues(row[version_], kept[version_], batch_.arena()) > 0) std::copy(row.begin(), row.end(), kept);
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
