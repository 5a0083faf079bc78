// The CPU side of a merge: staging payloads in, deduplicated typed rows and
// merge errors out. Touches no database, so it runs on a worker thread while
// the previous chunk is being upserted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "catalog/event_spec.h"
#include "merge/chunk_deduper.h"
#include "merge/corrections.h"
#include "merge/event_id.h"
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
  int64_t excluded = 0;   // staging rows skipped: their event is excluded
  int64_t corrected = 0;  // staging rows read as their event's exception
};

// What a chunk is processed against. Everything is optional: a plain merge
// has corrections only.
struct ChunkScope {
  const Corrections* corrections = nullptr;
  // Only rows whose key (row_key.h) is in here are kept (a recompute).
  const std::unordered_set<std::string>* only_keys = nullptr;
  // Keeps only the merge errors of these staging rows (a recompute: the
  // other rows' errors were recorded when they were first merged).
  const std::unordered_set<int64_t>* keep_errors_of = nullptr;
};

class ChunkProcessor {
 public:
  explicit ChunkProcessor(const EventSpec& event)
      : event_(event), extractor_(WithIdColumns(event)), caster_(event), deduper_(event),
        keys_(event.KeyIndexes()), row_(event.columns.size()),
        first_delivery_only_(event.append_only() && !event.id.empty()) {}

  ProcessedChunk Process(const StagingChunk& chunk, const ChunkScope& scope);
  // Processes one payload (followed by simdjson's padding) outside a chunk,
  // as if it were staging row `seq`: an exception whose event never arrived.
  void ProcessOne(const std::string& padded, int64_t seq, const ChunkScope& scope, ProcessedChunk* out);

  ChunkProcessor(const ChunkProcessor&) = delete;
  ChunkProcessor& operator=(const ChunkProcessor&) = delete;

 private:
  void ProcessPayload(const char* payload, size_t length, size_t capacity, int64_t seq, const ChunkScope& scope,
                      ProcessedChunk* out);
  void CastRows(int64_t seq, const ChunkScope& scope, ProcessedChunk* out);

  const EventSpec& event_;
  PayloadExtractor extractor_;
  RowCaster caster_;
  ChunkDeduper deduper_;
  std::vector<int> keys_;
  std::string key_;
  std::vector<Value> row_;
  // An append-only type with an id keeps an event's first delivery whole:
  // the seq of each id's first delivery in this chunk.
  bool first_delivery_only_;
  std::unordered_map<std::string, int64_t> first_delivery_;
};

}  // namespace sluice
