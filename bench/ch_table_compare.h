// Checks that sluice's final table on ClickHouse (the view named as the
// catalog's table) holds the same rows as its final table on SQLite: both
// read in key order and walked side by side, row for row. Text columns must
// be equal byte for byte; number(p,s) columns compare as numbers at their
// scale (ClickHouse prints 5.00 where SQLite's REAL prints 5.0), floats and
// integers as numbers.
#pragma once

#include <string>

#include "catalog/event_spec.h"
#include "ch_db.h"
#include "table_compare.h"

namespace sluice::bench {

// left: ClickHouse (`database`.`event.table` through `db`), right: the
// SQLite database at `sqlite_path`. equal_rows counts keys on both sides
// whose rows are equal; differences names a few keys that differ or are on
// one side only.
Result<TableComparison> CompareChWithSqlite(ChDb& db, const std::string& database, const EventSpec& event,
                                            const std::string& sqlite_path);

}  // namespace sluice::bench
