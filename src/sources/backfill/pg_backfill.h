// sluice backfill postgres: a PostgreSQL table or query (the seed's
// historical snapshot) streamed into landed files that load and merge like
// any event.
//
// Rows come out of the source with one COPY (…) TO STDOUT, are turned into
// events (the payload column's JSON, or an object of the row's columns) and
// written, per event type, into NDJSON files of about `rows_per_file` rows.
// Each batch of files is then loaded like `sluice load` does — landed as
// `backfill-<name>-…` files in the landing zone, exactly once by content —
// and only then is the cursor saved. So an interrupted run, rerun, resumes
// after the last saved cursor value; the batch that was in flight is read
// again with the same boundaries and the same content, which the load
// history recognises, so nothing is doubled. Batches end only where the
// cursor value changes, so rows sharing a value are never split.
//
// Without a cursor there is no resume: a rerun reads everything again, and
// the merge's newest-version-wins (or the id's first delivery) absorbs what
// was already merged.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/env.h"
#include "base/status.h"
#include "config/config.h"
#include "warehouse/backend.h"

namespace sluice {

struct BackfillRequest {
  std::string dsn;
  std::string table;           // or
  std::string query;
  std::string type;            // every row is this event type, or
  std::string type_column;     // the column that names each row's type
  std::string payload_column;  // the event's JSON; empty: the row's columns make the event
  std::string cursor;          // an ordered column to resume by
  std::string name;            // names the saved cursor; default: from the source and options
  bool restart = false;        // ignore a saved cursor
  int64_t rows_per_file = 100000;
  bool progress = false;       // a progress line on stderr (a terminal)
};

struct BackfillReport {
  std::string name;
  std::optional<std::string> resumed_after;  // the saved cursor value the run started after
  std::optional<std::string> last_cursor;
  int64_t rows = 0;
  int64_t files_loaded = 0;
  int64_t files_skipped = 0;  // loaded before (a resumed batch)
  int64_t load_errors = 0;    // rows the loader refused (not JSON objects): in sluice_load_errors
  std::map<std::string, int64_t> rows_by_type;
  std::map<std::string, int64_t> unknown_types;  // type column values that are not catalog events: skipped
  int64_t null_payloads = 0;                     // rows whose payload column is NULL: skipped
  double seconds = 0;
};

// InvalidArgument for bad options (naming the source's columns when a
// column is unknown); Unavailable when the source cannot be reached. Landed
// files are written, and time read, through `env`.
Result<BackfillReport> RunPgBackfill(Env* env, const Config& config, Warehouse* warehouse,
                                     const BackfillRequest& request);

}  // namespace sluice
