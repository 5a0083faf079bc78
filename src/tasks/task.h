// A task as the scheduler runs it: one of the user's SQL tasks (`tasks:`),
// an event type's built-in merge or retention cleanup, or the build of the
// dbt project (`models.schedule`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/schedule.h"
#include "catalog/event_spec.h"
#include "config/config.h"

namespace sluice {

struct TaskSpec {
  enum class Kind { kSql, kMerge, kRetention, kModels };
  Kind kind = Kind::kSql;
  std::string name;
  std::optional<Schedule> schedule;  // none: runs only after its predecessors, or by hand
  int64_t offset_micros = 0;         // shifts an interval schedule (spreads cleanups over the hour)
  std::vector<std::string> after;    // predecessors: runs once every one of them has succeeded
  int retries = 0;                   // further attempts after a failure, with back-off
  int64_t timeout_micros = 0;        // per attempt; 0: none
  std::string sql;                   // kSql: inline SQL, or
  std::string sql_file;              // kSql: a file read at each run
  const EventSpec* event = nullptr;  // kMerge, kRetention

  // What `sluice tasks list` shows as the schedule.
  std::string ScheduleText() const;
  // What `sluice tasks list` shows as the kind: sql, merge, retention or models.
  std::string_view KindName() const;
};

// Every task of the config: the user's SQL tasks, then per event type its
// merge (only when it has merge.every; otherwise the collector merges
// continuously) and its retention cleanup (only when retention is set), run
// hourly at a minute of its own so that many cleanups do not start at once;
// and with models.schedule, the task "models:build" (`sluice models build`).
std::vector<TaskSpec> TasksOf(const Config& config);

inline constexpr const char* kModelsTaskName = "models:build";

// The task named `name` in `tasks`, or null.
const TaskSpec* FindTask(const std::vector<TaskSpec>& tasks, const std::string& name);

}  // namespace sluice
