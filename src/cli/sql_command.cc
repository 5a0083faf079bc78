// sluice sql [--format table|csv|json|ndjson] [--write] QUERY
#include <iostream>

#include "cli/command.h"
#include "cli/query_output.h"

namespace sluice {
namespace {

int RunSql(const GlobalOptions& global, const std::string& format, bool write, const std::string& query) {
  auto output = MakeQueryOutput(format, &std::cout);
  if (!output.ok()) return ReportError(output.status(), kExitUsage);
  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  Status st = session->warehouse->Query(query, write, output->get());
  (*output)->Finish();
  if (!st.ok()) return ReportError(st);
  return kExitOk;
}

}  // namespace

void AddSqlCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("sql", "run SQL on the warehouse (read-only unless --write)");
  auto format = std::make_shared<std::string>("table");
  auto write = std::make_shared<bool>(false);
  auto query = std::make_shared<std::string>();
  cmd->add_option("--format,-f", *format, "output format: table, csv, json or ndjson")
      ->check(CLI::IsMember({"table", "csv", "json", "ndjson"}));
  cmd->add_flag("--write", *write, "allow statements that change the warehouse");
  cmd->add_option("QUERY", *query, "the SQL to run")->required();
  cmd->callback([=, &global] { *runner = [=, &global] { return RunSql(global, *format, *write, *query); }; });
}

}  // namespace sluice
