// sluice ddl [--dialect NAME]: what sluice creates (a backend's dialect) or
// what a team would create elsewhere (a standalone dialect, e.g. snowflake),
// for the config's catalog. The dialects and their flags come from the
// registry (warehouse/registry.h).
//
// Needs only the config, not the warehouse: it prints, it does not create.
#include <iostream>

#include "base/text.h"
#include "cli/command.h"
#include "warehouse/registry.h"

namespace sluice {
namespace {

struct DdlOptions {
  std::string dialect = kDefaultWarehouseBackend;
  std::map<std::string, std::string> flags;  // the standalone dialects' flags, by name
};

int RunDdl(const GlobalOptions& global, const DdlOptions& options) {
  auto config = LoadConfig(ResolveConfigPath(global.config_path));
  if (!config.ok()) return ReportError(config.status(), kExitUsage);
  auto dialect = MakeDialect(options.dialect, config->warehouse, options.flags);
  if (!dialect.ok()) return ReportError(dialect.status(), kExitUsage);
  std::cout << (*dialect)->CatalogDdl(config->catalog);
  return kExitOk;
}

}  // namespace

void AddDdlCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("ddl", "print the DDL for the catalog");
  auto o = std::make_shared<DdlOptions>();
  std::vector<std::string> backends, others;
  for (const BackendDefinition* backend : Backends()) backends.push_back(backend->name);
  for (const std::string& name : DialectNames())
    if (const DialectDefinition* dialect = FindStandaloneDialect(name))
      others.push_back(fmt::format("{} ({})", name, dialect->summary));
  cmd->add_option("--dialect,-d", o->dialect,
                  fmt::format("{}: the tables sluice creates on that backend (with the config's warehouse keys when it "
                              "uses that backend); {}",
                              Join(backends, ", "), Join(others, "; ")))
      ->check(CLI::IsMember(DialectNames()));
  for (const std::string& name : DialectNames()) {
    const DialectDefinition* dialect = FindStandaloneDialect(name);
    if (dialect == nullptr) continue;
    for (const DialectFlag& flag : dialect->flags) {
      o->flags[flag.name] = flag.default_value;
      auto* option = cmd->add_option("--" + flag.name, o->flags[flag.name], flag.help);
      if (!flag.default_value.empty()) option->capture_default_str();
    }
  }
  cmd->callback([=, &global] { *runner = [=, &global] { return RunDdl(global, *o); }; });
}

}  // namespace sluice
