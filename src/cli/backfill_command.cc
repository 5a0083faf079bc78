// sluice backfill postgres --dsn DSN (--table NAME | --query SQL)
//   [--type TYPE | --type-column COL] [--payload-column COL] [--cursor COL]
#include <unistd.h>

#include <iostream>

#include "cli/command.h"
#include "merge/merge_run.h"
#include "sources/backfill/pg_backfill.h"

namespace sluice {
namespace {

struct BackfillOptions {
  BackfillRequest request;
  bool no_merge = false;
};

int RunBackfill(const GlobalOptions& global, BackfillOptions o) {
  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  o.request.progress = isatty(STDERR_FILENO) != 0;
  auto report = RunPgBackfill(Env::Default(), session->config, session->warehouse.get(), o.request);
  if (!report.ok())
    return ReportError(report.status().WithContext("backfill"),
                       report.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure);
  const BackfillReport& r = *report;
  if (r.resumed_after) std::cout << fmt::format("backfill {}: resumed after cursor {}\n", r.name, *r.resumed_after);
  std::cout << fmt::format("backfill {}: {} rows in {:.1f} s ({:.0f} rows/s); {} files loaded, {} loaded before",
                           r.name, r.rows, r.seconds, r.seconds > 0 ? static_cast<double>(r.rows) / r.seconds : 0.0,
                           r.files_loaded, r.files_skipped);
  if (r.last_cursor) std::cout << fmt::format("; cursor now {}", *r.last_cursor);
  std::cout << "\n";
  for (const auto& [type, rows] : r.rows_by_type) std::cout << fmt::format("  {}: {} rows\n", type, rows);
  if (r.load_errors > 0)
    std::cout << fmt::format("  {} rows were not JSON objects: see sluice_load_errors\n", r.load_errors);
  int status = kExitOk;
  for (const auto& [type, rows] : r.unknown_types) {
    std::cerr << fmt::format("error: {} rows skipped: their type '{}' is not an event of the catalog\n", rows, type);
    status = kExitFailure;
  }
  if (r.null_payloads > 0) {
    std::cerr << fmt::format("error: {} rows skipped: their payload column is NULL\n", r.null_payloads);
    status = kExitFailure;
  }
  if (o.no_merge) return status;
  // Every type the source can hold, not only those this run read: a run
  // that resumes after a killed one may find the killed run's rows loaded
  // but not merged.
  for (const auto& event : session->config.catalog.events) {
    if (!o.request.type.empty() && event.name != o.request.type) continue;
    auto counts = RunMerge(session->warehouse.get(), event, SessionMergeOptions(*session));
    if (!counts.ok()) return ReportError(counts.status().WithContext(fmt::format("merging {}", event.name)));
    if (counts->staging_rows > 0 || counts->recomputed) std::cout << MergeSummary(event, *counts) << "\n";
  }
  return status;
}

}  // namespace

void AddBackfillCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("backfill", "load history from another system");
  cmd->require_subcommand(1);
  auto o = std::make_shared<BackfillOptions>();
  BackfillRequest& r = o->request;
  auto* pg = cmd->add_subcommand("postgres", "stream a PostgreSQL table or query into landed files, then merge");
  pg->add_option("--dsn", r.dsn, "the source database, e.g. postgresql://user@host/db")->required();
  pg->add_option("--table", r.table, "the source table (or use --query)");
  pg->add_option("--query", r.query, "a SELECT whose rows are the events");
  pg->add_option("--type", r.type, "the event type of every row (or use --type-column)");
  pg->add_option("--type-column", r.type_column, "the column that names each row's event type");
  pg->add_option("--payload-column", r.payload_column,
                 "the JSON/JSONB column that holds the event (default: each row becomes an object of its columns)");
  pg->add_option("--cursor", r.cursor, "an ordered column: a rerun resumes after the last value loaded");
  pg->add_option("--name", r.name, "names the saved cursor (default: derived from the source and options)");
  pg->add_flag("--restart", r.restart, "ignore the saved cursor and read from the start");
  pg->add_option("--rows-per-file", r.rows_per_file, "rows per landed file")->default_val(100000);
  pg->add_flag("--no-merge", o->no_merge, "load only; the merge runs later");
  pg->callback([=, &global] { *runner = [=, &global] { return RunBackfill(global, *o); }; });
}

}  // namespace sluice
