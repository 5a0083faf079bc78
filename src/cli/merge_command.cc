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
    auto counts = RunMerge(session->warehouse.get(), *event, SessionMergeOptions(*session));
    if (!counts.ok()) {
      exit_code = ReportError(counts.status().WithContext(fmt::format("merging {}", event->name)));
      continue;
    }
    std::cout << MergeSummary(*event, *counts) << "\n";
  }
  return exit_code;
}

}  // namespace

MergeOptions SessionMergeOptions(const Session& session) {
  MergeOptions options;
  options.data_dir = session.config.data_dir;
  return options;
}

std::string MergeSummary(const EventSpec& event, const MergeCounts& c) {
  std::string out;
  if (c.recomputed) {
    const std::string keys = c.recomputed_keys < 0 ? "every key" : fmt::format("{} keys", c.recomputed_keys);
    out = fmt::format("{}: recomputed {} of {} from its history and corrections: {} rows written, {} rows' merge "
                      "errors replaced\n",
                      event.name, keys, event.table, c.recomputed_rows, c.replaced_errors);
  }
  out += fmt::format("{}: merged {} staging rows into {}: {} inserted, {} updated, {} stale, {} filtered, {} rejected",
                     event.name, c.staging_rows, event.table, c.inserted, c.updated, c.stale, c.filtered, c.rejected);
  if (c.excluded > 0 || c.corrected > 0) out += fmt::format(", {} excluded, {} corrected", c.excluded, c.corrected);
  return out;
}

void AddMergeCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("merge", "merge everything new in staging into the final tables");
  auto types = std::make_shared<std::vector<std::string>>();
  cmd->add_option("TYPE", *types, "event types to merge (default: all)");
  cmd->callback([=, &global] { *runner = [=, &global] { return RunMergeCommand(global, *types); }; });
}

}  // namespace sluice
