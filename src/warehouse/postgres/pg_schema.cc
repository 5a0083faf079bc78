// Creating and evolving the PostgreSQL warehouse's tables from the catalog,
// in a number of round trips that does not grow with the catalog's size:
// what the schema holds is read once (pg_class, sluice_columns,
// sluice_streams), and the DDL and sluice's records of it go in batches.
// Every command starts with SchemaIsCurrent, and a catalog may hold 20 000
// types: a round trip per type there would be seconds on every command.
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "base/text.h"
#include "warehouse/postgres/pg_internal.h"
#include "warehouse/postgres/pg_warehouse.h"
#include "warehouse/schema_plan.h"

namespace sluice {
namespace {

// Statements per simple-protocol batch, and rows per INSERT: a few round
// trips for 20 000 types, none too large a message.
constexpr size_t kStatementsPerBatch = 200;
constexpr size_t kRowsPerInsert = 1000;

}  // namespace

// What the warehouse's schema holds, as Prepare judges it.
struct PgWarehouse::AppliedSchema {
  StoredSchema stored;
  std::unordered_set<std::string> readable;  // tables readonly_role may SELECT (when it is set and exists)
  bool role_ready = true;                    // readonly_role exists and may use the schema (or is not set)
};

Result<PgWarehouse::AppliedSchema> PgWarehouse::ReadSchema() {
  AppliedSchema applied;
  StoredSchema& schema = applied.stored;
  {
    ASSIGN_OR_RETURN(PgResult r, conn()->Query("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                                               "c.relnamespace WHERE n.nspname = $1",
                                               {options_.schema}));
    for (int i = 0; i < r.rows(); ++i) schema.relations.emplace(r.Get(i, 0));
  }
  schema.system_tables = true;
  for (const auto& table : SystemTables())
    if (!schema.relations.count(table.name)) schema.system_tables = false;
  if (!schema.system_tables) return applied;  // a new schema: nothing of sluice's to read yet
  {
    ASSIGN_OR_RETURN(PgResult r, conn()->Query(fmt::format("SELECT table_name, column_name, type, "
                                                          "coalesce(key_position, 0) FROM {}",
                                                          Table("sluice_columns"))));
    for (int i = 0; i < r.rows(); ++i)
      schema.columns[std::string(r.Get(i, 0))][std::string(r.Get(i, 1))] = {std::string(r.Get(i, 2)),
                                                                            static_cast<int>(r.GetInt(i, 3))};
  }
  {
    ASSIGN_OR_RETURN(PgResult r, conn()->Query(fmt::format("SELECT staging_table FROM {}", Table("sluice_streams"))));
    for (int i = 0; i < r.rows(); ++i) schema.streams.emplace(r.Get(i, 0));
  }
  if (!options_.readonly_role.empty()) {
    ASSIGN_OR_RETURN(PgResult role, conn()->Query("SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
                                                  "$1) THEN has_schema_privilege($1, $2, 'USAGE') ELSE false END",
                                                  {options_.readonly_role, options_.schema}));
    applied.role_ready = role.Get(0, 0) == "t";
    if (applied.role_ready) {
      ASSIGN_OR_RETURN(PgResult r, conn()->Query("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                                                 "c.relnamespace WHERE n.nspname = $2 AND c.relkind IN ('r', 'p') "
                                                 "AND has_table_privilege($1, c.oid, 'SELECT')",
                                                 {options_.readonly_role, options_.schema}));
      for (int i = 0; i < r.rows(); ++i) applied.readable.emplace(r.Get(i, 0));
    }
  }
  return applied;
}

Result<bool> PgWarehouse::SchemaIsCurrent(const Catalog& catalog) {
  ASSIGN_OR_RETURN(const AppliedSchema applied, ReadSchema());
  if (!applied.role_ready || !SchemaHoldsCatalog(applied.stored, catalog)) return false;
  if (!options_.readonly_role.empty())
    for (const auto& event : catalog.events)
      if (!applied.readable.count(event.table)) return false;
  if (!options_.readonly_role.empty()) {
    ASSIGN_OR_RETURN(bool lacks, ReaderLacksRole());
    if (lacks) return false;
  }
  return true;
}

Status PgWarehouse::PrepareEvents(const Catalog& catalog,
                                  const std::function<Status(const std::function<Status()>&)>& locked) {
  ASSIGN_OR_RETURN(const AppliedSchema applied, ReadSchema());
  const SchemaPlan plan = PlanSchema(applied.stored, catalog, dialect_);
  RETURN_IF_ERROR(RefusalStatus(plan.refusals));
  const std::vector<std::string>& statements = plan.statements;

  for (size_t first = 0; first < statements.size(); first += kStatementsPerBatch) {
    std::string batch;
    for (size_t i = first; i < std::min(statements.size(), first + kStatementsPerBatch); ++i) batch += statements[i];
    RETURN_IF_ERROR(locked([&] { return conn()->Exec(batch); }));
  }
  return locked([&] { return RememberEvents(plan.remember, plan.new_streams); });
}

Status PgWarehouse::RememberEvents(const std::vector<SchemaPlan::Column>& remember,
                                   const std::vector<const EventSpec*>& new_streams) {
  for (size_t first = 0; first < remember.size(); first += kRowsPerInsert) {
    std::string values;
    PgParams params;
    for (size_t i = first; i < std::min(remember.size(), first + kRowsPerInsert); ++i) {
      const auto& [event, col] = remember[i];
      const size_t p = params.size();
      values += fmt::format("{}(${}, ${}, ${}, ${}::int)", values.empty() ? "" : ", ", p + 1, p + 2, p + 3, p + 4);
      const int key = KeyPosition(*event, col->name);
      params.insert(params.end(), {event->table, col->name, col->type.ToString(),
                                   key ? std::optional<std::string>(std::to_string(key)) : std::nullopt});
    }
    RETURN_IF_ERROR(conn()
                        ->Query(fmt::format("INSERT INTO {} (table_name, column_name, type, key_position) VALUES {} "
                                            "ON CONFLICT (table_name, column_name) DO UPDATE SET type = excluded.type, "
                                            "key_position = excluded.key_position",
                                            Table("sluice_columns"), values),
                                params)
                        .status());
  }
  for (size_t first = 0; first < new_streams.size(); first += kRowsPerInsert) {
    std::string values;
    PgParams params;
    for (size_t i = first; i < std::min(new_streams.size(), first + kRowsPerInsert); ++i) {
      const size_t p = params.size();
      values += fmt::format("{}(${}, ${}, 0)", values.empty() ? "" : ", ", p + 1, p + 2);
      params.insert(params.end(), {new_streams[i]->staging_table(), new_streams[i]->name});
    }
    RETURN_IF_ERROR(conn()
                        ->Query(fmt::format("INSERT INTO {} (staging_table, event_type, position) VALUES {} "
                                            "ON CONFLICT DO NOTHING",
                                            Table("sluice_streams"), values),
                                params)
                        .status());
  }
  return Status::Ok();
}

}  // namespace sluice
