#include "merge/merge_run.h"

#include <array>
#include <future>
#include <memory>

#include "base/worker_thread.h"
#include "merge/chunk_processor.h"

namespace sluice {

// A two-stage pipeline: the calling thread reads staging chunks and upserts
// processed ones (every warehouse call stays on one thread); a worker
// extracts, casts and deduplicates the next chunk meanwhile. Chunks are
// applied strictly in seq order, so the result equals a sequential merge.
// Two processors alternate, so a processed chunk stays valid while the next
// one is being processed.
Result<MergeCounts> RunMerge(Warehouse* warehouse, const EventSpec& event, const MergeOptions& options) {
  ASSIGN_OR_RETURN(auto txn, warehouse->BeginMerge(event));
  ASSIGN_OR_RETURN(int64_t position, txn->Position());

  MergeCounts counts;
  std::array<std::unique_ptr<ChunkProcessor>, 2> processors = {std::make_unique<ChunkProcessor>(event),
                                                                std::make_unique<ChunkProcessor>(event)};
  std::array<StagingChunk, 2> chunks;
  std::future<ProcessedChunk> pending;
  WorkerThread worker;  // declared last: joins before the chunks it reads are destroyed

  const auto apply = [&](ProcessedChunk processed) -> Status {
    counts.stale += processed.stale;
    counts.filtered += processed.filtered;
    counts.rejected += processed.rejected;
    if (!processed.rows->empty()) {
      ASSIGN_OR_RETURN(UpsertCounts upserted, txn->Upsert(*processed.rows));
      counts.inserted += upserted.inserted;
      counts.updated += upserted.updated;
      counts.stale += upserted.stale;
    }
    return txn->AddErrors(processed.errors);
  };

  for (size_t k = 0;; ++k) {
    StagingChunk& chunk = chunks[k % 2];
    chunk.Clear();
    RETURN_IF_ERROR(txn->ReadStaging(position, options.chunk_rows,
                                     [&](int64_t seq, std::string_view payload) { chunk.Add(seq, payload); }));
    std::future<ProcessedChunk> next;
    if (!chunk.empty()) {
      position = chunk.last_seq();
      counts.staging_rows += static_cast<int64_t>(chunk.size());
      ChunkProcessor* processor = processors[k % 2].get();
      next = worker.Submit([processor, &chunk] { return processor->Process(chunk); });
    }
    if (pending.valid()) {
      Status st = apply(pending.get());
      if (!st.ok()) return st;  // the worker finishes `next` before it is destroyed
    }
    pending = std::move(next);
    if (!pending.valid()) break;
    if (chunk.size() < options.chunk_rows) {
      RETURN_IF_ERROR(apply(pending.get()));
      break;
    }
  }
  ASSIGN_OR_RETURN(UpsertCounts at_commit, txn->Commit(position));
  counts.inserted += at_commit.inserted;
  counts.updated += at_commit.updated;
  counts.stale += at_commit.stale;
  counts.position = position;
  return counts;
}

}  // namespace sluice
