#include "warehouse/sqlite/sqlite_warehouse.h"

#include <filesystem>

#include "catalog/ddl.h"
#include "warehouse/sqlite/sqlite_internal.h"

namespace sluice {

const char* SqliteWarehouse::SystemTablesDdl() {
  return R"sql(CREATE TABLE IF NOT EXISTS sluice_load_history (
  path TEXT NOT NULL,        -- the file as given to sluice load
  checksum TEXT NOT NULL,    -- XXH3-128 of the uncompressed content
  event_type TEXT NOT NULL,
  rows INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  loaded_at TEXT NOT NULL,
  landed_as TEXT NOT NULL,   -- the permanent copy in the landing zone
  PRIMARY KEY (event_type, landed_as)
);
CREATE INDEX IF NOT EXISTS sluice_load_history_by_content ON sluice_load_history (event_type, checksum);
CREATE TABLE IF NOT EXISTS sluice_load_errors (
  event_type TEXT NOT NULL,
  file TEXT NOT NULL,        -- the file as given to sluice load
  line INTEGER NOT NULL,
  landed_as TEXT,            -- its permanent copy in the landing zone
  error TEXT NOT NULL,
  raw TEXT,
  at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sluice_merge_errors (
  event_type TEXT NOT NULL,
  seq INTEGER NOT NULL,
  item_index INTEGER,        -- element of the flattened array; NULL without flatten
  column_name TEXT NOT NULL,
  value TEXT,
  error TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sluice_streams (
  staging_table TEXT PRIMARY KEY,
  event_type TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,  -- seq of the last merged staging row
  merged_at TEXT
);
CREATE TABLE IF NOT EXISTS sluice_columns (  -- the catalog as last applied
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  type TEXT NOT NULL,
  key_position INTEGER,      -- 1-based position in the primary key; NULL if not a key column
  PRIMARY KEY (table_name, column_name)
);
CREATE TABLE IF NOT EXISTS sluice_task_runs (  -- every finished run of a task, and every skipped fire
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task TEXT NOT NULL,
  scheduled_for TEXT NOT NULL,  -- the fire time (or when `sluice tasks run` asked)
  started TEXT,                 -- NULL for a skipped fire
  finished TEXT,
  status TEXT NOT NULL,         -- succeeded, failed or skipped
  rows INTEGER,                 -- rows the task changed
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sluice_task_runs_by_task ON sluice_task_runs (task, id);
CREATE TABLE IF NOT EXISTS sluice_task_state (  -- what `sluice tasks suspend|resume` persisted
  task TEXT PRIMARY KEY,
  suspended INTEGER NOT NULL DEFAULT 0,
  changed_at TEXT
);
CREATE TABLE IF NOT EXISTS sluice_exceptions (  -- corrected copies of events (sluice exceptions add)
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_type TEXT NOT NULL,
  event_id TEXT NOT NULL,       -- the values of the event's id: paths (one, or a JSON array)
  payload TEXT NOT NULL,        -- the corrected event, which replaces every delivery of the id
  arrived_after INTEGER,      -- a backfill (its event was never delivered) arrives after this staging seq
  reason TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  removed_by TEXT,              -- NULL while in force
  removed_at TEXT,
  removed_reason TEXT
);
CREATE INDEX IF NOT EXISTS sluice_exceptions_by_event ON sluice_exceptions (event_type, event_id);
CREATE TABLE IF NOT EXISTS sluice_exclusions (  -- events removed from the final tables (sluice exclusions add)
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_type TEXT NOT NULL,
  event_id TEXT NOT NULL,
  seq INTEGER,                 -- one delivery only (staging seq), as dedupe excludes; NULL: every delivery
  delivery TEXT,              -- that delivery's landed file and line, LANDED_AS:LINE
  reason TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  removed_by TEXT,              -- NULL while in force
  removed_at TEXT,
  removed_reason TEXT
);
CREATE INDEX IF NOT EXISTS sluice_exclusions_by_event ON sluice_exclusions (event_type, event_id);
CREATE TABLE IF NOT EXISTS sluice_corrections_pending (  -- ids whose corrections changed since the last merge
  change INTEGER PRIMARY KEY AUTOINCREMENT,
  event_type TEXT NOT NULL,
  event_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sluice_load_error_fixes (  -- lines that failed to load, fixed (sluice load-errors import)
  event_type TEXT NOT NULL,
  landed_as TEXT NOT NULL,      -- the line's landed file and line number, as in sluice_load_errors
  line INTEGER NOT NULL,
  payload TEXT NOT NULL,        -- the fixed line
  imported_by TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  replayed_at TEXT              -- NULL until sluice replay --load-errors loads it
);
)sql";
}

Result<std::unique_ptr<Warehouse>> SqliteWarehouse::Open(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return Status::IOError(fmt::format("cannot create the folder of '{}': {}", path, ec.message()));
  ASSIGN_OR_RETURN(SqliteDb db, SqliteDb::Open(path, /*create=*/true));
  return std::unique_ptr<Warehouse>(new SqliteWarehouse(std::move(db)));
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
  const char* rest = sql.data();
  const char* end = sql.data() + sql.size();
  bool any = false;
  while (rest < end) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db_.get(), rest, static_cast<int>(end - rest), &raw, &tail) != SQLITE_OK)
      return Status::InvalidArgument(fmt::format("sqlite: {}", sqlite3_errmsg(db_.get())));
    rest = tail;
    if (raw == nullptr) continue;  // only whitespace or a comment
    SqliteStatement stmt(db_.get(), raw);
    if (!allow_writes && !sqlite3_stmt_readonly(raw))
      return Status::InvalidArgument(fmt::format(
          "this statement would change the warehouse; pass --write to allow it: {}", sqlite3_sql(raw)));
    const int n = sqlite3_column_count(raw);
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.push_back(sqlite3_column_name(raw, i));
    if (n > 0) sink->Columns(names);
    any = true;
    std::vector<QueryCell> cells(static_cast<size_t>(n));
    while (true) {
      ASSIGN_OR_RETURN(bool has_row, stmt.Step());
      if (!has_row) break;
      for (int i = 0; i < n; ++i) {
        QueryCell& cell = cells[static_cast<size_t>(i)];
        switch (sqlite3_column_type(raw, i)) {
          case SQLITE_NULL: cell.kind = QueryCell::Kind::kNull; break;
          case SQLITE_INTEGER: cell.kind = QueryCell::Kind::kInt; break;
          case SQLITE_FLOAT: cell.kind = QueryCell::Kind::kReal; break;
          case SQLITE_BLOB: cell.kind = QueryCell::Kind::kBlob; break;
          default: cell.kind = QueryCell::Kind::kText; break;
        }
        if (cell.kind == QueryCell::Kind::kReal) {
          // Shortest text that reads back as the same double, and always
          // recognisably real: 5.0, not 5.
          cell.text = fmt::format("{}", sqlite3_column_double(raw, i));
          if (cell.text.find_first_of(".eEn") == std::string::npos) cell.text += ".0";
        } else {
          cell.text.assign(stmt.ColumnText(i));
        }
      }
      sink->Row(cells);
    }
  }
  if (!any) return Status::InvalidArgument("the query is empty");
  return Status::Ok();
}

}  // namespace sluice
