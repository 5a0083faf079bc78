// The tasks' records in the warehouse: sluice_task_runs (one row per
// finished run or skipped fire) and sluice_task_state (suspensions, which
// persist across restarts and are seen by every process sharing the
// warehouse).
//
// Obtained from Warehouse::tasks(); used from one thread at a time, like the
// warehouse it belongs to. Failures of the warehouse come back as Status.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"

namespace sluice {

struct TaskRun {
  int64_t id = 0;
  std::string task;
  int64_t scheduled_for_micros = 0;
  int64_t started_micros = 0;   // 0: never started (a skipped fire)
  int64_t finished_micros = 0;
  std::string status;           // succeeded, failed or skipped
  std::optional<int64_t> rows;
  std::string error;
  int attempts = 0;
};

// A run as read back: times as the warehouse prints them.
struct TaskRunRow {
  int64_t id = 0;
  std::string task, scheduled_for, started, finished, status, error;
  std::optional<int64_t> rows;
  int attempts = 0;
  double duration_seconds = -1;  // -1: not started
};

class TaskStore {
 public:
  virtual ~TaskStore() = default;

  // Appends the run; returns its id.
  virtual Result<int64_t> Record(const TaskRun& run) = 0;
  virtual Result<std::set<std::string>> Suspended() = 0;
  virtual Status SetSuspended(const std::string& task, bool suspended) = 0;
  // Newest first; all tasks when `task` is empty.
  virtual Result<std::vector<TaskRunRow>> History(const std::string& task, int limit) = 0;
  // The newest run of each task that has one.
  virtual Result<std::map<std::string, TaskRunRow>> LastRuns() = 0;
  // Failed runs per task.
  virtual Result<std::map<std::string, int64_t>> Failures() = 0;
};

}  // namespace sluice
