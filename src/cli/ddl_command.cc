// sluice ddl [--dialect sqlite|postgres|snowflake]
//
// Needs only the config, not the warehouse: it prints, it does not create.
#include <iostream>

#include "catalog/ddl.h"
#include "cli/command.h"
#include "warehouse/postgres/pg_warehouse.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace sluice {
namespace {

struct DdlOptions {
  std::string dialect = "sqlite";
  SnowflakeOptions snowflake;
};

int RunDdl(const GlobalOptions& global, const DdlOptions& options) {
  auto config = LoadConfig(ResolveConfigPath(global.config_path));
  if (!config.ok()) return ReportError(config.status(), kExitUsage);
  if (options.dialect == "sqlite") {
    std::cout << "-- sluice's own tables\n" << SqliteWarehouse::SystemTablesDdl();
    for (const auto& event : config->catalog.events) {
      std::cout << fmt::format("\n-- {}\n", event.name) << SqliteCreateFinalTable(event)
                << SqliteCreateStagingTable(event);
    }
    return kExitOk;
  }
  if (options.dialect == "postgres") {
    const std::string& schema = config->warehouse.schema;
    std::cout << fmt::format("-- sluice's own tables, in schema {}\n", schema)
              << fmt::format("CREATE SCHEMA IF NOT EXISTS {};\n", QuoteIdent(schema))
              << PgWarehouse::SystemTablesDdl(schema);
    for (const auto& event : config->catalog.events) {
      std::cout << fmt::format("\n-- {}\n", event.name) << PostgresCreateFinalTable(event, schema)
                << PostgresCreateStagingTable(event, schema);
    }
    return kExitOk;
  }
  for (size_t i = 0; i < config->catalog.events.size(); ++i)
    std::cout << (i ? "\n" : "") << SnowflakeObjects(config->catalog.events[i], options.snowflake);
  return kExitOk;
}

}  // namespace

void AddDdlCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("ddl", "print the DDL for the catalog");
  auto o = std::make_shared<DdlOptions>();
  cmd->add_option("--dialect,-d", o->dialect, "sqlite or postgres (what sluice creates there; postgres uses warehouse.schema), or snowflake (the seed's objects)")
      ->check(CLI::IsMember({"sqlite", "postgres", "snowflake"}));
  cmd->add_option("--schema", o->snowflake.schema, "snowflake: DATABASE.SCHEMA")->capture_default_str();
  cmd->add_option("--stage-url", o->snowflake.stage_url, "snowflake: stage URL prefix; the event name is appended")
      ->capture_default_str();
  cmd->add_option("--storage-integration", o->snowflake.storage_integration, "snowflake: storage integration")
      ->capture_default_str();
  cmd->add_option("--file-format", o->snowflake.file_format, "snowflake: file format (default SCHEMA.JSON_FILE_FORMAT)");
  cmd->add_option("--readonly-role", o->snowflake.readonly_role, "snowflake: role granted SELECT on final tables");
  cmd->callback([=, &global] { *runner = [=, &global] { return RunDdl(global, *o); }; });
}

}  // namespace sluice
