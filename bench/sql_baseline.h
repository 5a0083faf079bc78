// The seed's way on SQLite, as the baseline sluice is measured against.
//
// Load is what Snowpipe's COPY does: every NDJSON line into a one-column
// staging table `stg(payload TEXT)`, one transaction, one prepared INSERT.
// Merge is the seed's merge task as ONE SQL statement: flatten EntryList with
// json_each, extract and cast every column with json_extract, keep the newest
// version per key with ROW_NUMBER(), and upsert into the final table (created
// with sluice's own DDL) only where the incoming version is newer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "phase_meter.h"

namespace sluice::bench {

struct SqlBaselineResult {
  PhaseStats load;   // reading the files and inserting every line, commit included
  PhaseStats merge;  // the one INSERT … SELECT … ON CONFLICT, commit included
  int64_t staged_lines = 0;
  int64_t final_rows = 0;    // count(*) of the final table after the merge
};

// The merge statement, generated from the catalog entry so that it writes the
// same columns, in the same forms, as sluice (as close as SQLite's functions
// allow: timestamps through strftime, decimals through CAST … AS REAL).
std::string SqlBaselineMergeStatement(const EventSpec& event);

// Runs load then merge on a fresh database at `db_path`.
Result<SqlBaselineResult> RunSqlBaseline(const EventSpec& event, const std::vector<std::string>& files,
                                         const std::string& db_path);

}  // namespace sluice::bench
