// sluice tasks list | run NAME | history [NAME] [--limit N] | suspend NAME | resume NAME
#include <iostream>

#include "base/clock.h"
#include "cli/command.h"
#include "cli/query_output.h"
#include "tasks/task.h"
#include "tasks/task_runner.h"

namespace sluice {
namespace {

struct TasksOptions {
  std::string action;
  std::string name;
  int limit = 20;
  std::string format = "table";
};

QueryCell Text(const std::string& s) { return {QueryCell::Kind::kText, s}; }
QueryCell OrNull(const std::string& s) { return s.empty() ? QueryCell{} : Text(s); }

const TaskSpec* FindTaskOrReport(const std::vector<TaskSpec>& tasks, const std::string& name) {
  if (const TaskSpec* t = FindTask(tasks, name)) return t;
  std::string known;
  for (const auto& t : tasks) known += (known.empty() ? "" : ", ") + t.name;
  ReportError(Status::NotFound(fmt::format("no task named '{}' (tasks: {})", name, known.empty() ? "none" : known)));
  return nullptr;
}

int List(const std::vector<TaskSpec>& tasks, TaskStore* store, const std::string& format) {
  auto last_runs = store->LastRuns();
  if (!last_runs.ok()) return ReportError(last_runs.status());
  auto suspended_tasks = store->Suspended();
  if (!suspended_tasks.ok()) return ReportError(suspended_tasks.status());
  const auto& last = *last_runs;
  const auto& suspended = *suspended_tasks;
  const int64_t now = NowMicros();
  auto out = MakeQueryOutput(format, &std::cout);
  (*out)->Columns({"task", "kind", "schedule", "next_fire", "suspended", "last_status", "last_finished", "last_error"});
  for (const TaskSpec& t : tasks) {
    const std::string next = t.schedule ? FormatTimestamp(t.schedule->NextAfter(now, t.offset_micros)) : "";
    auto it = last.find(t.name);
    const TaskRunRow* run = it == last.end() ? nullptr : &it->second;
    (*out)->Row({Text(t.name), Text(std::string(t.KindName())), Text(t.ScheduleText()), OrNull(next),
                 Text(suspended.count(t.name) ? "yes" : "no"), OrNull(run ? run->status : ""),
                 OrNull(run ? run->finished : ""), OrNull(run ? run->error : "")});
  }
  (*out)->Finish();
  return kExitOk;
}

int History(TaskStore* store, const std::string& task, int limit, const std::string& format) {
  auto history = store->History(task, limit);
  if (!history.ok()) return ReportError(history.status());
  const auto& runs = *history;
  auto out = MakeQueryOutput(format, &std::cout);
  (*out)->Columns({"id", "task", "scheduled_for", "started", "finished", "status", "rows", "attempts", "error"});
  for (const auto& r : runs) {
    (*out)->Row({{QueryCell::Kind::kInt, std::to_string(r.id)}, Text(r.task), Text(r.scheduled_for), OrNull(r.started),
                 OrNull(r.finished), Text(r.status),
                 r.rows ? QueryCell{QueryCell::Kind::kInt, std::to_string(*r.rows)} : QueryCell{},
                 {QueryCell::Kind::kInt, std::to_string(r.attempts)}, OrNull(r.error)});
  }
  (*out)->Finish();
  return kExitOk;
}

// Runs the task once, now, in this process (one attempt: retries are the
// scheduler's), and records the run like the scheduler does.
int RunNow(Session* session, const TaskSpec& task, TaskStore* store) {
  const int64_t started = NowMicros();
  const TaskOutcome outcome = RunTaskOnce(Env::Default(), session->config, task, started);
  TaskRun run;
  run.task = task.name;
  run.scheduled_for_micros = started;
  run.started_micros = started;
  run.finished_micros = NowMicros();
  run.status = outcome.ok ? "succeeded" : "failed";
  if (outcome.ok) run.rows = outcome.rows;
  run.error = outcome.error;
  run.attempts = 1;
  auto recorded = store->Record(run);
  if (!recorded.ok()) return ReportError(recorded.status());
  const int64_t id = *recorded;
  if (!outcome.ok) return ReportError(Status::Internal(fmt::format("task {} failed (run {}): {}", task.name, id, outcome.error)));
  std::cout << fmt::format("{}: succeeded, {} rows, in {:.3f} s (run {})\n", task.name, outcome.rows,
                           static_cast<double>(run.finished_micros - started) / 1e6, id);
  return kExitOk;
}

int RunTasks(const GlobalOptions& global, const TasksOptions& o) {
  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  const std::vector<TaskSpec> tasks = TasksOf(session->config);
  TaskStore& store = session->warehouse->tasks();
  if (o.action == "list") return List(tasks, &store, o.format);
  if (o.action == "history") {
    if (!o.name.empty() && !FindTaskOrReport(tasks, o.name)) return kExitUsage;
    return History(&store, o.name, o.limit, o.format);
  }
  const TaskSpec* task = FindTaskOrReport(tasks, o.name);
  if (task == nullptr) return kExitUsage;
  if (o.action == "run") return RunNow(session.get(), *task, &store);
  const bool suspend = o.action == "suspend";
  if (Status st = store.SetSuspended(task->name, suspend); !st.ok()) return ReportError(st);
  std::cout << fmt::format("{}: {}\n", task->name, suspend ? "suspended (it will not fire until resumed)" : "resumed");
  return kExitOk;
}

}  // namespace

void AddTasksCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("tasks", "scheduled tasks: list, run, history, suspend, resume");
  cmd->require_subcommand(1);
  auto o = std::make_shared<TasksOptions>();
  const auto set_runner = [=, &global](const std::string& action) {
    return [=, &global] {
      o->action = action;
      *runner = [=, &global] { return RunTasks(global, *o); };
    };
  };
  auto* list = cmd->add_subcommand("list", "every task: schedule, next fire, suspended, last run");
  list->add_option("--format,-f", o->format, "table, csv, json or ndjson")->check(CLI::IsMember({"table", "csv", "json", "ndjson"}));
  list->callback(set_runner("list"));
  auto* run = cmd->add_subcommand("run", "run a task now, once, in this process, and record the run");
  run->add_option("name", o->name, "the task")->required();
  run->callback(set_runner("run"));
  auto* history = cmd->add_subcommand("history", "recorded runs, newest first");
  history->add_option("name", o->name, "only this task");
  history->add_option("--limit,-n", o->limit, "at most this many runs")->check(CLI::PositiveNumber)->capture_default_str();
  history->add_option("--format,-f", o->format, "table, csv, json or ndjson")->check(CLI::IsMember({"table", "csv", "json", "ndjson"}));
  history->callback(set_runner("history"));
  for (const char* action : {"suspend", "resume"}) {
    auto* sub = cmd->add_subcommand(action, std::string(action) == "suspend" ? "stop a task from firing (persisted)"
                                                                            : "let a suspended task fire again");
    sub->add_option("name", o->name, "the task")->required();
    sub->callback(set_runner(action));
  }
}

}  // namespace sluice
