// Runs one attempt of a task on a warehouse connection of its own.
#pragma once

#include <cstdint>
#include <string>

#include "base/env.h"
#include "config/config.h"
#include "tasks/task.h"

namespace sluice {

struct TaskOutcome {
  bool ok = false;
  int64_t rows = 0;   // rows changed (SQL), rows merged (merge), rows and files removed (retention), nodes built (models)
  std::string error;  // why it failed
};

// SQL: the statements in one transaction, cancelled after the timeout.
// Merge: a merge run of the event type, as `sluice merge` does.
// Retention: deletes the event's staging rows that are both merged (seq at or
// below the stream position) and loaded longer ago than retention.staging,
// and the landed files whose load is recorded longer ago than
// retention.landing; a file that was never loaded is never deleted.
// Models: `sluice models build`; fails when a node fails (its error names
// each), and counts the seeds and models built.
// Files (sql_file, landed files) are read and removed through `env`.
TaskOutcome RunTaskOnce(Env* env, const Config& config, const TaskSpec& task, int64_t now_micros);

}  // namespace sluice
