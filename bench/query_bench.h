// The analytical query of the ClickHouse part: "sum of amount by tenant and
// day" over `rows` final rows, on SQLite, PostgreSQL and ClickHouse.
//
// The rows are made directly in each database, not through sluice, into a
// table `query_rows` of the accounting final table's three columns in each
// backend's types for them (sluice's dialects: tenantid VARCHAR(32) / REAL /
// TIMESTAMP on SQLite, varchar(32) / numeric(9,2) / timestamp on
// PostgreSQL; on ClickHouse a plain MergeTree ORDER BY tuple() of String /
// Decimal(9,2) / String, the text sluice writes for a timestamp). Row i of
// [0, rows), the same on every backend:
//   tenantid       'T' + three digits of ((5i + i div 7) mod 8) + 1   8 tenants
//   amount         ((7919 i) mod 100000 + 1) / 100                     0.01 … 1000.00
//   eventdatetime  2026-11-20 00:00:00 UTC + 500000 i + ((337 i) mod 500) ms, in µs
//                  two rows a second: 10 M rows span 58 days
// made with a recursive CTE (SQLite), generate_series (PostgreSQL),
// numbers() (ClickHouse), each in one statement. Then, untimed: ANALYZE on
// SQLite; VACUUM ANALYZE and CHECKPOINT on PostgreSQL; OPTIMIZE … FINAL on
// ClickHouse (one part, no merge running while the query is timed).
//
// For information, ClickHouse also runs the query on the same rows laid out
// as sluice lays out a final table (ch_dialect.h: ReplacingMergeTree ordered
// by the key eventitemid, entryidentifier, the other columns Nullable), read
// through a view with FINAL like the view `accounting` users query; and
// PostgreSQL again once it has statistics on (tenantid, eventdatetime::date),
// with which it plans a parallel aggregation.
//
// Timed: the query, `kQueryRuns` times in a row, from sending it to having
// read every result row (wall time in the bench); the best run counts. The
// three results must be the same groups with the same sums, to the cent.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "ch_db.h"

namespace sluice::bench {

inline constexpr int kQueryRuns = 3;

struct QueryRun {
  bool ran = false;
  std::string engine;   // "ClickHouse 18.16.1", for the report
  std::string table;    // the columns as created
  std::string query;    // the statement timed
  std::string plan;     // PostgreSQL's plan, in short
  double generate_seconds = 0;  // making the rows and the untimed upkeep
  uint64_t table_bytes = 0;     // the table on disk
  std::vector<double> runs;     // wall seconds of each run
  std::map<std::string, int64_t> sums;  // "tenant day" → sum in cents, from the last run

  double best() const;
};

struct QueryBenchResult {
  int64_t rows = 0;
  QueryRun sqlite, pg, ch;
  // For information: ClickHouse through sluice's layout; PostgreSQL with
  // statistics on the groups.
  QueryRun ch_view, pg_statistics;
  std::string disagreement;  // empty when every result that ran is the same

  bool agree() const { return disagreement.empty(); }
};

// ClickHouse's tables: the plain one the goal is judged on, or the rows
// laid out as sluice lays out a final table, read through a view as users
// read `accounting`.
enum class ChLayout { kPlain, kSluice };

// On the server `db` talks to (its database `default`).
Result<QueryRun> RunChQuery(ChDb& db, const EventSpec& event, int64_t rows, ChLayout layout);
// In a new SQLite database at `path`, opened with sluice's PRAGMAs.
Result<QueryRun> RunSqliteQuery(const std::string& path, const EventSpec& event, int64_t rows);
// On a throwaway PostgreSQL server (scripts/pg-cluster.sh) in `dir`,
// stopped before returning; its files removed unless `keep`. Then again
// after CREATE STATISTICS (ndistinct) on the groups' expressions: without,
// the planner takes every row for a group of its own.
struct PgQueryRuns {
  QueryRun plain, with_statistics;
};
Result<PgQueryRuns> RunPgQuery(const std::string& cluster_script, const std::filesystem::path& dir,
                               const std::filesystem::path& logs_dir, bool keep, const EventSpec& event, int64_t rows);

// Sets r->disagreement when the results that ran differ.
void CheckQueryResults(QueryBenchResult* r);

// "  ClickHouse 18.16.1   made in 3.1 s (120 MB)   runs 0.210 0.190 0.195 s   best 0.190 s   464 groups"
void SayQueryRun(const QueryRun& run);

}  // namespace sluice::bench
