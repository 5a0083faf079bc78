// sluice_exceptions and sluice_exclusions: the corrections of an event
// type, added and removed by hand (the CLI) or by dedupe.
//
// Every change is a row that says who, when and why; removing a correction
// marks its row removed (by whom, when, why) rather than deleting it, so the
// tables are the audit trail. At most one exception and one exclusion per
// event id is in force. Each change also queues its event id in
// sluice_corrections_pending, in the same transaction, so the next merge of
// the type recomputes the keys it touches (merge/recompute.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "warehouse/backend.h"

namespace sluice {

enum class CorrectionKind { kException, kExclusion };

// The table of a kind: sluice_exceptions or sluice_exclusions.
const char* CorrectionTable(CorrectionKind kind);

struct CorrectionNote {
  std::string by;      // who
  std::string reason;  // why
};

struct CorrectedEvent {
  std::string id;
  std::string payload;
  // Set for a backfill (an event not delivered): the staging seq it counts
  // as arriving after (see merge/corrections.h).
  std::optional<int64_t> arrived_after;
};

// An event excluded: every delivery of its id, or (with `seq`) one
// delivery only, a duplicate that dedupe found.
struct Exclusion {
  std::string id;
  std::optional<int64_t> seq;  // the delivery's staging row
  std::string delivery;        // the delivery's LANDED_AS:LINE
  std::string reason;
};

class CorrectionStore {
 public:
  CorrectionStore(Warehouse* warehouse, const EventSpec& event) : warehouse_(warehouse), event_(event) {}

  // Stores each event as the exception of its id, replacing the one in force.
  Status AddExceptions(const std::vector<CorrectedEvent>& events, const CorrectionNote& note);
  // Excludes events or deliveries; returns how many were not excluded already.
  Result<int64_t> AddExclusions(const std::vector<Exclusion>& exclusions, const std::string& by);
  // Ends the corrections in force for `ids` (for exclusions, of every
  // delivery too); NotFound (and nothing changes) when an id has none.
  Status Remove(CorrectionKind kind, const std::vector<std::string>& ids, const CorrectionNote& note);

  // The ids among all of the type's that have a correction of `kind` in
  // force (for exclusions: of the whole event).
  Result<std::unordered_set<std::string>> InForce(CorrectionKind kind);
  // The staging seqs of the single deliveries excluded.
  Result<std::unordered_set<int64_t>> ExcludedSeqs();
  // The exception in force for `id`, if any (its payload and arrival).
  Result<std::optional<CorrectedEvent>> Exception(const std::string& id);
  // Where an event arriving now stands in arrival order: the newest staging
  // seq, or the stream position when staging is empty.
  Result<int64_t> ArrivalNow();

 private:
  // Runs the statements in one transaction.
  Status Apply(const std::vector<std::string>& statements);
  std::string Pending(const std::string& id) const;

  Warehouse* warehouse_;
  const EventSpec& event_;
};

}  // namespace sluice
