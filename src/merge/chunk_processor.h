// The CPU side of a merge: staging payloads in, deduplicated typed rows and
// merge errors out. Touches no database, so it runs on a worker thread while
// the previous chunk is being upserted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/event_spec.h"
#include "merge/chunk_deduper.h"
#include "merge/payload_extractor.h"
#include "merge/row_caster.h"
#include "warehouse/backend.h"

namespace sluice {

// Staging rows copied out of the warehouse, each payload followed by
// simdjson's padding.
class StagingChunk {
 public:
  void Add(int64_t seq, std::string_view payload);
  // Empties the chunk but keeps its buffers: the next chunk of a run reuses
  // them instead of faulting in megabytes of fresh pages.
  void Clear() {
    seqs_.clear();
    offsets_.clear();
    lengths_.clear();
    bytes_.clear();
  }
  size_t size() const { return seqs_.size(); }
  bool empty() const { return seqs_.empty(); }
  int64_t seq(size_t i) const { return seqs_[i]; }
  int64_t last_seq() const { return seqs_.back(); }
  const char* payload(size_t i) const { return bytes_.data() + offsets_[i]; }
  size_t payload_length(size_t i) const { return lengths_[i]; }
  // Readable bytes from payload(i) to the end of the buffer.
  size_t capacity(size_t i) const { return bytes_.size() - offsets_[i]; }

 private:
  std::vector<int64_t> seqs_;
  std::vector<size_t> offsets_;
  std::vector<size_t> lengths_;
  std::string bytes_;
};

struct ProcessedChunk {
  const RowBatch* rows = nullptr;  // owned by the processor; valid until its next Process
  std::vector<MergeError> errors;
  int64_t stale = 0;
  int64_t filtered = 0;
  int64_t rejected = 0;
};

class ChunkProcessor {
 public:
  explicit ChunkProcessor(const EventSpec& event)
      : extractor_(event), caster_(event), deduper_(event), row_(event.columns.size()) {}

  ProcessedChunk Process(const StagingChunk& chunk);

 private:
  PayloadExtractor extractor_;
  RowCaster caster_;
  ChunkDeduper deduper_;
  std::vector<Value> row_;
};

}  // namespace sluice
