#include "warehouse/sqlite/sqlite_warehouse.h"

#include <filesystem>

#include "base/text.h"
#include "warehouse/sqlite/sqlite_internal.h"

namespace sluice {

Result<std::unique_ptr<Warehouse>> SqliteWarehouse::Open(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return Status::IOError(fmt::format("cannot create the folder of '{}': {}", path, ec.message()));
  ASSIGN_OR_RETURN(SqliteDb db, SqliteDb::Open(path, /*create=*/true));
  return std::unique_ptr<Warehouse>(new SqliteWarehouse(std::move(db)));
}

Result<BookkeepingStore> SqliteWarehouse::OpenBookkeeping(const std::string& path) {
  ASSIGN_OR_RETURN(auto warehouse, Open(path));
  RETURN_IF_ERROR(warehouse->Prepare(Catalog{}));
  SqlSession* session = &static_cast<SqliteWarehouse*>(warehouse.get())->session_;
  return BookkeepingStore{std::move(warehouse), session};
}

Result<std::optional<std::string>> SqliteWarehouse::LoadedAs(const std::string& event_type,
                                                              const std::string& checksum) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT landed_as FROM sluice_load_history "
                                          "WHERE event_type = ? AND checksum = ? LIMIT 1"));
  stmt.BindText(1, event_type);
  stmt.BindText(2, checksum);
  ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(std::string(stmt.ColumnText(0)));
}

Result<bool> SqliteWarehouse::LandedFileLoaded(const std::string& event_type, const std::string& landed_as) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT 1 FROM sluice_load_history WHERE event_type = ? AND landed_as = ?"));
  stmt.BindText(1, event_type);
  stmt.BindText(2, landed_as);
  return stmt.Step();
}

Result<std::unique_ptr<StagingLoad>> SqliteWarehouse::BeginLoad(const EventSpec& event, std::string source,
                                                                 std::string file) {
  return BeginSqliteStagingLoad(&db_, event, std::move(source), std::move(file));
}

Result<std::unique_ptr<MergeTransaction>> SqliteWarehouse::BeginMerge(const EventSpec& event) {
  return BeginSqliteMerge(&db_, event);
}

Result<EventStatus> SqliteWarehouse::GetStatus(const EventSpec& event) {
  EventStatus s;
  const std::string stg = QuoteIdent(event.staging_table());
  ASSIGN_OR_RETURN(auto stream, db_.Prepare("SELECT position, merged_at FROM sluice_streams WHERE staging_table = ?"));
  stream.BindText(1, event.staging_table());
  int64_t position = 0;
  ASSIGN_OR_RETURN(bool found, stream.Step());
  if (found) {
    position = stream.ColumnInt(0);
    if (!stream.ColumnIsNull(1)) s.last_merge = std::string(stream.ColumnText(1));
  }
  ASSIGN_OR_RETURN(s.staged_rows, db_.QueryInt(fmt::format("SELECT count(*) FROM {}", stg)));
  ASSIGN_OR_RETURN(s.unmerged_rows, db_.QueryInt(fmt::format("SELECT count(*) FROM {} WHERE seq > {}", stg, position)));
  ASSIGN_OR_RETURN(s.final_rows, db_.QueryInt(fmt::format("SELECT count(*) FROM {}", QuoteIdent(event.table))));

  ASSIGN_OR_RETURN(auto counts, db_.Prepare(
      "SELECT (SELECT count(*) FROM sluice_load_errors WHERE event_type = ?1),"
      "       (SELECT count(*) FROM sluice_merge_errors WHERE event_type = ?1),"
      "       (SELECT max(loaded_at) FROM sluice_load_history WHERE event_type = ?1)"));
  counts.BindText(1, event.name);
  ASSIGN_OR_RETURN(bool row, counts.Step());
  if (row) {
    s.load_errors = counts.ColumnInt(0);
    s.merge_errors = counts.ColumnInt(1);
    if (!counts.ColumnIsNull(2)) s.last_load = std::string(counts.ColumnText(2));
  }
  return s;
}

Status SqliteWarehouse::Query(std::string_view sql, bool allow_writes, QuerySink* sink) {
  return SqliteQuery(&db_, sql, allow_writes, sink);
}

}  // namespace sluice
