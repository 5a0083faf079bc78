// The tasks' records in the warehouse, in portable SQL (both backends):
// sluice_task_runs (one row per finished run or skipped fire) and
// sluice_task_state (suspensions, which persist across restarts).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "warehouse/backend.h"

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
  // Not thread-safe (nor is the warehouse): one user at a time.
  explicit TaskStore(Warehouse* warehouse) : warehouse_(warehouse) {}

  // Appends the run; returns its id.
  Result<int64_t> Record(const TaskRun& run);
  Result<std::set<std::string>> Suspended();
  Status SetSuspended(const std::string& task, bool suspended);
  // Newest first; all tasks when `task` is empty.
  Result<std::vector<TaskRunRow>> History(const std::string& task, int limit);
  // The newest run of each task that has one.
  Result<std::map<std::string, TaskRunRow>> LastRuns();
  // Failed runs per task.
  Result<std::map<std::string, int64_t>> Failures();

 private:
  Warehouse* warehouse_;
};

}  // namespace sluice
