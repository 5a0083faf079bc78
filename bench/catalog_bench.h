// The catalog part of the benchmark: what a catalog of many event types
// costs the commands that read all of it, on the embedded SQLite warehouse.
//
// A sluice.yaml of N event types (four columns each, a key and a version, as
// a small business event is declared) is generated, and for N = types / 10
// and N = types (20 000 by default), each a child process, whole process:
//   1. validation: `sluice ddl --dialect sqlite` (parse, validate, render
//      every table; no warehouse), kCatalogRuns times, the median;
//   2. first prepare: the first `sluice status` on a fresh data folder,
//      which creates every type's final and staging tables, once;
//   3. status: `sluice status` on that warehouse, kCatalogRuns times, the
//      median; its table must list N rows;
//   4. one type added: the catalog with N + 1 types, then `sluice status`
//      (it creates the one new type's tables), once.
// The goals are judged at N = types: validation and status under
// kCatalogGoalSeconds. The ratio of the two sizes' figures shows how the
// time grows (10 for linear).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "child_run.h"

namespace sluice::bench {

inline constexpr double kCatalogGoalSeconds = 2.0;
inline constexpr int kCatalogRuns = 3;

struct CatalogBenchInput {
  std::string sluice;
  std::filesystem::path dir;  // one folder per size goes here
  std::filesystem::path logs_dir;
  int types = 20'000;
};

struct CatalogSize {
  int types = 0;
  std::vector<ChildRun> validate;  // sluice ddl
  ChildRun first_prepare;          // the first sluice status
  std::vector<ChildRun> status;    // sluice status on the prepared warehouse
  ChildRun add_one;                // sluice status after one type was added
  bool rows_listed = false;        // status listed every type
  double validate_seconds() const;  // the medians
  double status_seconds() const;
};

struct CatalogBenchResult {
  std::vector<CatalogSize> sizes;  // the smaller first
  const CatalogSize& largest() const { return sizes.back(); }
  bool correct() const;
  double busiest_other_cores() const;
};

// The generated catalog: `types` event types named Event00000 … and tables event_00000 ….
std::string CatalogYaml(int types);

// Runs the phases for both sizes and prints a line per phase. An error: a
// child failed or a file could not be written.
Result<CatalogBenchResult> RunCatalogBench(const CatalogBenchInput& in);

// The summary's rows, and the goals' lines.
void SayCatalogSummary(const CatalogBenchResult& r);
void SayCatalogGoals(const CatalogBenchResult& r);

}  // namespace sluice::bench
