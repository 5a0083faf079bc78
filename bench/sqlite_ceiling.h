// SQLite's ceiling for the merge's writes: how fast the final table can take
// the rows at all, with nothing to parse, cast or deduplicate.
//
// A fresh database with sluice's final-table DDL and PRAGMAs; the rows are
// already cast (strings and doubles, in memory); a bare loop of one prepared
// INSERT … ON CONFLICT … DO UPDATE … WHERE excluded.version > stored version,
// in one transaction. Only the loop and its COMMIT are timed. No merge can
// write faster than this through SQLite, so sluice's merge rate is judged as
// a fraction of it.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "event_generator.h"
#include "phase_meter.h"

namespace sluice::bench {

struct CeilingResult {
  PhaseStats loop;          // the upsert loop and its commit
  int64_t upserts = 0;      // statements run: one per cast row
  int64_t final_rows = 0;   // count(*) afterwards
};

// Every column of `event` must be one CastRows carries (FieldForColumn).
Result<CeilingResult> RunSqliteCeiling(const EventSpec& event, const CastRows& rows, const std::string& db_path);

}  // namespace sluice::bench
