#include "merge/staging_pass.h"

#include <array>
#include <future>
#include <memory>

#include <unordered_set>

#include "base/worker_thread.h"

namespace sluice {

namespace {

// The batch without the rows of events whose id is in the final table already.
Result<RowBatch> WithoutDeliveredEvents(MergeTransaction* txn, const EventSpec& event, const RowBatch& batch,
                                        int64_t* dropped) {
  const size_t id_column = static_cast<size_t>(event.ColumnIndex(kEventIdColumn));
  std::unordered_set<std::string_view> distinct;
  std::vector<std::string> ids;
  for (size_t r = 0; r < batch.rows(); ++r) {
    const std::string_view id = batch.row(r)[id_column].text(batch.arena());
    if (distinct.insert(id).second) ids.emplace_back(id);
  }
  ASSIGN_OR_RETURN(const auto delivered, txn->DeliveredEventIds(ids));
  RowBatch kept(batch.width());
  kept.arena() = batch.arena();  // the kept rows' text offsets stay valid
  for (size_t r = 0; r < batch.rows(); ++r) {
    if (delivered.count(std::string(batch.row(r)[id_column].text(batch.arena())))) ++*dropped;
    else kept.AddRow(batch.row(r));
  }
  return kept;
}

}  // namespace

Status ApplyChunk(MergeTransaction* txn, const EventSpec& event, ProcessedChunk processed, bool record_errors,
                  MergeCounts* counts) {
  counts->stale += processed.stale;
  counts->filtered += processed.filtered;
  counts->rejected += processed.rejected;
  counts->excluded += processed.excluded;
  counts->corrected += processed.corrected;
  const RowBatch* rows = processed.rows;
  RowBatch kept(0);
  if (!rows->empty() && event.append_only() && !event.id.empty()) {
    ASSIGN_OR_RETURN(kept, WithoutDeliveredEvents(txn, event, *rows, &counts->stale));
    rows = &kept;
  }
  if (!rows->empty()) {
    ASSIGN_OR_RETURN(UpsertCounts upserted, txn->Upsert(*rows));
    counts->inserted += upserted.inserted;
    counts->updated += upserted.updated;
    counts->stale += upserted.stale;
  }
  return record_errors ? txn->AddErrors(processed.errors) : Status::Ok();
}

// Two processors alternate, so a processed chunk stays valid while the next
// one is being processed.
Result<int64_t> MergeStagingRange(MergeTransaction* txn, const EventSpec& event, StagingRange range,
                                  const ChunkScope& scope, const MergeOptions& options, bool record_errors,
                                  MergeCounts* counts) {
  std::array<std::unique_ptr<ChunkProcessor>, 2> processors = {std::make_unique<ChunkProcessor>(event),
                                                                std::make_unique<ChunkProcessor>(event)};
  std::array<StagingChunk, 2> chunks;
  std::future<ProcessedChunk> pending;
  WorkerThread worker("merge-cast");  // declared last: joins before the chunks it reads are destroyed
  int64_t position = range.after;
  bool at_end = false;

  for (size_t k = 0;; ++k) {
    StagingChunk& chunk = chunks[k % 2];
    chunk.Clear();
    size_t read = 0;
    if (!at_end) {
      RETURN_IF_ERROR(txn->ReadStaging(position, options.chunk_rows, [&](int64_t seq, std::string_view payload) {
        ++read;
        if (seq <= range.through) chunk.Add(seq, payload);
      }));
      at_end = read < options.chunk_rows || chunk.size() < read;
    }
    std::future<ProcessedChunk> next;
    if (!chunk.empty()) {
      position = chunk.last_seq();
      counts->staging_rows += static_cast<int64_t>(chunk.size());
      ChunkProcessor* processor = processors[k % 2].get();
      next = worker.Submit([processor, &chunk, &scope] { return processor->Process(chunk, scope); });
    }
    if (pending.valid()) {
      Status st = ApplyChunk(txn, event, pending.get(), record_errors, counts);
      if (!st.ok()) return st;  // the worker finishes `next` before it is destroyed
    }
    pending = std::move(next);
    if (!pending.valid()) break;
    if (at_end) {
      RETURN_IF_ERROR(ApplyChunk(txn, event, pending.get(), record_errors, counts));
      break;
    }
  }
  return position;
}

Result<int64_t> MergeHistoryRange(MergeTransaction* txn, const EventSpec& event, StagingRange range, bool from_start,
                                  const ChunkScope& scope, const MergeOptions& options, bool record_errors,
                                  MergeCounts* counts) {
  int64_t position = range.after;
  if (scope.corrections != nullptr) {
    const auto& backfills = scope.corrections->backfills;
    for (auto it = backfills.lower_bound(from_start ? range.after : range.after + 1);
         it != backfills.end() && it->first <= range.through; ++it) {
      if (it->first > position) {
        ASSIGN_OR_RETURN(position, MergeStagingRange(txn, event, StagingRange{position, it->first}, scope, options,
                                                     record_errors, counts));
      }
      ChunkProcessor processor(event);
      ProcessedChunk backfilled;
      for (const auto& id : it->second)
        if (!scope.corrections->excluded.count(id))
          processor.ProcessOne(scope.corrections->replaced.at(id), 0, scope, &backfilled);
      if (backfilled.rows != nullptr) RETURN_IF_ERROR(ApplyChunk(txn, event, std::move(backfilled), record_errors, counts));
    }
  }
  return MergeStagingRange(txn, event, StagingRange{position, range.through}, scope, options, record_errors, counts);
}

}  // namespace sluice
