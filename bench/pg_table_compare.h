// Checks that two final tables on the same PostgreSQL server (sluice's and
// the SQL baseline's, in two schemas) hold the same rows: same count, and
// nothing left when either is taken away from the other (EXCEPT ALL).
#pragma once

#include <string>

#include "catalog/event_spec.h"
#include "pg_db.h"
#include "table_compare.h"

namespace sluice::bench {

// left_rows and right_rows are the counts; equal_rows counts the left rows
// that have an identical row on the right; differences names a few keys
// found on one side only.
Result<TableComparison> ComparePgTables(PgDb& db, const EventSpec& event, const std::string& left_schema,
                                        const std::string& right_schema);

}  // namespace sluice::bench
