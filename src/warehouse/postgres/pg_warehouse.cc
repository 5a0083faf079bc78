#include "warehouse/postgres/pg_warehouse.h"

#include <cstdlib>
#include <map>

#include "base/log.h"
#include "base/text.h"
#include "warehouse/postgres/pg_internal.h"
#include "warehouse/schema_diff.h"

namespace sluice {

Result<std::unique_ptr<Warehouse>> PgWarehouse::Open(PgOptions options) {
  if (options.dsn.empty()) {
    const char* env = std::getenv("SLUICE_PG_DSN");
    if (env == nullptr || *env == '\0')
      return Status::InvalidArgument("warehouse.backend is postgres but neither warehouse.dsn nor $SLUICE_PG_DSN is set");
    options.dsn = env;  // a merge opens a second connection with it
  }
  // Unqualified names in `sluice sql` mean the warehouse's tables.
  ASSIGN_OR_RETURN(auto session, PgSession::Open(options.dsn, options.schema));
  return std::unique_ptr<Warehouse>(new PgWarehouse(std::move(session), std::move(options)));
}

Result<BookkeepingStore> PgWarehouse::OpenBookkeeping(PgOptions options) {
  ASSIGN_OR_RETURN(auto warehouse, Open(std::move(options)));
  RETURN_IF_ERROR(warehouse->Prepare(Catalog{}));
  SqlSession* session = static_cast<PgWarehouse*>(warehouse.get())->session_.get();
  return BookkeepingStore{std::move(warehouse), session};
}

std::string PgWarehouse::Table(std::string_view name) const { return dialect_.TableName(name); }

Result<bool> PgWarehouse::SchemaIsCurrent(const Catalog& catalog) {
  for (const auto& table : SystemTables()) {
    ASSIGN_OR_RETURN(PgResult r, conn()->Query("SELECT to_regclass($1) IS NOT NULL", {Table(table.name)}));
    if (r.Get(0, 0) != "t") return false;
  }
  for (const auto& event : catalog.events) {
    ASSIGN_OR_RETURN(PgResult r, conn()->Query(fmt::format("SELECT column_name, type, coalesce(key_position, 0) FROM {} "
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
                     conn()->Query(fmt::format("SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AND "
                                              "EXISTS (SELECT 1 FROM {} WHERE staging_table = $3)",
                                              Table("sluice_streams")),
                                  {Table(event.table), Table(event.staging_table()), event.staging_table()}));
    if (ready.Get(0, 0) != "t") return false;
    for (const IndexDef& index : FinalTableDef(event).indexes) {
      ASSIGN_OR_RETURN(PgResult r, conn()->Query("SELECT to_regclass($1) IS NOT NULL", {Table(index.name)}));
      if (r.Get(0, 0) != "t") return false;
    }
    if (!options_.readonly_role.empty()) {
      ASSIGN_OR_RETURN(PgResult granted,
                       conn()->Query("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND "
                                    "has_table_privilege($1, $2, 'SELECT') AND has_schema_privilege($1, $3, 'USAGE')",
                                    {options_.readonly_role, Table(event.table), options_.schema}));
      if (granted.Get(0, 0) != "t") return false;
    }
  }
  return true;
}

Status PgWarehouse::PrepareEvent(const EventSpec& event, std::vector<std::string>* refusals) {
  ASSIGN_OR_RETURN(PgResult read, conn()->Query(fmt::format("SELECT column_name, type, coalesce(key_position, 0) FROM {} "
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
    return conn()
        ->Query(remember_sql, {event.table, col.name, col.type.ToString(),
                               key ? std::optional<std::string>(std::to_string(key)) : std::nullopt})
        .status();
  };
  if (applied.empty()) {
    ASSIGN_OR_RETURN(PgResult exists, conn()->Query("SELECT to_regclass($1) IS NOT NULL", {Table(event.table)}));
    if (exists.Get(0, 0) == "t") {
      refusals->push_back(ForeignTableRefusal(event));
      return Status::Ok();
    }
    RETURN_IF_ERROR(conn()->Exec(dialect_.CreateTable(FinalTableDef(event))));
    for (const auto& col : event.columns) RETURN_IF_ERROR(remember(col));
  } else {
    const TableDef final_table = FinalTableDef(event);
    for (const ColumnSpec* col : ColumnsToAdd(event, applied, refusals)) {
      const ColumnDef& def = final_table.columns[static_cast<size_t>(event.ColumnIndex(col->name))];
      RETURN_IF_ERROR(conn()->Exec(dialect_.AddColumn(final_table, def)));
      RETURN_IF_ERROR(remember(*col));
    }
  }
  if (const std::string indexes = dialect_.CreateIndexes(FinalTableDef(event)); !indexes.empty())
    RETURN_IF_ERROR(conn()->Exec(indexes));
  RETURN_IF_ERROR(conn()->Exec(dialect_.CreateTable(StagingTableDef(event))));
  return conn()
      ->Query(fmt::format("INSERT INTO {} (staging_table, event_type, position) VALUES ($1, $2, 0) "
                          "ON CONFLICT DO NOTHING", Table("sluice_streams")),
              {event.staging_table(), event.name})
      .status();
}

Status PgWarehouse::GrantReadOnly(const Catalog& catalog) {
  const std::string role = QuoteIdent(options_.readonly_role);
  ASSIGN_OR_RETURN(PgResult exists, conn()->Query("SELECT 1 FROM pg_roles WHERE rolname = $1", {options_.readonly_role}));
  if (exists.rows() == 0) {
    if (Status st = conn()->Exec(fmt::format("CREATE ROLE {} NOLOGIN", role)); !st.ok())
      return Status::InvalidArgument(fmt::format("warehouse.readonly_role '{}' does not exist and cannot be created "
                                                 "({}); create it, or remove readonly_role",
                                                 options_.readonly_role, st.message()));
  }
  RETURN_IF_ERROR(conn()->Exec(fmt::format("GRANT USAGE ON SCHEMA {} TO {}", QuoteIdent(options_.schema), role)));
  for (const auto& event : catalog.events)
    RETURN_IF_ERROR(conn()->Exec(fmt::format("GRANT SELECT ON {} TO {}", Table(event.table), role)));
  return Status::Ok();
}

Status PgWarehouse::Prepare(const Catalog& catalog) {
  RETURN_IF_ERROR(session_->EnsureConnected());
  // Most runs change nothing: check before taking the lock.
  ASSIGN_OR_RETURN(bool current, SchemaIsCurrent(catalog));
  if (current) return Status::Ok();
  return session_->InTransaction([&]() -> Status {
    RETURN_IF_ERROR(PgLock(conn(), "sluice:prepare:" + options_.schema));
    RETURN_IF_ERROR(conn()->Exec(dialect_.Preamble()));
    for (const auto& table : SystemTables())
      RETURN_IF_ERROR(conn()->Exec(dialect_.CreateTable(table) + dialect_.CreateIndexes(table)));
    std::vector<std::string> refusals;
    for (const auto& event : catalog.events) RETURN_IF_ERROR(PrepareEvent(event, &refusals));
    RETURN_IF_ERROR(RefusalStatus(refusals));
    if (!options_.readonly_role.empty()) RETURN_IF_ERROR(GrantReadOnly(catalog));
    return Status::Ok();
  });
}

Result<std::optional<std::string>> PgWarehouse::LoadedAs(const std::string& event_type, const std::string& checksum) {
  RETURN_IF_ERROR(session_->EnsureConnected());
  ASSIGN_OR_RETURN(PgResult r, conn()->Query(fmt::format("SELECT landed_as FROM {} WHERE event_type = $1 AND "
                                                        "checksum = $2 LIMIT 1", Table("sluice_load_history")),
                                            {event_type, checksum}));
  if (r.rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(r.Get(0, 0)));
}

Result<bool> PgWarehouse::LandedFileLoaded(const std::string& event_type, const std::string& landed_as) {
  RETURN_IF_ERROR(session_->EnsureConnected());
  ASSIGN_OR_RETURN(PgResult r, conn()->Query(fmt::format("SELECT 1 FROM {} WHERE event_type = $1 AND landed_as = $2",
                                                        Table("sluice_load_history")),
                                            {event_type, landed_as}));
  return r.rows() > 0;
}

Result<std::unique_ptr<StagingLoad>> PgWarehouse::BeginLoad(const EventSpec& event, std::string source,
                                                             std::string file) {
  RETURN_IF_ERROR(session_->EnsureConnected());
  return BeginPgStagingLoad(conn(), options_.schema, event, std::move(source), std::move(file));
}

Result<std::unique_ptr<MergeTransaction>> PgWarehouse::BeginMerge(const EventSpec& event) {
  RETURN_IF_ERROR(session_->EnsureConnected());
  return BeginPgMerge(conn(), options_.dsn, options_.schema, event);
}

Result<EventStatus> PgWarehouse::GetStatus(const EventSpec& event) {
  RETURN_IF_ERROR(session_->EnsureConnected());
  ASSIGN_OR_RETURN(
      PgResult r,
      conn()->Query(fmt::format("WITH s AS (SELECT position, merged_at FROM {0} WHERE staging_table = $2) "
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
  RETURN_IF_ERROR(session_->EnsureConnected());
  return PgQuery(conn(), sql, allow_writes, sink);
}

}  // namespace sluice
