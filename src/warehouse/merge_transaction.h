// One merge run of an event type: the upserts, the merge errors, the
// corrections' bookkeeping and the stream position commit together, in one
// transaction; only one run per event type is open at a time (a second one
// waits). The history reads below see the run's own writes. Destroying an
// uncommitted run rolls it back, which also makes a run a consistent read of
// the type's history (corrections and dedupe read through one they never
// commit).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "warehouse/row_batch.h"

namespace sluice {

struct MergeError {
  int64_t seq = 0;
  std::optional<int64_t> item_index;  // element of the flattened array
  std::string column;
  std::optional<std::string> value;
  std::string error;
};

struct UpsertCounts {
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t stale = 0;  // lost to a stored row with a newer or equal version
};

// The type's corrections in force, and the ones changed since its last
// merge, as stored (merge/corrections.h gives them their meaning).
struct StoredCorrections {
  struct Exclusion {
    std::string id;
    std::optional<int64_t> seq;           // one delivery; nullopt: every delivery of the id
    std::optional<std::string> delivery;  // that delivery's LANDED_AS:LINE
  };
  struct Exception {
    std::string id;
    std::string payload;
    std::optional<int64_t> arrived_after;  // a backfill's place in arrival order
  };
  std::vector<Exclusion> exclusions;
  std::vector<Exception> exceptions;  // oldest first
  // The changes queued through change number `pending_through` (0: none):
  // the ids they touch, and the payloads of those ids' exceptions, current
  // and removed.
  int64_t pending_through = 0;
  std::vector<std::string> pending_ids;
  std::vector<std::string> pending_payloads;
};

// The text of a final-table key's columns, in key order.
using KeyValues = std::vector<std::string>;

class MergeTransaction {
 public:
  virtual ~MergeTransaction() = default;
  // The seq of the last staging row merged (0 before the first merge).
  virtual Result<int64_t> Position() = 0;
  // Calls `row` for staging rows with seq > after_seq in seq order, at most
  // `limit`. The payload is valid only during the call.
  virtual Status ReadStaging(int64_t after_seq, size_t limit,
                             const std::function<void(int64_t seq, std::string_view payload)>& row) = 0;
  // Inserts rows with new keys; replaces stored rows whose version is strictly
  // older. The batch holds at most one row per key; among batches of a run,
  // a later batch's row wins a version tie only if it is newer. A backend
  // may apply the rows later (counting them at Flush or Commit), but always
  // before any later operation of the run reads or changes the table.
  virtual Result<UpsertCounts> Upsert(const RowBatch& batch) = 0;
  // Applies what Upsert queued; returns the counts Upsert could not report.
  virtual Result<UpsertCounts> Flush() { return UpsertCounts{}; }
  virtual Status AddErrors(const std::vector<MergeError>& errors) = 0;
  // Moves the stream position to `position` and commits the run; returns the
  // counts of rows applied at commit (none for a backend that applies in Upsert).
  virtual Result<UpsertCounts> Commit(int64_t position) = 0;

  // --- Corrections (the pending changes are read first, so that a change
  // committed before the run is also in the corrections read after it).
  virtual Result<StoredCorrections> ReadCorrections() = 0;
  // Forgets the pending changes through change number `through`.
  virtual Status ForgetPendingCorrections(int64_t through) = 0;

  // --- The type's history.
  // The landed files (relative to data_dir) loaded for the type with rows,
  // none of which is in staging any more (retention trimmed them), oldest
  // load first.
  virtual Result<std::vector<std::string>> TrimmedFiles() = 0;
  // The first staging seq loaded at or after `time` (as FormatTimestamp
  // writes it); nullopt when none.
  virtual Result<std::optional<int64_t>> FirstSeqLoadedSince(const std::string& time) = 0;
  // The last staging seq loaded before `time`; nullopt when none.
  virtual Result<std::optional<int64_t>> LastSeqLoadedBefore(const std::string& time) = 0;
  // The first seq staging still holds; nullopt when it is empty.
  virtual Result<std::optional<int64_t>> FirstStagingSeq() = 0;
  // Where the staging row `seq` came from, LANDED_AS:LINE; empty when there is no such row.
  virtual Result<std::string> DeliveryOf(int64_t seq) = 0;
  // The staging seqs at or before `through` that have merge errors.
  virtual Result<std::unordered_set<int64_t>> SeqsWithErrors(int64_t through) = 0;

  // --- The final table.
  // Which of `ids` have rows in the final table (its sluice_event_id column).
  virtual Result<std::unordered_set<std::string>> DeliveredEventIds(const std::vector<std::string>& ids) = 0;
  // Deletes the final rows with these keys.
  virtual Status DeleteKeys(const std::vector<KeyValues>& keys) = 0;
  virtual Status DeleteAllRows() = 0;
  // Deletes the merge errors of these staging rows.
  virtual Status DeleteErrorsOf(const std::unordered_set<int64_t>& seqs) = 0;
  // Deletes the merge errors of staging rows first..last; returns how many.
  virtual Result<int64_t> DeleteErrorsBetween(int64_t first, int64_t last) = 0;
};

}  // namespace sluice
