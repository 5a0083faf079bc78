// One merge run of one event type: everything new in its staging table into
// its final table (merge semantics 1-7), with the type's corrections.
//
// Staging rows are read in seq order in chunks; each chunk is extracted,
// corrected (exclusions skip an event, exceptions replace it), cast and
// reduced to one row per key (newest version; among equal versions the
// first to arrive), then upserted. When corrections changed since the last
// run, or a rebuild is asked for, the keys they touch are first recomputed
// from the history before the stream position (recompute.h). Upserts, merge
// errors, the recompute and the new stream position commit in one
// transaction at the end, so a crash at any point applies nothing, readers
// never see a half-done run, and the result does not depend on how staging
// rows are split into runs or chunks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "catalog/event_spec.h"
#include "merge/recompute.h"
#include "warehouse/backend.h"

namespace sluice {

struct MergeCounts {
  int64_t staging_rows = 0;  // staging rows read
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t stale = 0;      // lost to a newer (or equal, earlier) version
  int64_t filtered = 0;   // a key column was NULL
  int64_t rejected = 0;   // a value did not cast, or the version was NULL
  int64_t excluded = 0;   // staging rows whose event is excluded
  int64_t corrected = 0;  // staging rows read as their event's exception
  int64_t position = 0;   // stream position after the run
  // The recompute, when there was one (counted apart from the rows above).
  bool recomputed = false;
  int64_t recomputed_keys = -1;  // -1: every key (a whole rebuild)
  int64_t recomputed_rows = 0;   // rows written back
  int64_t replaced_errors = 0;   // merge errors of the selected rows, deleted and recorded again
};

struct MergeOptions {
  size_t chunk_rows = 5000;  // staging rows per chunk: bounds memory (two chunks are in flight)
  // A rebuild or replay: staging rows to recompute before the new ones are
  // merged (recompute.h).
  std::optional<RecomputeRequest> recompute;
  // Where landed files are, for a recompute whose history retention trimmed
  // from staging (trimmed_history.h); empty: such a recompute is refused.
  std::string data_dir;
};

Result<MergeCounts> RunMerge(Warehouse* warehouse, const EventSpec& event, const MergeOptions& options = {});

}  // namespace sluice
