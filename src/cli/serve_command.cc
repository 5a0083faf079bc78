// sluice serve: the collector (server/server.h says what it runs, and in
// which order it starts and stops).
#include <iostream>

#include "cli/command.h"
#include "server/server.h"

namespace sluice {
namespace {

int RunServe(const GlobalOptions& global) {
  auto config = LoadConfig(ResolveConfigPath(global.config_path));
  if (!config.ok()) return ReportError(config.status(), kExitUsage);
  const Status st = ServeUntilSignalled(*config, Env::Default(), std::cout);
  if (st.ok()) return kExitOk;
  return ReportError(st, st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure);
}

}  // namespace

void AddServeCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("serve", "take events over HTTP and from AMQP sources, land them durably, load and merge continuously");
  cmd->callback([&global, runner] { *runner = [&global] { return RunServe(global); }; });
}

}  // namespace sluice
