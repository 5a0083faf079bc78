// sluice status [--format table|json]
#include <iostream>

#include "cli/command.h"
#include "cli/query_output.h"
#include "tasks/task.h"

namespace sluice {
namespace {

std::string JsonOptional(const std::optional<std::string>& v) { return v ? JsonQuote(*v) : "null"; }

int RunStatus(const GlobalOptions& global, const std::string& format) {
  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  struct Entry {
    const EventSpec* event;
    EventStatus status;
  };
  const auto& events = session->config.catalog.events;
  auto statuses = session->warehouse->GetStatuses(session->config.catalog);
  if (!statuses.ok()) return ReportError(statuses.status());
  std::vector<Entry> entries;
  entries.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) entries.push_back({&events[i], (*statuses)[i]});
  // Tasks: the last run of each, and how many runs failed.
  const std::vector<TaskSpec> tasks = TasksOf(session->config);
  TaskStore& store = session->warehouse->tasks();
  auto last_runs = store.LastRuns();
  if (!last_runs.ok()) return ReportError(last_runs.status());
  auto failures = store.Failures();
  if (!failures.ok()) return ReportError(failures.status());
  const auto last_of = [&](const std::string& task) -> const TaskRunRow* {
    auto it = last_runs->find(task);
    return it == last_runs->end() ? nullptr : &it->second;
  };
  const auto failures_of = [&](const std::string& task) {
    auto it = failures->find(task);
    return it == failures->end() ? int64_t{0} : it->second;
  };
  if (format == "json") {
    std::cout << "{\"events\": [";
    for (size_t i = 0; i < entries.size(); ++i) {
      const auto& [e, s] = entries[i];
      std::cout << (i ? ",\n  " : "\n  ")
                << fmt::format("{{\"type\": {}, \"table\": {}, \"staged_rows\": {}, \"unmerged_rows\": {}, "
                               "\"final_rows\": {}, \"load_errors\": {}, \"merge_errors\": {}, \"last_load\": {}, "
                               "\"last_merge\": {}}}",
                               JsonQuote(e->name), JsonQuote(e->table), s.staged_rows, s.unmerged_rows, s.final_rows,
                               s.load_errors, s.merge_errors, JsonOptional(s.last_load), JsonOptional(s.last_merge));
    }
    std::cout << (entries.empty() ? "]," : "\n],") << "\n\"tasks\": [";
    for (size_t i = 0; i < tasks.size(); ++i) {
      const TaskRunRow* run = last_of(tasks[i].name);
      std::cout << (i ? ",\n  " : "\n  ")
                << fmt::format("{{\"task\": {}, \"last_status\": {}, \"last_finished\": {}, \"last_duration_s\": {}, "
                               "\"failures\": {}}}",
                               JsonQuote(tasks[i].name), run ? JsonQuote(run->status) : "null",
                               run && !run->finished.empty() ? JsonQuote(run->finished) : "null",
                               run && run->duration_seconds >= 0 ? fmt::format("{:.3f}", run->duration_seconds) : "null",
                               failures_of(tasks[i].name));
    }
    std::cout << (tasks.empty() ? "]}\n" : "\n]}\n");
    return kExitOk;
  }
  auto table = MakeQueryOutput("table", &std::cout);
  (*table)->Columns({"type", "table", "staged", "unmerged", "final", "load_errors", "merge_errors", "last_load",
                     "last_merge"});
  const auto text = [](auto v) { return QueryCell{QueryCell::Kind::kText, fmt::format("{}", v)}; };
  const auto optional = [](const std::optional<std::string>& v) {
    return v ? QueryCell{QueryCell::Kind::kText, *v} : QueryCell{QueryCell::Kind::kText, "never"};
  };
  for (const auto& [e, s] : entries) {
    (*table)->Row({text(e->name), text(e->table), text(s.staged_rows), text(s.unmerged_rows), text(s.final_rows),
                   text(s.load_errors), text(s.merge_errors), optional(s.last_load), optional(s.last_merge)});
  }
  (*table)->Finish();
  if (tasks.empty()) return kExitOk;
  std::cout << "\n";
  auto task_table = MakeQueryOutput("table", &std::cout);
  (*task_table)->Columns({"task", "last_status", "last_finished", "duration_s", "failures"});
  for (const TaskSpec& t : tasks) {
    const TaskRunRow* run = last_of(t.name);
    (*task_table)->Row({text(t.name), text(run ? run->status : "never"), text(run ? run->finished : ""),
                        text(run && run->duration_seconds >= 0 ? fmt::format("{:.3f}", run->duration_seconds) : ""),
                        text(failures_of(t.name))});
  }
  (*task_table)->Finish();
  return kExitOk;
}

}  // namespace

void AddStatusCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("status", "per event type: staged, unmerged and final rows, errors, last load and merge");
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--format,-f", *format, "output format: table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([=, &global] { *runner = [=, &global] { return RunStatus(global, *format); }; });
}

}  // namespace sluice
