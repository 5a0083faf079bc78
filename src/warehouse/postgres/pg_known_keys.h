// The keys a final table may hold during a merge run, as 64-bit hashes: the
// keys it held when the run started plus every key the run has written.
//
// A key whose hash is not in the set is certainly not in the table (while the
// run holds the table against other writers), so its row can be COPYed
// straight in instead of going through INSERT … ON CONFLICT, which costs the
// server an extra index search and a speculative insertion per row (about
// twice a plain insert, measured). A hash collision only sends a new row the
// slower, always-correct way.
//
// Bounded: past kMaxKeys the set refuses to grow and the caller stops using
// it, so a merge's memory stays bounded whatever the table's size (at most
// 16 bytes per key slot: 64 MiB). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "catalog/event_spec.h"
#include "catalog/value.h"

namespace sluice {

class PgKnownKeys {
 public:
  static constexpr size_t kMaxKeys = size_t{1} << 22;

  enum class Outcome { kAdded, kPresent, kFull };
  Outcome Add(uint64_t hash);
  // Starts loading the slot `hash` will probe: a table of millions of keys
  // misses the cache on nearly every Add, and prefetching a few rows ahead
  // hides that wait (it was most of the merge's main thread, measured).
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[(hash == 0 ? 1 : hash) & (slots_.size() - 1)]);
  }
  size_t size() const { return size_; }

 private:
  void Grow();
  std::vector<uint64_t> slots_;  // 0: empty
  size_t size_ = 0;
};

// The hash of a key, the same from the merge's Values and from the server's
// binary form of text, varchar and bigint columns (KeyHashFromBinary).
class PgKeyHasher {
 public:
  explicit PgKeyHasher(const EventSpec& event);
  // Whether the server's key columns can be read back into the same hashes
  // (text, varchar, bigint); otherwise only an empty table's keys are known.
  bool ReadableFromServer() const { return readable_; }
  uint64_t FromRow(const Value* row, const std::string& arena) const;
  // One COPY (SELECT key columns …) TO STDOUT (FORMAT binary) row, in key
  // order; false when it is not one.
  bool FromBinaryRow(std::string_view copy_row, uint64_t* hash) const;

 private:
  std::vector<int> key_columns_;
  std::vector<bool> key_is_text_;
  bool readable_ = true;
};

}  // namespace sluice
