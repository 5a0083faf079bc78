// sluice merge [TYPE...]
#include <iostream>

#include "cli/command.h"
#include "merge/merge_run.h"

namespace sluice {
namespace {

int RunMergeCommand(const GlobalOptions& global, const std::vector<std::string>& types) {
  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  std::vector<const EventSpec*> events;
  for (const auto& t : types) {
    const EventSpec* e = FindEventOrReport(session->config.catalog, t);
    if (!e) return kExitUsage;
    events.push_back(e);
  }
  if (types.empty())
    for (const auto& e : session->config.catalog.events) events.push_back(&e);

  for (const EventSpec* event : events) {
    auto counts = RunMerge(session->warehouse.get(), *event);
    if (!counts.ok()) {
      exit_code = ReportError(counts.status().WithContext(fmt::format("merging {}", event->name)));
      continue;
    }
    std::cout << fmt::format("{}: merged {} staging rows into {}: {} inserted, {} updated, {} stale, {} filtered, "
                             "{} rejected\n",
                             event->name, counts->staging_rows, event->table, counts->inserted, counts->updated,
                             counts->stale, counts->filtered, counts->rejected);
  }
  return exit_code;
}

}  // namespace

void AddMergeCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("merge", "merge everything new in staging into the final tables");
  auto types = std::make_shared<std::vector<std::string>>();
  cmd->add_option("TYPE", *types, "event types to merge (default: all)");
  cmd->callback([=, &global] { *runner = [=, &global] { return RunMergeCommand(global, *types); }; });
}

}  // namespace sluice
