#include "warehouse/postgres/pg_warehouse.h"

#include <cstdlib>
#include <map>

#include "base/log.h"
#include "catalog/ddl.h"
#include "warehouse/postgres/pg_internal.h"
#include "warehouse/schema_diff.h"

namespace sluice {
namespace {

constexpr const char* kSystemTables[] = {"sluice_load_history", "sluice_load_errors", "sluice_merge_errors",
                                         "sluice_streams",      "sluice_columns",     "sluice_task_runs",
                                         "sluice_task_state",   "sluice_exceptions",  "sluice_exclusions",
                                         "sluice_corrections_pending", "sluice_load_error_fixes"};

// A transaction that rolls back unless committed.
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection* conn) : conn_(conn) {}
  ~PgTransaction() {
    if (open_) PgAbandon(conn_, /*in_copy=*/false);
  }
  Status Begin(const char* sql = "BEGIN") {
    RETURN_IF_ERROR(conn_->Exec(sql));
    open_ = true;
    return Status::Ok();
  }
  Status Commit() {
    open_ = false;
    return conn_->Exec("COMMIT");
  }

 private:
  PgConnection* conn_;
  bool open_ = false;
};

QueryCell::Kind CellKind(Oid type) {
  switch (type) {
    case 20: case 21: case 23: case 26: return QueryCell::Kind::kInt;         // int8, int2, int4, oid
    case 700: case 701: case 1700: return QueryCell::Kind::kReal;             // float4, float8, numeric
    case 17: return QueryCell::Kind::kBlob;                                   // bytea
    default: return QueryCell::Kind::kText;
  }
}

}  // namespace

std::string PgWarehouse::SystemTablesDdl(const std::string& schema) {
  const auto t = [&](std::string_view name) { return PgTable(schema, name); };
  return fmt::format(R"sql(CREATE TABLE IF NOT EXISTS {0} (
  path text NOT NULL,        -- the file as given to sluice load
  checksum text NOT NULL,    -- XXH3-128 of the uncompressed content
  event_type text NOT NULL,
  rows bigint NOT NULL,
  errors bigint NOT NULL,
  loaded_at timestamp NOT NULL,
  landed_as text NOT NULL,   -- the permanent copy in the landing zone
  PRIMARY KEY (event_type, landed_as)
);
CREATE INDEX IF NOT EXISTS sluice_load_history_by_content ON {0} (event_type, checksum);
CREATE TABLE IF NOT EXISTS {1} (
  event_type text NOT NULL,
  file text NOT NULL,        -- the file as given to sluice load
  line bigint NOT NULL,
  landed_as text,            -- its permanent copy in the landing zone
  error text NOT NULL,
  raw text,
  at timestamp NOT NULL
);
CREATE TABLE IF NOT EXISTS {2} (
  event_type text NOT NULL,
  seq bigint NOT NULL,
  item_index bigint,         -- element of the flattened array; NULL without flatten
  column_name text NOT NULL,
  value text,
  error text NOT NULL,
  at timestamp NOT NULL
);
CREATE TABLE IF NOT EXISTS {3} (
  staging_table text PRIMARY KEY,
  event_type text NOT NULL,
  position bigint NOT NULL DEFAULT 0,  -- seq of the last merged staging row
  merged_at timestamp
);
CREATE TABLE IF NOT EXISTS {4} (  -- the catalog as last applied
  table_name text NOT NULL,
  column_name text NOT NULL,
  type text NOT NULL,
  key_position integer,      -- 1-based position in the primary key; NULL if not a key column
  PRIMARY KEY (table_name, column_name)
);
CREATE TABLE IF NOT EXISTS {5} (  -- every finished run of a task, and every skipped fire
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task text NOT NULL,
  scheduled_for timestamp NOT NULL,  -- the fire time (or when `sluice tasks run` asked)
  started timestamp,                 -- NULL for a skipped fire
  finished timestamp,
  status text NOT NULL,              -- succeeded, failed or skipped
  rows bigint,                       -- rows the task changed
  error text,
  attempts integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sluice_task_runs_by_task ON {5} (task, id);
CREATE TABLE IF NOT EXISTS {6} (  -- what `sluice tasks suspend|resume` persisted
  task text PRIMARY KEY,
  suspended integer NOT NULL DEFAULT 0,
  changed_at timestamp
);
CREATE TABLE IF NOT EXISTS {7} (  -- corrected copies of events (sluice exceptions add)
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_type text NOT NULL,
  event_id text NOT NULL,       -- the values of the event's id: paths (one, or a JSON array)
  payload jsonb NOT NULL,       -- the corrected event, which replaces every delivery of the id
  arrived_after bigint,       -- a backfill (its event was never delivered) arrives after this staging seq
  reason text NOT NULL,
  added_by text NOT NULL,
  added_at timestamp NOT NULL,
  removed_by text,              -- NULL while in force
  removed_at timestamp,
  removed_reason text
);
CREATE INDEX IF NOT EXISTS sluice_exceptions_by_event ON {7} (event_type, event_id);
CREATE TABLE IF NOT EXISTS {8} (  -- events removed from the final tables (sluice exclusions add)
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_type text NOT NULL,
  event_id text NOT NULL,
  seq bigint,                 -- one delivery only (staging seq), as dedupe excludes; NULL: every delivery
  delivery text,              -- that delivery's landed file and line, LANDED_AS:LINE
  reason text NOT NULL,
  added_by text NOT NULL,
  added_at timestamp NOT NULL,
  removed_by text,              -- NULL while in force
  removed_at timestamp,
  removed_reason text
);
CREATE INDEX IF NOT EXISTS sluice_exclusions_by_event ON {8} (event_type, event_id);
CREATE TABLE IF NOT EXISTS {9} (  -- ids whose corrections changed since the last merge
  change bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_type text NOT NULL,
  event_id text NOT NULL
);
CREATE TABLE IF NOT EXISTS {10} (  -- lines that failed to load, fixed (sluice load-errors import)
  event_type text NOT NULL,
  landed_as text NOT NULL,      -- the line's landed file and line number, as in sluice_load_errors
  line bigint NOT NULL,
  payload text NOT NULL,        -- the fixed line
  imported_by text NOT NULL,
  imported_at timestamp NOT NULL,
  replayed_at timestamp         -- NULL until sluice replay --load-errors loads it
);
)sql",
                     t(kSystemTables[0]), t(kSystemTables[1]), t(kSystemTables[2]), t(kSystemTables[3]),
                     t(kSystemTables[4]), t(kSystemTables[5]), t(kSystemTables[6]), t(kSystemTables[7]),
                     t(kSystemTables[8]), t(kSystemTables[9]), t(kSystemTables[10]));
}

Result<std::unique_ptr<Warehouse>> PgWarehouse::Open(const WarehouseConfig& config) {
  std::string dsn = config.dsn;
  if (dsn.empty()) {
    const char* env = std::getenv("SLUICE_PG_DSN");
    if (env == nullptr || *env == '\0')
      return Status::InvalidArgument("warehouse.backend is postgres but neither warehouse.dsn nor $SLUICE_PG_DSN is set");
    dsn = env;
  }
  ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(dsn));
  // Unqualified names in `sluice sql` mean the warehouse's tables.
  RETURN_IF_ERROR(conn->Query("SELECT set_config('search_path', $1, false)", {QuoteIdent(config.schema)}).status());
  WarehouseConfig resolved = config;
  resolved.dsn = dsn;  // a merge opens a second connection with it
  return std::unique_ptr<Warehouse>(new PgWarehouse(std::move(conn), std::move(resolved)));
}

std::string PgWarehouse::Table(std::string_view name) const { return PgTable(config_.schema, name); }

Status PgWarehouse::EnsureConnected() {
  if (!conn_->Broken()) return Status::Ok();
  Log("warehouse")->warn("the PostgreSQL connection was lost; reconnecting");
  RETURN_IF_ERROR(conn_->Reset());
  Log("warehouse")->info("reconnected to PostgreSQL");
  return conn_->Query("SELECT set_config('search_path', $1, false)", {QuoteIdent(config_.schema)}).status();
}

Result<bool> PgWarehouse::SchemaIsCurrent(const Catalog& catalog) {
  for (const char* table : kSystemTables) {
    ASSIGN_OR_RETURN(PgResult r, conn_->Query("SELECT to_regclass($1) IS NOT NULL", {Table(table)}));
    if (r.Get(0, 0) != "t") return false;
  }
  for (const auto& event : catalog.events) {
    ASSIGN_OR_RETURN(PgResult r, conn_->Query(fmt::format("SELECT column_name, type, coalesce(key_position, 0) FROM {} "
                                                          "WHERE table_name = $1", Table("sluice_columns")),
                                              {event.table}));
    const std::map<std::string, AppliedColumn> wanted = WantedColumns(event);
    if (static_cast<size_t>(r.rows()) != wanted.size()) return false;
    for (int i = 0; i < r.rows(); ++i) {
      auto it = wanted.find(std::string(r.Get(i, 0)));
      if (it == wanted.end() || it->second.type != r.Get(i, 1) || it->second.key_position != r.GetInt(i, 2))
        return false;
    }
    ASSIGN_OR_RETURN(PgResult ready,
                     conn_->Query(fmt::format("SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AND "
                                              "EXISTS (SELECT 1 FROM {} WHERE staging_table = $3)",
                                              Table("sluice_streams")),
                                  {Table(event.table), Table(event.staging_table()), event.staging_table()}));
    if (ready.Get(0, 0) != "t") return false;
    if (!config_.readonly_role.empty()) {
      ASSIGN_OR_RETURN(PgResult granted,
                       conn_->Query("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND "
                                    "has_table_privilege($1, $2, 'SELECT') AND has_schema_privilege($1, $3, 'USAGE')",
                                    {config_.readonly_role, Table(event.table), config_.schema}));
      if (granted.Get(0, 0) != "t") return false;
    }
  }
  return true;
}

Status PgWarehouse::PrepareEvent(const EventSpec& event, std::vector<std::string>* refusals) {
  ASSIGN_OR_RETURN(PgResult read, conn_->Query(fmt::format("SELECT column_name, type, coalesce(key_position, 0) FROM {} "
                                                           "WHERE table_name = $1", Table("sluice_columns")),
                                               {event.table}));
  std::map<std::string, AppliedColumn> applied;
  for (int i = 0; i < read.rows(); ++i)
    applied[std::string(read.Get(i, 0))] = {std::string(read.Get(i, 1)), static_cast<int>(read.GetInt(i, 2))};
  const std::string remember_sql = fmt::format(
      "INSERT INTO {} (table_name, column_name, type, key_position) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (table_name, column_name) DO UPDATE SET type = excluded.type, key_position = excluded.key_position",
      Table("sluice_columns"));
  const auto remember = [&](const ColumnSpec& col) {
    const int key = KeyPosition(event, col.name);
    return conn_
        ->Query(remember_sql, {event.table, col.name, col.type.ToString(),
                               key ? std::optional<std::string>(std::to_string(key)) : std::nullopt})
        .status();
  };
  if (applied.empty()) {
    ASSIGN_OR_RETURN(PgResult exists, conn_->Query("SELECT to_regclass($1) IS NOT NULL", {Table(event.table)}));
    if (exists.Get(0, 0) == "t") {
      refusals->push_back(ForeignTableRefusal(event));
      return Status::Ok();
    }
    RETURN_IF_ERROR(conn_->Exec(PostgresCreateFinalTable(event, config_.schema)));
    for (const auto& col : event.columns) RETURN_IF_ERROR(remember(col));
  } else {
    for (const ColumnSpec* col : ColumnsToAdd(event, applied, refusals)) {
      RETURN_IF_ERROR(conn_->Exec(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", Table(event.table),
                                              QuoteIdent(col->name), PostgresColumnType(col->type))));
      RETURN_IF_ERROR(remember(*col));
    }
  }
  RETURN_IF_ERROR(conn_->Exec(PostgresCreateStagingTable(event, config_.schema)));
  return conn_
      ->Query(fmt::format("INSERT INTO {} (staging_table, event_type, position) VALUES ($1, $2, 0) "
                          "ON CONFLICT DO NOTHING", Table("sluice_streams")),
              {event.staging_table(), event.name})
      .status();
}

Status PgWarehouse::GrantReadOnly(const Catalog& catalog) {
  const std::string role = QuoteIdent(config_.readonly_role);
  ASSIGN_OR_RETURN(PgResult exists, conn_->Query("SELECT 1 FROM pg_roles WHERE rolname = $1", {config_.readonly_role}));
  if (exists.rows() == 0) {
    if (Status st = conn_->Exec(fmt::format("CREATE ROLE {} NOLOGIN", role)); !st.ok())
      return Status::InvalidArgument(fmt::format("warehouse.readonly_role '{}' does not exist and cannot be created "
                                                 "({}); create it, or remove readonly_role",
                                                 config_.readonly_role, st.message()));
  }
  RETURN_IF_ERROR(conn_->Exec(fmt::format("GRANT USAGE ON SCHEMA {} TO {}", QuoteIdent(config_.schema), role)));
  for (const auto& event : catalog.events)
    RETURN_IF_ERROR(conn_->Exec(fmt::format("GRANT SELECT ON {} TO {}", Table(event.table), role)));
  return Status::Ok();
}

Status PgWarehouse::Prepare(const Catalog& catalog) {
  RETURN_IF_ERROR(EnsureConnected());
  // Most runs change nothing: check before taking the lock.
  ASSIGN_OR_RETURN(bool current, SchemaIsCurrent(catalog));
  if (current) return Status::Ok();
  PgTransaction txn(conn_.get());
  RETURN_IF_ERROR(txn.Begin());
  RETURN_IF_ERROR(PgLock(conn_.get(), "sluice:prepare:" + config_.schema));
  RETURN_IF_ERROR(conn_->Exec(fmt::format("CREATE SCHEMA IF NOT EXISTS {}", QuoteIdent(config_.schema))));
  RETURN_IF_ERROR(conn_->Exec(SystemTablesDdl(config_.schema)));
  std::vector<std::string> refusals;
  for (const auto& event : catalog.events) RETURN_IF_ERROR(PrepareEvent(event, &refusals));
  if (!refusals.empty()) {
    std::string all;
    for (const auto& r : refusals) all += (all.empty() ? "" : "\n") + r;
    return Status::InvalidArgument(all);
  }
  if (!config_.readonly_role.empty()) RETURN_IF_ERROR(GrantReadOnly(catalog));
  return txn.Commit();
}

Result<std::optional<std::string>> PgWarehouse::LoadedAs(const std::string& event_type, const std::string& checksum) {
  RETURN_IF_ERROR(EnsureConnected());
  ASSIGN_OR_RETURN(PgResult r, conn_->Query(fmt::format("SELECT landed_as FROM {} WHERE event_type = $1 AND "
                                                        "checksum = $2 LIMIT 1", Table("sluice_load_history")),
                                            {event_type, checksum}));
  if (r.rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(r.Get(0, 0)));
}

Result<bool> PgWarehouse::LandedFileLoaded(const std::string& event_type, const std::string& landed_as) {
  RETURN_IF_ERROR(EnsureConnected());
  ASSIGN_OR_RETURN(PgResult r, conn_->Query(fmt::format("SELECT 1 FROM {} WHERE event_type = $1 AND landed_as = $2",
                                                        Table("sluice_load_history")),
                                            {event_type, landed_as}));
  return r.rows() > 0;
}

Result<std::unique_ptr<StagingLoad>> PgWarehouse::BeginLoad(const EventSpec& event, std::string source,
                                                             std::string file) {
  RETURN_IF_ERROR(EnsureConnected());
  return BeginPgStagingLoad(conn_.get(), config_.schema, event, std::move(source), std::move(file));
}

Result<std::unique_ptr<MergeTransaction>> PgWarehouse::BeginMerge(const EventSpec& event) {
  RETURN_IF_ERROR(EnsureConnected());
  return BeginPgMerge(conn_.get(), config_.dsn, config_.schema, event);
}

Result<EventStatus> PgWarehouse::GetStatus(const EventSpec& event) {
  RETURN_IF_ERROR(EnsureConnected());
  ASSIGN_OR_RETURN(
      PgResult r,
      conn_->Query(fmt::format("WITH s AS (SELECT position, merged_at FROM {0} WHERE staging_table = $2) "
                               "SELECT (SELECT count(*) FROM {1}), "
                               "(SELECT count(*) FROM {1} WHERE seq > coalesce((SELECT position FROM s), 0)), "
                               "(SELECT count(*) FROM {2}), "
                               "(SELECT count(*) FROM {3} WHERE event_type = $1), "
                               "(SELECT count(*) FROM {4} WHERE event_type = $1), "
                               "(SELECT to_char(max(loaded_at), '{6}') FROM {5} WHERE event_type = $1), "
                               "(SELECT to_char(merged_at, '{6}') FROM s)",
                               Table("sluice_streams"), Table(event.staging_table()), Table(event.table),
                               Table("sluice_load_errors"), Table("sluice_merge_errors"), Table("sluice_load_history"),
                               "YYYY-MM-DD HH24:MI:SS.US"),  // as the SQLite backend stores them
                   {event.name, event.staging_table()}));
  EventStatus s;
  s.staged_rows = r.GetInt(0, 0);
  s.unmerged_rows = r.GetInt(0, 1);
  s.final_rows = r.GetInt(0, 2);
  s.load_errors = r.GetInt(0, 3);
  s.merge_errors = r.GetInt(0, 4);
  if (!r.IsNull(0, 5)) s.last_load = std::string(r.Get(0, 5));
  if (!r.IsNull(0, 6)) s.last_merge = std::string(r.Get(0, 6));
  return s;
}

Status PgWarehouse::Query(std::string_view sql, bool allow_writes, QuerySink* sink) {
  RETURN_IF_ERROR(EnsureConnected());
  PgTransaction txn(conn_.get());
  // Read-only unless --write: PostgreSQL itself refuses any write then.
  RETURN_IF_ERROR(txn.Begin(allow_writes ? "BEGIN" : "BEGIN READ ONLY"));
  const std::string text(sql);
  if (PQsendQuery(conn_->get(), text.c_str()) != 1) return PgError(conn_->get(), nullptr, "sending the query");
  Status status;
  bool any = false;
  // Every statement's result comes in turn; drain them all, even after an error.
  while (PGresult* raw = PQgetResult(conn_->get())) {
    PgResult result(raw);
    const ExecStatusType state = PQresultStatus(raw);
    if (!status.ok()) continue;
    if (state == PGRES_EMPTY_QUERY) continue;
    if (state != PGRES_TUPLES_OK && state != PGRES_COMMAND_OK) {
      status = PgError(conn_->get(), raw, "query");
      if (status.code() == StatusCode::kInvalidArgument && !allow_writes &&
          std::string_view(PQresultErrorField(raw, PG_DIAG_SQLSTATE) ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : "") == "25006")
        status = Status::InvalidArgument(
            fmt::format("this statement would change the warehouse; pass --write to allow it ({})", status.message()));
      continue;
    }
    any = true;
    if (state != PGRES_TUPLES_OK) continue;
    std::vector<std::string> names;
    for (int c = 0; c < result.columns(); ++c) names.push_back(result.ColumnName(c));
    sink->Columns(names);
    std::vector<QueryCell> cells(static_cast<size_t>(result.columns()));
    for (int r = 0; r < result.rows(); ++r) {
      for (int c = 0; c < result.columns(); ++c) {
        QueryCell& cell = cells[static_cast<size_t>(c)];
        cell.kind = result.IsNull(r, c) ? QueryCell::Kind::kNull : CellKind(result.ColumnType(c));
        cell.text.assign(result.Get(r, c));
      }
      sink->Row(cells);
    }
  }
  RETURN_IF_ERROR(status);
  if (!any) return Status::InvalidArgument("the query is empty");
  return txn.Commit();
}

}  // namespace sluice
