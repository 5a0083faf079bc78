// sluice rebuild TYPE [--since 14d]: recompute a type's final rows from its
// history with the current catalog and corrections, in one transaction.
// sluice replay TYPE [--from TIME] [--to TIME] [--id VALUE...] [--rejected]
// [--load-errors]: feed chosen staging rows through the merge again (after a
// catalog fix), and lines fixed after they failed to load.
#include <iostream>

#include "base/clock.h"
#include "catalog/cast.h"
#include "cli/command.h"
#include "corrections/load_error_fixes.h"
#include "merge/event_id.h"
#include "merge/merge_run.h"

namespace sluice {
namespace {

struct RecomputeOptions {
  std::string type;
  std::string since;  // rebuild
  std::string from, to;
  std::vector<std::string> id_values;
  bool rejected = false;
  bool load_errors = false;
};

// A time on the command line: ISO-8601 (2026-11-20T10:00:00Z, a date) or a
// duration back from now (14d, 6h).
Result<std::string> TimeArgument(const std::string& flag, const std::string& text) {
  int64_t micros = 0;
  std::string error;
  if (ParseTimestamp(text, &micros, &error)) return FormatTimestamp(micros);
  auto ago = ParseDurationMicros(text);
  if (ago.ok()) return FormatTimestamp(NowMicros() - *ago);
  return Status::InvalidArgument(fmt::format("{} '{}' is neither a time (2026-11-20T10:00:00Z) nor a duration back "
                                             "from now (14d): {}",
                                             flag, text, error));
}

int Run(const GlobalOptions& global, const RecomputeOptions& o, bool rebuild) {
  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  const EventSpec* event = FindEventOrReport(session->config.catalog, o.type);
  if (!event) return kExitUsage;
  RecomputeRequest request;
  request.rejected = o.rejected;
  request.every_row = rebuild && o.since.empty();
  for (const auto& [flag, text, target] : {std::tuple{"--since", o.since, &request.from},
                                           std::tuple{"--from", o.from, &request.from},
                                           std::tuple{"--to", o.to, &request.to}}) {
    if (text.empty()) continue;
    auto at = TimeArgument(flag, text);
    if (!at.ok()) return ReportError(at.status(), kExitUsage);
    *target = *at;
  }
  if (!o.id_values.empty()) {
    auto ids = IdsFromValues(*event, o.id_values);
    if (!ids.ok()) return ReportError(ids.status(), kExitUsage);
    request.ids.insert(ids->begin(), ids->end());
  }
  MergeOptions options = SessionMergeOptions(*session);
  if (o.load_errors) {
    // Fixed lines are new deliveries: they load, then merge like any.
    auto fixes = ReplayLoadErrorFixes(session->config, session->warehouse.get(), *event);
    if (!fixes.ok()) return ReportError(fixes.status().WithContext("replaying load errors"));
    std::cout << fmt::format("{}: loaded {} fixed lines\n", event->name, *fixes);
    const bool only_load_errors = !request.from && !request.to && request.ids.empty() && !request.rejected;
    if (!only_load_errors) options.recompute = std::move(request);
  } else {
    options.recompute = std::move(request);
  }
  auto counts = RunMerge(session->warehouse.get(), *event, options);
  if (!counts.ok())
    return ReportError(counts.status().WithContext(fmt::format("{} {}", rebuild ? "rebuilding" : "replaying",
                                                               event->name)),
                       counts.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure);
  std::cout << MergeSummary(*event, *counts) << "\n";
  return kExitOk;
}

}  // namespace

void AddRebuildCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("rebuild", "recompute a type's final rows from its history and corrections");
  auto o = std::make_shared<RecomputeOptions>();
  cmd->add_option("TYPE", o->type, "the event type")->required();
  cmd->add_option("--since", o->since, "only the keys of events that arrived in this window (14d, 6h) or since a time");
  cmd->callback([=, &global] { *runner = [=, &global] { return Run(global, *o, /*rebuild=*/true); }; });
}

void AddReplayCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("replay", "merge chosen staging rows again, with the current catalog and corrections");
  auto o = std::make_shared<RecomputeOptions>();
  cmd->add_option("TYPE", o->type, "the event type")->required();
  cmd->add_option("--from", o->from, "rows that arrived at or after this time (ISO-8601, or 14d ago)");
  cmd->add_option("--to", o->to, "rows that arrived before this time");
  cmd->add_option("--id", o->id_values, "the events with these ids (values in the order of the id: paths)")
      ->expected(1, -1);
  cmd->add_flag("--rejected", o->rejected, "only rows the merge rejected (sluice_merge_errors)");
  cmd->add_flag("--load-errors", o->load_errors,
                "load the lines fixed with sluice load-errors import (they failed to load), then merge");
  cmd->callback([=, &global] { *runner = [=, &global] { return Run(global, *o, /*rebuild=*/false); }; });
}

}  // namespace sluice
