// sluice dedupe: finds events delivered more than once and excludes the
// extra copies (the seed's remove_duplicates_by_event_id and
// add_duplicates_to_exclusions), recording why in sluice_exclusions.
//
//   - by id: deliveries with the same event id. The first delivery stays;
//     each later one is excluded on its own (its staging row), with a reason
//     that names the kept delivery.
//   - by columns: events with different ids whose values in the named
//     event-level columns are equal (one transaction sent twice under two
//     ids). The first (or last) to arrive stays; the others' ids are
//     excluded, with a reason that names the kept id.
// Events already excluded take no part, so a second run finds nothing new
// (idempotent). A dry run reports the same and changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "warehouse/backend.h"

namespace sluice {

struct DedupeRequest {
  std::vector<std::string> columns;  // empty: by id
  bool keep_last = false;            // by columns: keep the last to arrive instead of the first
  std::optional<std::string> since;  // only events that arrived at or after this time (--lookback)
  bool dry_run = false;
  std::string by;                    // who, for the audit trail
};

struct DuplicateSet {
  std::string kept;                  // the id (and delivery, by id) that stays
  std::vector<std::string> dropped;  // what is excluded
};

struct DedupeReport {
  int64_t events_read = 0;
  std::vector<DuplicateSet> sets;
  int64_t duplicates = 0;  // deliveries or events to exclude
  int64_t excluded = 0;    // newly excluded (0 on a dry run)
};

// InvalidArgument for a type without id, an unknown column or one that reads
// the flattened element.
Result<DedupeReport> Dedupe(Warehouse* warehouse, const EventSpec& event, const DedupeRequest& request);

}  // namespace sluice
