// The corrections of one event type, as a merge applies them: what
// `sluice exceptions` and `sluice exclusions` stored (sluice_exceptions,
// sluice_exclusions), and which event ids changed since the type's last
// merge (sluice_corrections_pending).
//
// The final table shows (original events ∪ exceptions) − exclusions:
//   - an excluded id's deliveries are skipped, and so is an excluded single
//     delivery (a duplicate that dedupe found);
//   - an id with an exception has its deliveries replaced by the corrected
//     copy, at the original's place in arrival order; an exception whose
//     event had not arrived when it was added (a backfill) also arrives on
//     its own, right after the staging row that was the newest then
//     (`arrived_after`), so it has one place in arrival order, which every
//     merge and rebuild gives it;
//   - an exclusion outranks an exception of the same id.
// Corrections are few (they are made by hand or by dedupe), so they are held
// in memory for the run.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "warehouse/merge_transaction.h"

namespace sluice {

struct Corrections {
  std::unordered_set<std::string> excluded;                // ids: every delivery
  std::unordered_set<int64_t> excluded_seqs;               // single deliveries (staging seq), as dedupe excludes them
  std::unordered_set<std::string> excluded_deliveries;     // the same, as LANDED_AS:LINE (for trimmed history)
  std::unordered_map<std::string, std::string> replaced;   // id → corrected payload, followed by simdjson's padding
  std::map<int64_t, std::vector<std::string>> backfills;   // arrived_after → ids, in the order they were added
  // Ids whose corrections changed since the last merge, through change
  // number `pending_through`, with the payloads of their exceptions (current
  // and removed): their keys, as well as the originals', are recomputed.
  std::unordered_set<std::string> pending;
  std::vector<std::string> pending_payloads;  // padded like `replaced`
  int64_t pending_through = 0;

  bool Applies() const { return !excluded.empty() || !excluded_seqs.empty() || !replaced.empty(); }
  bool ExcludesDelivery(const std::string& landed_as, int64_t line) const;
  // The corrected payload of `id` (without padding), or nullptr.
  const std::string* Replacement(const std::string& id) const;
};

// Reads the event type's corrections (none for a type without `id:`) inside
// the merge transaction, so that no other merge of the type can apply and
// forget pending changes in between.
Result<Corrections> LoadCorrections(MergeTransaction* txn, const EventSpec& event);


// A payload followed by simdjson's padding, as the extractor needs it.
std::string Padded(std::string_view payload);
size_t UnpaddedSize(const std::string& padded);

}  // namespace sluice
