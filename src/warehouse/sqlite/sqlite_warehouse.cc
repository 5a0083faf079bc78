#include "warehouse/sqlite/sqlite_warehouse.h"

#include <filesystem>
#include <unordered_map>

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

Result<std::vector<EventStatus>> SqliteWarehouse::GetStatuses(const Catalog& catalog) {
  // sluice's own tables read once each, grouped by type; then the three
  // counts of each type's own tables in one statement (a count of an empty
  // table is a look at its root page). One read transaction: one snapshot
  // for all of it, taken once.
  const bool own_snapshot = sqlite3_get_autocommit(db_.get()) != 0;
  if (own_snapshot) RETURN_IF_ERROR(db_.Exec("BEGIN"));
  struct EndSnapshot {
    SqliteDb* db;
    bool own;
    ~EndSnapshot() {
      if (own) (void)db->Exec("COMMIT");  // it read only: nothing to keep or lose
    }
  } end_snapshot{&db_, own_snapshot};
  struct Stream {
    int64_t position = 0;
    std::optional<std::string> merged_at;
  };
  std::unordered_map<std::string, Stream> streams;  // by staging table
  {
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT staging_table, position, merged_at FROM sluice_streams"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      Stream& s = streams[std::string(stmt.ColumnText(0))];
      s.position = stmt.ColumnInt(1);
      if (!stmt.ColumnIsNull(2)) s.merged_at = std::string(stmt.ColumnText(2));
    }
  }
  struct PerType {
    int64_t load_errors = 0, merge_errors = 0;
    std::optional<std::string> last_load;
  };
  std::unordered_map<std::string, PerType> per_type;  // by event type
  const auto read_grouped = [&](const char* sql, const auto& apply) -> Status {
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare(sql));
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) return Status::Ok();
      apply(per_type[std::string(stmt.ColumnText(0))], stmt);
    }
  };
  RETURN_IF_ERROR(read_grouped("SELECT event_type, count(*) FROM sluice_load_errors GROUP BY event_type",
                               [](PerType& t, const SqliteStatement& s) { t.load_errors = s.ColumnInt(1); }));
  RETURN_IF_ERROR(read_grouped("SELECT event_type, count(*) FROM sluice_merge_errors GROUP BY event_type",
                               [](PerType& t, const SqliteStatement& s) { t.merge_errors = s.ColumnInt(1); }));
  // The primary key (event_type, landed_as) leads with the type: one pass in its order.
  RETURN_IF_ERROR(read_grouped("SELECT event_type, max(loaded_at) FROM sluice_load_history GROUP BY event_type",
                               [](PerType& t, const SqliteStatement& s) {
                                 if (!s.ColumnIsNull(1)) t.last_load = std::string(s.ColumnText(1));
                               }));

  std::vector<EventStatus> out;
  out.reserve(catalog.events.size());
  for (const auto& event : catalog.events) {
    EventStatus& s = out.emplace_back();
    int64_t position = 0;
    if (const auto it = streams.find(event.staging_table()); it != streams.end()) {
      position = it->second.position;
      s.last_merge = it->second.merged_at;
    }
    if (const auto it = per_type.find(event.name); it != per_type.end()) {
      s.load_errors = it->second.load_errors;
      s.merge_errors = it->second.merge_errors;
      s.last_load = it->second.last_load;
    }
    const std::string stg = QuoteIdent(event.staging_table());
    ASSIGN_OR_RETURN(auto counts, db_.Prepare(fmt::format("SELECT (SELECT count(*) FROM {0}), "
                                                          "(SELECT count(*) FROM {0} WHERE seq > ?), "
                                                          "(SELECT count(*) FROM {1})",
                                                          stg, QuoteIdent(event.table))));
    counts.BindInt(1, position);
    auto row = counts.Step();
    if (!row.ok()) return row.status().WithContext(event.name);
    if (*row) {
      s.staged_rows = counts.ColumnInt(0);
      s.unmerged_rows = counts.ColumnInt(1);
      s.final_rows = counts.ColumnInt(2);
    }
  }
  return out;
}

Status SqliteWarehouse::Query(std::string_view sql, bool allow_writes, QuerySink* sink) {
  return SqliteQuery(&db_, sql, allow_writes, sink);
}

}  // namespace sluice
