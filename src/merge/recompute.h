// Recomputing final rows from the history: what makes a correction, a
// rebuild or a replay take effect without hand-written SQL.
//
// The history is the staging rows up to the stream position. A recompute
// selects staging rows — every row (a whole rebuild), the rows that arrived
// in a window, the rows of given event ids, the rows the merge rejected, and
// always the rows of events whose corrections changed — and recomputes the
// keys they yield (both the original's and its exception's, so a correction
// that moves an event to another key fixes both): it deletes those keys'
// final rows and merges the history again for those keys only, with the
// current catalog and corrections (backfilled exceptions at their place).
// The selected rows' merge errors are replaced by the ones
// they give now. Everything happens inside the caller's merge transaction,
// so readers see the old rows until it commits, and running it twice gives
// the same table (idempotent).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>

#include "catalog/event_spec.h"
#include "merge/corrections.h"
#include "warehouse/backend.h"

namespace sluice {

struct MergeCounts;
struct MergeOptions;

// Which staging rows a rebuild or replay selects; several criteria combine
// with AND. Times are as sluice stores them (FormatTimestamp), compared with
// the rows' loaded_at.
struct RecomputeRequest {
  bool every_row = false;            // all of them (sluice rebuild)
  std::optional<std::string> from;   // arrived at or after
  std::optional<std::string> to;     // arrived before
  std::unordered_set<std::string> ids;
  bool rejected = false;             // only rows with merge errors
};

Status Recompute(MergeTransaction* txn, const EventSpec& event, const Corrections& corrections, int64_t position,
                 const MergeOptions& options, MergeCounts* counts);

}  // namespace sluice
