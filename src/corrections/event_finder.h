// Finds the deliveries of events by id in an event type's staging table:
// what corrections check an id against, and what `--set` edits.
//
// It reads the whole history inside a merge transaction it rolls back, so it
// waits for a running merge of the type and sees a consistent history: the
// landed files whose staging rows retention deleted (from `data_dir`), then
// every staging row, merged or not.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "warehouse/backend.h"

namespace sluice {

struct Deliveries {
  std::string first_payload;  // the first delivery, as stored
  int64_t count = 0;
};

// The deliveries of the events whose ids are in `ids` (an id that was never
// delivered is absent), and how many staging rows were read.
struct FoundEvents {
  std::unordered_map<std::string, Deliveries> by_id;
  int64_t staging_rows = 0;  // rows read, trimmed history included
};

Result<FoundEvents> FindEvents(Warehouse* warehouse, const std::string& data_dir, const EventSpec& event,
                               const std::unordered_set<std::string>& ids);

}  // namespace sluice
