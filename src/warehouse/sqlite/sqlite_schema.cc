// Creating and evolving the warehouse's tables from the catalog.
//
// sluice_columns records the catalog as last applied, so a change is judged
// against what the table was created from (see schema_diff.h).
#include <map>
#include <set>

#include "base/text.h"
#include "warehouse/sqlite/sqlite_transaction.h"
#include "warehouse/schema_diff.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace sluice {

Status SqliteWarehouse::PrepareEvent(const EventSpec& event, std::vector<std::string>* refusals) {
  ASSIGN_OR_RETURN(auto read, db_.Prepare("SELECT column_name, type, coalesce(key_position, 0) FROM sluice_columns "
                                          "WHERE table_name = ?"));
  read.BindText(1, event.table);
  std::map<std::string, AppliedColumn> applied;
  while (true) {
    ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) break;
    applied[std::string(read.ColumnText(0))] = {std::string(read.ColumnText(1)), static_cast<int>(read.ColumnInt(2))};
  }
  ASSIGN_OR_RETURN(auto record, db_.Prepare("INSERT OR REPLACE INTO sluice_columns "
                                            "(table_name, column_name, type, key_position) VALUES (?, ?, ?, ?)"));
  const auto remember = [&](const ColumnSpec& col) {
    record.BindText(1, event.table);
    record.BindText(2, col.name);
    const std::string type = col.type.ToString();
    record.BindText(3, type);
    const int key = KeyPosition(event, col.name);
    if (key) record.BindInt(4, key);
    else record.BindNull(4);
    return record.Run();
  };

  if (applied.empty()) {
    ASSIGN_OR_RETURN(auto exists, db_.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"));
    exists.BindText(1, event.table);
    ASSIGN_OR_RETURN(bool found, exists.Step());
    if (found) {
      refusals->push_back(ForeignTableRefusal(event));
      return Status::Ok();
    }
    RETURN_IF_ERROR(db_.Exec(dialect_.CreateTable(FinalTableDef(event))));
    for (const auto& col : event.columns) RETURN_IF_ERROR(remember(col));
  } else {
    const TableDef final_table = FinalTableDef(event);
    for (const ColumnSpec* col : ColumnsToAdd(event, applied, refusals)) {
      const ColumnDef& def = final_table.columns[static_cast<size_t>(event.ColumnIndex(col->name))];
      RETURN_IF_ERROR(db_.Exec(dialect_.AddColumn(final_table, def)));
      RETURN_IF_ERROR(remember(*col));
    }
  }
  RETURN_IF_ERROR(db_.Exec(dialect_.CreateIndexes(FinalTableDef(event))));
  RETURN_IF_ERROR(db_.Exec(dialect_.CreateTable(StagingTableDef(event))));
  ASSIGN_OR_RETURN(auto stream, db_.Prepare("INSERT OR IGNORE INTO sluice_streams (staging_table, event_type, position) "
                                            "VALUES (?, ?, 0)"));
  stream.BindText(1, event.staging_table());
  stream.BindText(2, event.name);
  return stream.Run();
}

Result<bool> SqliteWarehouse::SchemaIsCurrent(const Catalog& catalog) {
  // One read of each catalog table, not one look-up per event type:
  // sqlite_master has no index by name, so per-type look-ups grew like the
  // square of the number of types.
  std::set<std::string> tables, indexes;
  ASSIGN_OR_RETURN(auto master, db_.Prepare("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index')"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, master.Step());
    if (!row) break;
    (master.ColumnText(0) == "table" ? tables : indexes).insert(std::string(master.ColumnText(1)));
  }
  for (const auto& table : SystemTables())
    if (!tables.count(table.name)) return false;
  std::map<std::string, std::map<std::string, AppliedColumn>> applied;
  ASSIGN_OR_RETURN(auto columns, db_.Prepare("SELECT table_name, column_name, type, coalesce(key_position, 0) "
                                             "FROM sluice_columns"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, columns.Step());
    if (!row) break;
    applied[std::string(columns.ColumnText(0))][std::string(columns.ColumnText(1))] = {
        std::string(columns.ColumnText(2)), static_cast<int>(columns.ColumnInt(3))};
  }
  std::set<std::string> streams;
  ASSIGN_OR_RETURN(auto stream_rows, db_.Prepare("SELECT staging_table FROM sluice_streams"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, stream_rows.Step());
    if (!row) break;
    streams.insert(std::string(stream_rows.ColumnText(0)));
  }
  for (const auto& event : catalog.events) {
    const std::map<std::string, AppliedColumn> wanted = WantedColumns(event);
    const auto it = applied.find(event.table);
    if (it == applied.end() || it->second.size() != wanted.size()) return false;
    for (const auto& [name, column] : wanted) {
      const auto found = it->second.find(name);
      if (found == it->second.end() || found->second.type != column.type ||
          found->second.key_position != column.key_position)
        return false;
    }
    const std::string staging = event.staging_table();
    if (!tables.count(staging) || !streams.count(staging)) return false;
    for (const IndexDef& index : FinalTableDef(event).indexes)
      if (!indexes.count(index.name)) return false;
  }
  return true;
}

Status SqliteWarehouse::Prepare(const Catalog& catalog) {
  // Most runs change nothing: check without the write lock, so `sluice sql`
  // and `sluice status` never wait behind a long load or merge.
  ASSIGN_OR_RETURN(bool current, SchemaIsCurrent(catalog));
  if (current) return Status::Ok();
  SqliteTransaction txn(&db_);
  RETURN_IF_ERROR(txn.Begin());
  for (const auto& table : SystemTables())
    RETURN_IF_ERROR(db_.Exec(dialect_.CreateTable(table) + dialect_.CreateIndexes(table)));
  std::vector<std::string> refusals;
  for (const auto& event : catalog.events) RETURN_IF_ERROR(PrepareEvent(event, &refusals));
  RETURN_IF_ERROR(RefusalStatus(refusals));
  return txn.Commit();
}

}  // namespace sluice
