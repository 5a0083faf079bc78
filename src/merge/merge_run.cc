#include "merge/merge_run.h"

#include "merge/corrections.h"
#include "merge/staging_pass.h"

namespace sluice {

Result<MergeCounts> RunMerge(Warehouse* warehouse, const EventSpec& event, const MergeOptions& options) {
  ASSIGN_OR_RETURN(auto txn, warehouse->BeginMerge(event));
  ASSIGN_OR_RETURN(Corrections corrections, LoadCorrections(txn.get(), event));
  ASSIGN_OR_RETURN(int64_t position, txn->Position());

  MergeCounts counts;
  if (options.recompute || !corrections.pending.empty())
    RETURN_IF_ERROR(Recompute(txn.get(), event, corrections, position, options, &counts));

  ChunkScope scope;
  scope.corrections = &corrections;
  ASSIGN_OR_RETURN(position, MergeHistoryRange(txn.get(), event, StagingRange{position}, /*from_start=*/false, scope,
                                               options, /*record_errors=*/true, &counts));
  RETURN_IF_ERROR(txn->ForgetPendingCorrections(corrections.pending_through));
  ASSIGN_OR_RETURN(UpsertCounts at_commit, txn->Commit(position));
  counts.inserted += at_commit.inserted;
  counts.updated += at_commit.updated;
  counts.stale += at_commit.stale;
  counts.position = position;
  return counts;
}

}  // namespace sluice
