// The models part of the benchmark: `sluice models` on dbt projects, and
// the freshness of a model `sluice serve` rebuilds on its own.
//
//   1. parse and compile: a generated project of 1 000 models in 10 layers
//      and 3 000 generic tests (models_project_gen.h); `sluice models
//      compile` as a child, whole process: once untimed (it creates the
//      warehouse file and warms the page cache), then kCompileRuns times;
//      the median is the goal's figure;
//   2. marts, on SQLite and (unless !pg) on a throwaway PostgreSQL server
//      (pg_cluster.h): N orders as NDJSON, loaded and merged (untimed: the
//      main part measures that), then timed: `sluice models run
//      --full-refresh` of stg_order_lines (view) → fct_orders (incremental)
//      → mart_customer_daily (table); then 1 % more orders, newer, loaded
//      and merged (untimed), and the incremental `sluice models run`. Before
//      each timed run: sync(); on PostgreSQL VACUUM ANALYZE and CHECKPOINT
//      too (autovacuum is off, so it does not run in a timed phase). After
//      each run the model tables are checked against the orders' totals;
//   3. freshness with models.on_merge (models_freshness.h), SQLite.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "child_run.h"
#include "models_freshness.h"

namespace sluice::bench {

inline constexpr double kCompileGoalSeconds = 2.0;
inline constexpr double kIncrementalRatioGoal = 0.10;  // incremental run / full build
inline constexpr double kFreshnessP99GoalSeconds = 5.0;

struct ModelsBenchInput {
  std::string sluice;
  std::string cluster_script;  // scripts/pg-cluster.sh
  std::filesystem::path dir;   // compile/, orders/, sqlite/, pg/, fresh/ go here
  std::filesystem::path logs_dir;
  int64_t orders = 1'000'000;
  int64_t orders_per_file = 100'000;
  bool pg = true;
  bool keep = false;
  double freshness_seconds = 20;
  int freshness_rate = 5000;
};

struct CompileResult {
  int models = 0, tests = 0, refs = 0;
  int compiled_models = 0, compiled_tests = 0;  // "-- model." and "-- test." headers printed
  std::vector<ChildRun> runs;                   // the timed ones
  double median_seconds() const;
};

struct MartsResult {
  std::string backend;  // "SQLite", "PostgreSQL"
  int64_t orders = 0, added = 0;
  ChildRun load, merge, full, incremental;
  ChildRun load_added, merge_added;
  double full_server_cpu = 0, incremental_server_cpu = 0;  // PostgreSQL's processes
  std::vector<std::string> full_lines, incremental_lines;  // the runs' per-model lines
  std::vector<std::string> problems;                       // checks that failed
  double ratio() const { return full.wall_seconds > 0 ? incremental.wall_seconds / full.wall_seconds : 0; }
};

struct ModelsBenchResult {
  CompileResult compile;
  std::vector<MartsResult> marts;
  FreshnessResult freshness;
  bool correct() const;
  double busiest_other_cores() const;
};

// Runs the three parts and prints a line per phase. An error: a child
// failed or a server did not start (the PostgreSQL server is then stopped,
// its files kept).
Result<ModelsBenchResult> RunModelsBench(const ModelsBenchInput& in);

// The summary's rows, and the goals' lines.
void SayModelsSummary(const ModelsBenchResult& r);
void SayModelsGoals(const ModelsBenchResult& r);

}  // namespace sluice::bench
