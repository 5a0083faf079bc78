// Checks that two final tables (sluice's and the SQL baseline's) hold the
// same rows: same count, and every row of one has a row with the same key
// and the same values in the other.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"

namespace sluice::bench {

struct TableComparison {
  int64_t left_rows = 0;
  int64_t right_rows = 0;
  int64_t equal_rows = 0;               // same key, every column equal (IS)
  std::vector<std::string> differences; // a few keys whose rows differ, for the report

  bool identical() const { return left_rows == right_rows && equal_rows == left_rows; }
};

Result<TableComparison> CompareFinalTables(const EventSpec& event, const std::string& left_db,
                                           const std::string& right_db);

}  // namespace sluice::bench
