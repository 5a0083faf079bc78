// One pass of a merge over a range of staging rows: read in seq order in
// chunks, processed (extract, correct, cast, dedupe) on a worker thread while
// the calling thread upserts the chunk before, applied strictly in seq order
// so the result equals a sequential merge. Used by the plain merge (the rows
// after the stream position) and by the recompute (the history before it).
#pragma once

#include <cstdint>
#include <limits>

#include "merge/chunk_processor.h"
#include "merge/merge_run.h"

namespace sluice {

struct StagingRange {
  int64_t after = 0;                                  // rows with seq > after
  int64_t through = std::numeric_limits<int64_t>::max();  // … and seq <= through
};

// Merges the range's rows into the final table through `txn`, adding to
// *counts. `record_errors` false drops the merge errors (a recompute meets
// rows whose errors were recorded when they were first merged). Returns the
// last seq read, or range.after when there was none.
Result<int64_t> MergeStagingRange(MergeTransaction* txn, const EventSpec& event, StagingRange range,
                                  const ChunkScope& scope, const MergeOptions& options, bool record_errors,
                                  MergeCounts* counts);

// MergeStagingRange, with the backfilled exceptions (Corrections::backfills)
// merged at their place: those that arrived after a staging row in the
// range — or, with `from_start`, exactly at range.after too — right after it.
Result<int64_t> MergeHistoryRange(MergeTransaction* txn, const EventSpec& event, StagingRange range, bool from_start,
                                  const ChunkScope& scope, const MergeOptions& options, bool record_errors,
                                  MergeCounts* counts);

// Upserts a processed chunk and records its errors, adding to *counts. For
// an append-only type with an id, rows of events already in the final table
// are dropped first: an earlier delivery of the id won, whole.
Status ApplyChunk(MergeTransaction* txn, const EventSpec& event, ProcessedChunk processed, bool record_errors,
                  MergeCounts* counts);

}  // namespace sluice
