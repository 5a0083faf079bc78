// The PostgreSQL part of the benchmark: sluice's postgres backend and the
// seed's way in plain SQL, side by side on one throwaway server.
//
//   1. start a cluster (scripts/pg-cluster.sh) in `dir`/cluster; turn
//      autovacuum off so that no phase shares the machine with a vacuum of
//      the previous phase's tables;
//   2. sluice as users run it, child processes on a config made of the
//      example's events plus `warehouse: {backend: postgres, dsn, schema:
//      sluice}`: `sluice load FILES…`, then `sluice merge`;
//   3. the SQL baseline (pg_baseline.h) in schema `baseline`;
//   4. both final tables compared on the server (pg_table_compare.h);
//   5. the server stopped; its files removed unless `keep` or the tables
//      differ.
// Before each timed phase: CHECKPOINT and sync(), so no phase pays for the
// writeback of the one before. Each phase's CPU is reported for the client
// and, separately, for the server's processes (proc_cpu.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "child_run.h"
#include "pg_baseline.h"
#include "pg_cluster.h"
#include "table_compare.h"

namespace sluice::bench {

struct PgBenchInput {
  std::string sluice;              // the binary to measure
  std::string example_config;      // the events come from here
  std::string cluster_script;      // scripts/pg-cluster.sh
  std::filesystem::path dir;       // cluster/ and sluice/ go here
  std::filesystem::path logs_dir;
  std::vector<std::string> files;  // the NDJSON files
  bool keep = false;
};

struct PgBenchResult {
  std::string server;  // version and the settings that matter, for the report
  ChildRun load_child, merge_child;
  PgPhaseStats load, merge;
  int64_t sluice_rows = 0;
  PgBaselineResult baseline;
  TableComparison same;  // left: sluice, right: baseline
};

inline constexpr const char* kPgSluiceSchema = "sluice";
inline constexpr const char* kPgBaselineSchema = "baseline";

// Runs it all and prints a line per phase. An error (the cluster does not
// start, a child fails) leaves the server stopped and its files in place.
Result<PgBenchResult> RunPgBench(const PgBenchInput& in, const EventSpec& event);

// SQL baseline merge time / sluice merge time: the goal's ratio.
double PgMergeSpeedup(const PgBenchResult& r);

// The PostgreSQL rows of the summary.
void SayPgSummary(const PgBenchResult& r, int64_t events);

}  // namespace sluice::bench
