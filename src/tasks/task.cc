#include "tasks/task.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/tasks_config.h"

namespace sluice {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kHour = 3600 * kMicrosPerSecond;

// A stable spread over the hour, whole seconds: FNV-1a of the name. (Not
// std::hash, which may differ between builds: the minute should not move.)
int64_t HourOffset(const std::string& name) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  return static_cast<int64_t>(h % 3600) * kMicrosPerSecond;
}

Schedule MustParse(const std::string& text) {
  auto s = Schedule::Parse(text);
  return std::move(s).value();  // the config parser has checked it
}

}  // namespace

std::string TaskSpec::ScheduleText() const {
  if (!schedule) return after.empty() ? "by hand" : "after " + fmt::format("{}", fmt::join(after, ", "));
  if (offset_micros == 0) return schedule->text();
  return fmt::format("{} (+{}m{:02}s)", schedule->text(), offset_micros / 60'000'000, offset_micros / 1'000'000 % 60);
}

std::string_view TaskSpec::KindName() const {
  switch (kind) {
    case Kind::kSql: return "sql";
    case Kind::kMerge: return "merge";
    case Kind::kRetention: return "retention";
    case Kind::kModels: return "models";
  }
  return "sql";
}

std::vector<TaskSpec> TasksOf(const Config& config) {
  std::vector<TaskSpec> tasks;
  for (const TaskConfig& t : config.tasks) {
    TaskSpec spec;
    spec.kind = TaskSpec::Kind::kSql;
    spec.name = t.name;
    if (!t.schedule.empty()) spec.schedule = MustParse(t.schedule);
    spec.after = t.after;
    spec.retries = t.retries;
    spec.timeout_micros = t.timeout_micros;
    spec.sql = t.sql;
    spec.sql_file = t.sql_file;
    tasks.push_back(std::move(spec));
  }
  for (const EventSpec& event : config.catalog.events) {
    if (!event.merge_schedule.empty()) {
      TaskSpec merge;
      merge.kind = TaskSpec::Kind::kMerge;
      merge.name = MergeTaskName(event.name);
      merge.schedule = MustParse(event.merge_schedule);
      merge.event = &event;
      tasks.push_back(std::move(merge));
    }
    if (event.staging_retention_micros > 0 || event.landing_retention_micros > 0) {
      TaskSpec cleanup;
      cleanup.kind = TaskSpec::Kind::kRetention;
      cleanup.name = RetentionTaskName(event.name);
      cleanup.schedule = MustParse("1h");
      cleanup.offset_micros = HourOffset(event.name) % kHour;
      cleanup.event = &event;
      tasks.push_back(std::move(cleanup));
    }
  }
  if (!config.models.schedule.empty() && !config.models.project_dir.empty()) {
    TaskSpec build;
    build.kind = TaskSpec::Kind::kModels;
    build.name = kModelsTaskName;
    build.schedule = MustParse(config.models.schedule);
    tasks.push_back(std::move(build));
  }
  return tasks;
}

const TaskSpec* FindTask(const std::vector<TaskSpec>& tasks, const std::string& name) {
  for (const auto& t : tasks)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace sluice
