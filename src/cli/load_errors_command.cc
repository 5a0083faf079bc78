// sluice load-errors export TYPE [--file F] | import TYPE FILE: lines that
// failed to load, out for fixing and back in (corrections/load_error_fixes.h).
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "corrections/load_error_fixes.h"

namespace sluice {
namespace {

struct LoadErrorsOptions {
  std::string action;
  std::string type;
  std::string file;
  std::string by;
};

int RunLoadErrors(const GlobalOptions& global, const LoadErrorsOptions& o) {
  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  const EventSpec* event = FindEventOrReport(session->config.catalog, o.type);
  if (!event) return kExitUsage;
  if (o.action == "export") {
    std::ofstream file;
    if (!o.file.empty()) {
      file.open(o.file, std::ios::binary | std::ios::trunc);
      if (!file) return ReportError(Status::IOError(fmt::format("cannot write '{}'", o.file)));
    }
    auto n = ExportLoadErrors(session->warehouse.get(), *event, o.file.empty() ? &std::cout : &file);
    if (!n.ok()) return ReportError(n.status());
    std::cerr << fmt::format("{}: exported {} load errors; fix each \"raw\" (or add the corrected event as "
                             "\"event\"), then: sluice load-errors import {} FILE\n",
                             event->name, *n, event->name);
    return kExitOk;
  }
  auto n = ImportLoadErrorFixes(session->warehouse.get(), *event, o.file, o.by.empty() ? OsUser() : o.by);
  if (!n.ok())
    return ReportError(n.status(), n.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure);
  std::cout << fmt::format("{}: imported {} fixes; load them with: sluice replay {} --load-errors\n", event->name, *n,
                           event->name);
  return kExitOk;
}

}  // namespace

void AddLoadErrorsCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("load-errors", "fix lines that failed to load: export them, import the fixes");
  cmd->require_subcommand(1);
  auto o = std::make_shared<LoadErrorsOptions>();
  const auto on = [=, &global](const char* action) {
    return [=, &global] {
      o->action = action;
      *runner = [=, &global] { return RunLoadErrors(global, *o); };
    };
  };
  auto* out = cmd->add_subcommand("export", "write the type's unfixed load errors as NDJSON");
  out->add_option("TYPE", o->type, "the event type")->required();
  out->add_option("--file", o->file, "where to write (default: standard output)");
  out->callback(on("export"));
  auto* in = cmd->add_subcommand("import", "store fixed lines (an edited export) for sluice replay --load-errors");
  in->add_option("TYPE", o->type, "the event type")->required();
  in->add_option("FILE", o->file, "the edited export")->required();
  in->add_option("--by", o->by, "who (default: the OS user)");
  in->callback(on("import"));
}

}  // namespace sluice
