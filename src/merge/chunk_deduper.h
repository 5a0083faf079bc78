// Reduces a chunk of cast rows to one row per key: the newest version, and
// among equal versions the one offered first (rows are offered in arrival
// order, so "first" is "first to arrive"). An append-only type keeps the
// first row of each key (no version), or every row (no key).
//
// Allocation-free per row in the steady state: keys are encoded into a
// reusable byte buffer and indexed by an open-addressing table, both cleared
// (not freed) between chunks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/event_spec.h"
#include "warehouse/row_batch.h"

namespace sluice {

class ChunkDeduper {
 public:
  explicit ChunkDeduper(const EventSpec& event);

  // Offers a cast row whose text lives in batch().arena(). Returns the number
  // of rows it made stale: 0 for a new key, else 1 (itself or the row it replaced).
  int64_t Offer(const std::vector<Value>& row);

  RowBatch& batch() { return batch_; }
  void Clear();

 private:
  void EncodeKey(const std::vector<Value>& row);
  void Grow();

  std::vector<int> keys_;
  int version_;  // -1: none (append-only)
  RowBatch batch_;
  std::string key_;                    // the key being offered
  std::string key_bytes_;              // keys of the rows in the batch, back to back
  std::vector<uint32_t> key_offsets_;  // row i's key is key_bytes_[key_offsets_[i], key_offsets_[i+1])
  std::vector<uint32_t> slots_;        // row index + 1; 0 is empty
};

}  // namespace sluice
