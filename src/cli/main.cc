// sluice: a self-hosted business event warehouse. One file per subcommand;
// this file only wires them together.
#include <iostream>

#include "cli/command.h"

int main(int argc, char** argv) {
  using namespace sluice;
  CLI::App app{"sluice: business events in, clean warehouse tables out"};
  app.set_version_flag("--version", "sluice 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();  // -c works before or after the subcommand
  GlobalOptions global;
  app.add_option("-c,--config", global.config_path,
                 "the config file (default: $SLUICE_CONFIG, else ./sluice.yaml)");
  CommandRunner runner;
  AddLoadCommand(app, global, &runner);
  AddMergeCommand(app, global, &runner);
  AddSqlCommand(app, global, &runner);
  AddStatusCommand(app, global, &runner);
  AddDdlCommand(app, global, &runner);
  AddServeCommand(app, global, &runner);
  AddKeysCommand(app, global, &runner);
  AddTasksCommand(app, global, &runner);
  AddCorrectionsCommands(app, global, &runner);
  AddRebuildCommand(app, global, &runner);
  AddDedupeCommand(app, global, &runner);
  AddReplayCommand(app, global, &runner);
  AddBackfillCommand(app, global, &runner);
  AddLoadErrorsCommand(app, global, &runner);
  AddPublishCommand(app, global, &runner);
  AddModelsCommand(app, global, &runner);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "error: " << e.what() << "\nRun with --help for more information.\n";
    return kExitUsage;
  }
  return runner ? runner() : kExitUsage;
}
