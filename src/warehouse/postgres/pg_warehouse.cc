#include "warehouse/postgres/pg_warehouse.h"

#include <algorithm>
#include <cstdlib>

#include "base/log.h"
#include "base/text.h"
#include "warehouse/postgres/pg_internal.h"

namespace sluice {

Result<std::unique_ptr<Warehouse>> PgWarehouse::Open(PgOptions options) {
  if (options.dsn.empty()) {
    const char* env = std::getenv("SLUICE_PG_DSN");
    if (env == nullptr || *env == '\0')
      return Status::InvalidArgument("warehouse.backend is postgres but neither warehouse.dsn nor $SLUICE_PG_DSN is set");
    options.dsn = env;  // a merge opens a second connection with it
  }
  if (options.read_dsn.empty()) {
    if (const char* env = std::getenv("SLUICE_PG_READ_DSN")) options.read_dsn = env;
  }
  return Connect(std::move(options));
}

Result<std::unique_ptr<Warehouse>> PgWarehouse::Connect(PgOptions options) {
  // Unqualified names in `sluice sql` mean the warehouse's tables.
  ASSIGN_OR_RETURN(auto session, PgSession::Open(options.dsn, options.schema));
  return std::unique_ptr<Warehouse>(new PgWarehouse(std::move(session), std::move(options)));
}

Result<BookkeepingStore> PgWarehouse::OpenBookkeeping(PgOptions options) {
  ASSIGN_OR_RETURN(auto warehouse, Connect(std::move(options)));
  RETURN_IF_ERROR(warehouse->Prepare(Catalog{}));
  SqlSession* session = static_cast<PgWarehouse*>(warehouse.get())->session_.get();
  return BookkeepingStore{std::move(warehouse), session};
}

std::string PgWarehouse::Table(std::string_view name) const { return dialect_.TableName(name); }

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
  // A few hundred tables a statement: a round trip per type would be minutes at 20 000 types.
  for (size_t first = 0; first < catalog.events.size(); first += 500) {
    std::vector<std::string> tables;
    for (size_t i = first; i < std::min(catalog.events.size(), first + 500); ++i)
      tables.push_back(Table(catalog.events[i].table));
    RETURN_IF_ERROR(conn()->Exec(fmt::format("GRANT SELECT ON {} TO {}", Join(tables, ", "), role)));
  }
  // The read path's login gets the role's rights and no others: `sluice sql`
  // then reads what analysts read. A user that does not exist (yet) is left
  // alone; connecting as it fails with PostgreSQL's own message.
  ASSIGN_OR_RETURN(bool lacks, ReaderLacksRole());
  if (!lacks) return Status::Ok();
  const std::string reader = *ReaderUser();
  if (Status st = conn()->Exec(fmt::format("GRANT {} TO {}", role, QuoteIdent(reader))); !st.ok())
    return Status::InvalidArgument(fmt::format("cannot grant warehouse.readonly_role '{}' to warehouse.read_dsn's "
                                               "user '{}' ({}); grant it yourself: GRANT {} TO {}",
                                               options_.readonly_role, reader, st.message(), role, QuoteIdent(reader)));
  return Status::Ok();
}

std::optional<std::string> PgWarehouse::ReaderUser() const {
  if (options_.read_dsn.empty()) return std::nullopt;
  PQconninfoOption* parsed = PQconninfoParse(options_.read_dsn.c_str(), nullptr);
  if (parsed == nullptr) return std::nullopt;  // connecting says what is wrong with it
  std::optional<std::string> user;
  for (const PQconninfoOption* o = parsed; o->keyword != nullptr; ++o)
    if (std::string_view(o->keyword) == "user" && o->val != nullptr && *o->val != '\0') user = o->val;
  PQconninfoFree(parsed);
  return user;
}

Result<bool> PgWarehouse::ReaderLacksRole() {
  const std::optional<std::string> reader = ReaderUser();
  if (!reader || options_.readonly_role.empty()) return false;
  ASSIGN_OR_RETURN(PgResult r, conn()->Query("SELECT count(*) FROM pg_roles WHERE rolname IN ($1::name, $2::name)",
                                             {*reader, options_.readonly_role}));
  const int64_t wanted = *reader == options_.readonly_role ? 1 : 2;
  if (r.GetInt(0, 0) != wanted) return false;  // one of them is missing: nothing to grant yet
  ASSIGN_OR_RETURN(PgResult member,
                   conn()->Query("SELECT pg_has_role($1::name, $2::name, 'MEMBER')", {*reader, options_.readonly_role}));
  return member.Get(0, 0) != "t";
}

Result<std::unique_ptr<PgSession>> PgWarehouse::OpenReader() {
  ASSIGN_OR_RETURN(auto reader, PgSession::Open(options_.read_dsn, options_.schema));
  // A read-only transaction restrains none of these; the login must.
  ASSIGN_OR_RETURN(PgResult who, reader->conn()->Query(
                                     "SELECT current_user, rolsuper, "
                                     "pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') OR "
                                     "pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') OR "
                                     "pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') "
                                     "FROM pg_roles WHERE rolname = current_user"));
  const std::string user(who.Get(0, 0));
  if (who.Get(0, 1) == "t")
    return Status::InvalidArgument(fmt::format("warehouse.read_dsn logs in as '{}', a superuser, whose rights no "
                                               "read-only transaction restrains; give it a login with only "
                                               "readonly_role's rights",
                                               user));
  if (who.Get(0, 2) == "t")
    return Status::InvalidArgument(fmt::format("warehouse.read_dsn logs in as '{}', which may read or write the "
                                               "server's files or run programs on it; give it a login with only "
                                               "readonly_role's rights",
                                               user));
  RETURN_IF_ERROR(session_->EnsureConnected());
  ASSIGN_OR_RETURN(PgResult main, conn()->Query("SELECT current_user"));
  if (main.Get(0, 0) == user)
    return Status::InvalidArgument(fmt::format("warehouse.read_dsn logs in as '{}', as warehouse.dsn does, with "
                                               "every right sluice has; give it a login of its own with only "
                                               "readonly_role's rights",
                                               user));
  return reader;
}

Status PgWarehouse::Prepare(const Catalog& catalog) {
  RETURN_IF_ERROR(session_->EnsureConnected());
  // Most runs change nothing: check before taking the lock.
  ASSIGN_OR_RETURN(bool current, SchemaIsCurrent(catalog));
  if (current) return Status::Ok();
  // In several transactions, each under the prepare lock: one transaction
  // for a large catalog would hold a lock for every table it creates, more
  // than the server's lock table holds ("out of shared memory"). Every
  // statement is idempotent, so a run that stops midway is finished by the
  // next one.
  const auto locked = [&](const std::function<Status()>& body) {
    return session_->InTransaction([&]() -> Status {
      RETURN_IF_ERROR(PgLock(conn(), "sluice:prepare:" + options_.schema));
      return body();
    });
  };
  RETURN_IF_ERROR(locked([&]() -> Status {
    RETURN_IF_ERROR(conn()->Exec(dialect_.Preamble()));
    for (const auto& table : SystemTables())
      RETURN_IF_ERROR(conn()->Exec(dialect_.CreateTable(table) + dialect_.CreateIndexes(table)));
    return Status::Ok();
  }));
  RETURN_IF_ERROR(PrepareEvents(catalog, locked));
  if (options_.readonly_role.empty()) return Status::Ok();
  return locked([&] { return GrantReadOnly(catalog); });
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
  if (!allow_writes && !options_.read_dsn.empty()) {
    ASSIGN_OR_RETURN(auto reader, OpenReader());
    return PgQuery(reader->conn(), sql, /*allow_writes=*/false, sink, PgQueryLogin::kReader);
  }
  RETURN_IF_ERROR(session_->EnsureConnected());
  return PgQuery(conn(), sql, allow_writes, sink);
}

}  // namespace sluice
