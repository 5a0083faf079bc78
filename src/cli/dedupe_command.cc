// sluice dedupe TYPE --by id [--lookback 14d] [--dry-run]
// sluice dedupe TYPE --by COLUMN... [--keep first|last] [--lookback 14d] [--dry-run]
#include <iostream>

#include "base/clock.h"
#include "cli/command.h"
#include "corrections/dedupe.h"
#include "merge/merge_run.h"

namespace sluice {
namespace {

struct DedupeOptions {
  std::string type;
  std::vector<std::string> by;
  std::string keep = "first";
  std::string lookback;
  bool dry_run = false;
  bool no_merge = false;
};

int RunDedupe(const GlobalOptions& global, const DedupeOptions& o) {
  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  const EventSpec* event = FindEventOrReport(session->config.catalog, o.type);
  if (!event) return kExitUsage;
  DedupeRequest request;
  if (!(o.by.size() == 1 && o.by[0] == "id")) request.columns = o.by;
  request.keep_last = o.keep == "last";
  request.dry_run = o.dry_run;
  request.by = OsUser();
  if (!o.lookback.empty()) {
    auto window = ParseDurationMicros(o.lookback);
    if (!window.ok()) return ReportError(window.status().WithContext("--lookback"), kExitUsage);
    request.since = FormatTimestamp(NowMicros() - *window);
  }
  auto report = Dedupe(session->warehouse.get(), *event, request);
  if (!report.ok())
    return ReportError(report.status(),
                       report.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure);
  for (const auto& set : report->sets) {
    std::cout << fmt::format("kept {}\n", set.kept);
    for (const auto& d : set.dropped) std::cout << fmt::format("  {} {}\n", o.dry_run ? "would exclude" : "excluded", d);
  }
  const std::string what = request.columns.empty() ? "deliveries" : "events";
  std::cout << fmt::format("{}: read {} events, found {} sets of duplicates, {} duplicate {}; ", event->name,
                           report->events_read, report->sets.size(), report->duplicates, what);
  if (o.dry_run) {
    std::cout << "dry run: nothing changed\n";
    return kExitOk;
  }
  std::cout << fmt::format("excluded {} ({} already were)\n", report->excluded, report->duplicates - report->excluded);
  if (report->excluded == 0 || o.no_merge) return kExitOk;
  auto counts = RunMerge(session->warehouse.get(), *event, SessionMergeOptions(*session));
  if (!counts.ok()) return ReportError(counts.status().WithContext(fmt::format("merging {}", event->name)));
  std::cout << MergeSummary(*event, *counts) << "\n";
  return kExitOk;
}

}  // namespace

void AddDedupeCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("dedupe", "find events delivered more than once and exclude the extra copies");
  auto o = std::make_shared<DedupeOptions>();
  cmd->add_option("TYPE", o->type, "the event type")->required();
  cmd->add_option("--by", o->by, "id (the same event id), or event-level columns (the same values under different ids)")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--keep", o->keep, "by columns: which to keep, the first or the last to arrive")
      ->check(CLI::IsMember({"first", "last"}))
      ->default_val("first");
  cmd->add_option("--lookback", o->lookback, "only events that arrived in this window, e.g. 14d");
  cmd->add_flag("--dry-run", o->dry_run, "report what would be excluded, change nothing");
  cmd->add_flag("--no-merge", o->no_merge, "do not merge the type now");
  cmd->callback([=, &global] { *runner = [=, &global] { return RunDedupe(global, *o); }; });
}

}  // namespace sluice
