// The ClickHouse part of the benchmark: sluice's clickhouse backend on the
// same events as the SQLite and PostgreSQL parts, then the analytical query
// on all three backends (query_bench.h).
//
//   1. start a server (scripts/clickhouse-node.sh) in `dir`/node;
//   2. sluice as users run it, child processes on a config made of the
//      example's events plus `warehouse: {backend: clickhouse, url,
//      database: bench}` (bookkeeping in its default SQLite file under the
//      data folder): `sluice load FILES…`, then `sluice merge`;
//   3. the final table (the view `bench.accounting`) compared row for row
//      with sluice's final table on SQLite from the same files
//      (ch_table_compare.h);
//   4. the analytical query on this server, which is then stopped (its
//      files removed unless `keep` or the tables differ); then on SQLite,
//      then on a throwaway PostgreSQL server (unless !pg): one server at a
//      time.
// Before each timed sluice phase: wait until the server runs no background
// merge (of the phase before's parts), then sync(). Each phase's CPU is
// reported for sluice and, separately, for the server's process (all its
// threads, from /proc).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "child_run.h"
#include "pg_cluster.h"
#include "query_bench.h"
#include "table_compare.h"

namespace sluice::bench {

struct ChBenchInput {
  std::string sluice;              // the binary to measure
  std::string example_config;      // the events come from here
  std::string node_script;         // scripts/clickhouse-node.sh
  std::string cluster_script;      // scripts/pg-cluster.sh, for the query on PostgreSQL
  std::filesystem::path dir;       // node/, sluice/, query/ go here
  std::filesystem::path logs_dir;
  std::vector<std::string> files;  // the NDJSON files
  std::string sqlite_warehouse;    // sluice's SQLite warehouse of the same files: the reference table
  int64_t query_rows = 10'000'000;
  bool pg = true;                  // the query on PostgreSQL too
  bool keep = false;
};

struct ChBenchResult {
  std::string server;  // version and the settings that matter, for the report
  ChildRun load_child, merge_child;
  PgPhaseStats load, merge;  // server: ClickHouse's process
  int64_t sluice_rows = 0;
  TableComparison same;  // left: ClickHouse, right: SQLite
  QueryBenchResult query;

  bool correct() const { return same.identical() && query.agree(); }
};

inline constexpr const char* kChDatabase = "bench";

// Runs it all and prints a line per phase. An error (the server does not
// start, a child fails) leaves the server stopped and its files in place.
Result<ChBenchResult> RunChBench(const ChBenchInput& in, const EventSpec& event);

// The same run's sluice figures on the other backends, where they ran.
struct OtherBackends {
  std::optional<double> sqlite_load, sqlite_merge;  // wall s
  std::optional<double> pg_load, pg_merge;          // wall s
};

// sluice's merge on PostgreSQL / on ClickHouse (wall): the goal's ratio.
double ChMergeSpeedup(const ChBenchResult& r, double pg_merge_seconds);
// The analytical query's best on PostgreSQL / on ClickHouse: the goal's ratio (0: not run).
double ChQuerySpeedup(const ChBenchResult& r);

// The ClickHouse rows of the summary, beside the other backends' figures.
void SayChSummary(const ChBenchResult& r, int64_t events, const OtherBackends& other);

}  // namespace sluice::bench
