#include "tasks/task_runner.h"

#include "base/clock.h"
#include "merge/merge_run.h"
#include "models/project_loader.h"
#include "models/run_report.h"
#include "models/runner.h"
#include "warehouse/backend.h"

namespace sluice {
namespace {

Result<int64_t> RunSql(Env* env, Warehouse* warehouse, const TaskSpec& task) {
  std::string sql = task.sql;
  if (!task.sql_file.empty()) {
    auto text = ReadFileToString(env, task.sql_file);
    if (!text.ok()) return text.status().WithContext("reading sql_file");
    sql = std::move(text).value();
  }
  return warehouse->RunScript(sql, task.timeout_micros > 0 ? task.timeout_micros : INT64_MAX / 2);
}

Result<int64_t> RunRetention(Env* env, const Config& config, Warehouse* warehouse, const EventSpec& event,
                             int64_t now) {
  int64_t removed = 0;
  if (event.staging_retention_micros > 0) {
    // Only rows the merge has consumed: the seed's cleanup deletes by event
    // time and can drop rows that were never merged.
    ASSIGN_OR_RETURN(int64_t rows, warehouse->DeleteMergedStagingRows(
                                       event, FormatTimestamp(now - event.staging_retention_micros)));
    removed += rows;
  }
  if (event.landing_retention_micros > 0) {
    // Only files whose load is recorded: an unloaded file is the only copy of its events.
    ASSIGN_OR_RETURN(auto files, warehouse->FilesLoadedBefore(
                                     event, FormatTimestamp(now - event.landing_retention_micros)));
    for (const auto& f : files) {
      const Status deleted = env->RemoveFile(config.data_dir + "/" + f);
      if (deleted.ok()) ++removed;
      else if (deleted.code() != StatusCode::kNotFound) return deleted;
    }
  }
  return removed;
}

// `sluice models build`; a node that fails fails the task, naming it.
Result<int64_t> RunModelsBuild(Env* env, const Config& config, Warehouse* warehouse) {
  const std::string invocation = models::NewInvocationId();
  ASSIGN_OR_RETURN(auto loaded, models::LoadProject(env, config.models, config.catalog, &warehouse->models(), "",
                                                    invocation));
  models::RunOptions options;
  options.command = models::ModelsCommand::kBuild;
  options.invocation_id = invocation;
  models::LogRunReport report("task models");
  ASSIGN_OR_RETURN(auto summary, models::RunModels(loaded.compiler.get(), &warehouse->models(), env, options, &report));
  if (!summary.ok()) return Status::Internal(report.Failures());
  return summary.built;
}

}  // namespace

TaskOutcome RunTaskOnce(Env* env, const Config& config, const TaskSpec& task, int64_t now_micros) {
  TaskOutcome outcome;
  auto warehouse = OpenWarehouse(config.warehouse, config.data_dir);
  Result<int64_t> rows = Status::Internal("no warehouse");
  if (warehouse.ok()) {
    switch (task.kind) {
      case TaskSpec::Kind::kSql: rows = RunSql(env, warehouse->get(), task); break;
      case TaskSpec::Kind::kMerge: {
        MergeOptions options;
        options.data_dir = config.data_dir;
        auto counts = RunMerge(warehouse->get(), *task.event, options);
        if (counts.ok()) rows = counts->inserted + counts->updated;
        else rows = counts.status();
        break;
      }
      case TaskSpec::Kind::kRetention:
        rows = RunRetention(env, config, warehouse->get(), *task.event, now_micros);
        break;
      case TaskSpec::Kind::kModels: rows = RunModelsBuild(env, config, warehouse->get()); break;
    }
  } else {
    rows = warehouse.status();
  }
  if (rows.ok()) {
    outcome.ok = true;
    outcome.rows = *rows;
  } else {
    outcome.error = std::string(rows.status().message());
  }
  return outcome;
}

}  // namespace sluice
