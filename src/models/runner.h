// Runs the selected nodes of a parsed project against the warehouse: seeds
// loaded, models built as their materialization says, tests queried for
// their failing rows; in graph order, one node at a time on the store's
// connection. What `sluice models seed|run|test|build`, the scheduled
// models task and serve's on_merge rebuilds share.
//
// A node that fails (an error, or a test failing at severity error) makes
// every selected node that depends on it skipped; in `build` a failing test
// skips what is built on the node it tests. Every node's run is written to
// sluice_model_runs as it finishes, so a cancelled or failed run keeps the
// history of what it did.
//
// Not thread-safe: one run at a time per compiler and store. `cancel`, when
// given, may be set from another thread: the run stops before its next node.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "models/compiler.h"
#include "warehouse/model_store.h"

namespace sluice::models {

enum class ModelsCommand { kSeed, kRun, kTest, kBuild };
std::string_view ModelsCommandName(ModelsCommand command);  // "seed", "run", "test", "build"

struct RunOptions {
  ModelsCommand command = ModelsCommand::kBuild;
  std::string select;   // dbt's --select; empty: everything
  std::string exclude;
  bool full_refresh = false;
  bool store_failures = false;  // every test keeps its failing rows, whatever its config
  size_t sample_rows = 5;       // failing rows shown per test
  std::string invocation_id;    // sluice_model_runs.invocation
  const std::atomic<bool>* cancel = nullptr;
};

enum class NodeStatus { kSuccess, kError, kSkipped, kPass, kWarn, kFail };
std::string_view NodeStatusName(NodeStatus status);  // as sluice_model_runs.status writes it

struct NodeResult {
  const ManifestNode* node = nullptr;
  NodeStatus status = NodeStatus::kSuccess;
  std::string how;              // "table", "view", "incremental", "seed", "test"; with " (full)" or " (incremental)" for incremental models
  std::optional<int64_t> rows;  // rows built or loaded; a test's failing rows
  std::string error;            // kError: what went wrong; kSkipped: which failure caused it
  int64_t micros = 0;
  FailingRows failures;         // a test's, when any
  std::string failures_table;   // where they were stored, when they were
};

struct RunSummary {
  int built = 0, errors = 0, skipped = 0;       // seeds and models (and tests that could not run: errors)
  int passed = 0, warned = 0, failed = 0;       // tests
  int64_t micros = 0;
  bool cancelled = false;
  bool ok() const { return errors == 0 && failed == 0 && !cancelled; }
};

// Hears of a run as it goes; the CLI prints, a task logs.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // What will run, in order, and what the selection said about itself
  // ("the selection criterion 'x' matches no node").
  virtual void Selected(const std::vector<const ManifestNode*>& nodes, const std::vector<std::string>& warnings) = 0;
  // `index` counts from 1 up to `total`.
  virtual void Finished(size_t index, size_t total, const NodeResult& result) = 0;
  virtual void Done(const RunSummary& summary) = 0;
};

// InvalidArgument for a bad selection; a failing node is not an error of
// the run (it is in the summary), a failure to record a run is.
Result<RunSummary> RunModels(Compiler* compiler, ModelStore* store, Env* env, const RunOptions& options,
                             RunObserver* observer);

// The nodes `options` selects for its command, in run order (ephemeral
// models and sources are never run). Selection warnings go to *warnings.
Result<std::vector<const ManifestNode*>> SelectForRun(const Manifest& manifest, const RunOptions& options,
                                                      std::vector<std::string>* warnings);

// The table a test's failing rows are kept in: "dbt_test__audit__" and its
// alias, shortened with an md5 suffix beyond 63 characters.
std::string FailuresTableName(const TestDefinition* generic, const std::string& test_name);

}  // namespace sluice::models
