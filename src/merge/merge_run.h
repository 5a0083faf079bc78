// One merge run of one event type: everything new in its staging table into
// its final table (merge semantics 1-7).
//
// Staging rows are read in seq order in chunks; each chunk is extracted,
// cast and reduced to one row per key (newest version; among equal versions
// the first to arrive), then upserted. Upserts, merge errors and the new
// stream position commit in one transaction at the end, so a crash at any
// point applies nothing, and the result does not depend on how staging rows
// are split into runs or chunks.
#pragma once

#include <cstdint>
#include <string>

#include "catalog/event_spec.h"
#include "warehouse/backend.h"

namespace sluice {

struct MergeCounts {
  int64_t staging_rows = 0;  // staging rows read
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t stale = 0;     // lost to a newer (or equal, earlier) version
  int64_t filtered = 0;  // a key column was NULL
  int64_t rejected = 0;  // a value did not cast, or the version was NULL
  int64_t position = 0;  // stream position after the run
};

struct MergeOptions {
  size_t chunk_rows = 5000;  // staging rows per chunk: bounds memory (two chunks are in flight)
};

Result<MergeCounts> RunMerge(Warehouse* warehouse, const EventSpec& event, const MergeOptions& options = {});

}  // namespace sluice
