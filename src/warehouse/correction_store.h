// sluice_exceptions and sluice_exclusions: the corrections of the event
// types, added and removed by hand (the CLI) or by dedupe.
//
// Every change is a row that says who, when and why; removing a correction
// marks its row removed (by whom, when, why) rather than deleting it, so the
// tables are the audit trail. At most one exception and one exclusion per
// event id is in force. Each change also queues its event id in
// sluice_corrections_pending, in the same transaction, so the next merge of
// the type recomputes the keys it touches (merge/recompute.h).
//
// Obtained from Warehouse::corrections(); used from one thread at a time,
// like the warehouse it belongs to. Each change is one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"

namespace sluice {

class QuerySink;

enum class CorrectionKind { kException, kExclusion };

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
  virtual ~CorrectionStore() = default;

  // Stores each event as the exception of its id, replacing the one in force.
  virtual Status AddExceptions(const EventSpec& event, const std::vector<CorrectedEvent>& events,
                               const CorrectionNote& note) = 0;
  // Excludes events or deliveries not excluded already (an exclusion listed
  // twice counts once); returns how many were new.
  virtual Result<int64_t> AddExclusions(const EventSpec& event, const std::vector<Exclusion>& exclusions,
                                        const std::string& by) = 0;
  // Ends the corrections in force for `ids` (for exclusions, of every
  // delivery too); NotFound naming the ids (and nothing changes) when an id
  // has none.
  virtual Status Remove(const EventSpec& event, CorrectionKind kind, const std::vector<std::string>& ids,
                        const CorrectionNote& note) = 0;

  // The ids with an exception in force, or with the whole event excluded
  // (not a single delivery).
  virtual Result<std::unordered_set<std::string>> InForce(const EventSpec& event, CorrectionKind kind) = 0;
  // The staging seqs of the single deliveries excluded.
  virtual Result<std::unordered_set<int64_t>> ExcludedSeqs(const EventSpec& event) = 0;
  // The exception in force for `id`, if any (its payload and arrival).
  virtual Result<std::optional<CorrectedEvent>> Exception(const EventSpec& event, const std::string& id) = 0;

  // Writes the corrections of `kind` to `sink`, oldest first: of one event
  // type (all when `event_type` is empty), with the removed ones (who, when,
  // why) when `include_removed`. Times are written as sluice stores them
  // everywhere (six fraction digits).
  virtual Status List(CorrectionKind kind, const std::string& event_type, bool include_removed,
                      QuerySink* sink) = 0;
};

}  // namespace sluice
