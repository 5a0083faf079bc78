// Creating and evolving the warehouse's tables from the catalog.
//
// sluice_columns records the catalog as last applied, so a change is judged
// against what the table was created from (see schema_diff.h).
//
// Time linear in the catalog's size: what the file holds is read once
// (sqlite_master, sluice_columns, sluice_streams), never looked up per event
// type: sqlite_master has no index by name, so each look-up is a scan and
// per-type look-ups grew like the square of the number of types. What is
// left is SQLite's own cost of a CREATE TABLE, which re-reads the new
// table's rows of sqlite_master with a scan of the whole of it (a first
// prepare of 20 000 types: about 40 000 such scans).
#include <unordered_map>
#include <unordered_set>

#include "base/text.h"
#include "warehouse/schema_plan.h"
#include "warehouse/sqlite/sqlite_transaction.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace sluice {

// What the warehouse file holds, as Prepare judges it.
Result<StoredSchema> SqliteWarehouse::ReadSchema() {
  StoredSchema schema;
  ASSIGN_OR_RETURN(auto master,
                   db_.Prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'index')"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, master.Step());
    if (!row) break;
    schema.relations.emplace(master.ColumnText(0));
  }
  schema.system_tables = true;
  for (const auto& table : SystemTables())
    if (!schema.relations.count(table.name)) schema.system_tables = false;
  if (!schema.system_tables) return schema;  // a new file: nothing of sluice's to read yet
  ASSIGN_OR_RETURN(auto columns, db_.Prepare("SELECT table_name, column_name, type, coalesce(key_position, 0) "
                                             "FROM sluice_columns"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, columns.Step());
    if (!row) break;
    schema.columns[std::string(columns.ColumnText(0))][std::string(columns.ColumnText(1))] = {
        std::string(columns.ColumnText(2)), static_cast<int>(columns.ColumnInt(3))};
  }
  ASSIGN_OR_RETURN(auto streams, db_.Prepare("SELECT staging_table FROM sluice_streams"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, streams.Step());
    if (!row) break;
    schema.streams.emplace(streams.ColumnText(0));
  }
  return schema;
}

Status SqliteWarehouse::Prepare(const Catalog& catalog) {
  // Most runs change nothing: check without the write lock, so `sluice sql`
  // and `sluice status` never wait behind a long load or merge.
  {
    ASSIGN_OR_RETURN(const StoredSchema schema, ReadSchema());
    if (SchemaHoldsCatalog(schema, catalog)) return Status::Ok();
  }
  SqliteTransaction txn(&db_);
  RETURN_IF_ERROR(txn.Begin());
  for (const auto& table : SystemTables())
    RETURN_IF_ERROR(db_.Exec(dialect_.CreateTable(table) + dialect_.CreateIndexes(table)));
  // Read again under the write lock: another process may have prepared meanwhile.
  ASSIGN_OR_RETURN(const StoredSchema schema, ReadSchema());
  const SchemaPlan plan = PlanSchema(schema, catalog, dialect_);
  RETURN_IF_ERROR(RefusalStatus(plan.refusals));

  for (const std::string& statement : plan.statements) RETURN_IF_ERROR(db_.Exec(statement));
  // After the DDL: each schema change would make SQLite compile these again.
  ASSIGN_OR_RETURN(auto record, db_.Prepare("INSERT OR REPLACE INTO sluice_columns "
                                            "(table_name, column_name, type, key_position) VALUES (?, ?, ?, ?)"));
  for (const auto& [event, col] : plan.remember) {
    record.BindText(1, event->table);
    record.BindText(2, col->name);
    record.BindText(3, col->type.ToString());
    const int key = KeyPosition(*event, col->name);
    if (key) record.BindInt(4, key);
    else record.BindNull(4);
    RETURN_IF_ERROR(record.Run());
  }
  ASSIGN_OR_RETURN(auto stream, db_.Prepare("INSERT OR IGNORE INTO sluice_streams (staging_table, event_type, "
                                            "position) VALUES (?, ?, 0)"));
  for (const EventSpec* event : plan.new_streams) {
    stream.BindText(1, event->staging_table());
    stream.BindText(2, event->name);
    RETURN_IF_ERROR(stream.Run());
  }
  return txn.Commit();
}

}  // namespace sluice
