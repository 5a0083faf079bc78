// The seed's way on PostgreSQL, as the baseline sluice's postgres backend is
// measured against, on the same server.
//
// Load is Snowpipe's COPY: every NDJSON line, as is, into a one-column
// staging table `<schema>.stg(payload jsonb)` with one COPY FROM STDIN (CSV
// with quote and delimiter bytes that valid JSON cannot hold, the usual way
// to COPY raw JSON lines). Merge is the seed's merge task as ONE statement:
// MERGE … USING (flatten EntryList with jsonb_array_elements, cast every
// column, keep the newest version per key with ROW_NUMBER()) … WHEN MATCHED
// AND newer THEN UPDATE … WHEN NOT MATCHED THEN INSERT, into a final table
// created with sluice's own DDL (PgDialect's CreateTable of FinalTableDef).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "pg_cluster.h"
#include "pg_db.h"

namespace sluice::bench {

struct PgBaselineResult {
  PgPhaseStats load;   // reading the files and the COPY, commit included
  PgPhaseStats merge;  // the one MERGE, commit included
  int64_t staged_lines = 0;
  int64_t final_rows = 0;  // count(*) of the final table after the merge
};

// The merge statement, generated from the catalog entry so that it writes
// the same columns, in the same forms, as sluice: numeric(p,s), bigint,
// timestamps with offsets converted to UTC (timestamptz AT TIME ZONE 'UTC').
std::string PgBaselineMergeStatement(const EventSpec& event, const std::string& schema);

// Creates `schema` (dropping an old one), then runs load and merge through
// `db`, which must be connected to `cluster`'s server.
Result<PgBaselineResult> RunPgBaseline(const EventSpec& event, const std::vector<std::string>& files,
                                       const std::string& schema, PgDb& db, const PgCluster& cluster);

}  // namespace sluice::bench
