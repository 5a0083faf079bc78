// Shared by the PostgreSQL warehouse's files; not part of its interface.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "catalog/event_spec.h"
#include "warehouse/merge_transaction.h"
#include "warehouse/sql/sql_session.h"
#include "warehouse/staging_load.h"
#include "postgres/pg_conn.h"

namespace sluice {

// `"schema"."name"`.
std::string PgTable(const std::string& schema, std::string_view name);

// Takes the transaction-scoped advisory lock named `name` (waits for it).
Status PgLock(PgConnection* conn, const std::string& name);

// Text PostgreSQL can store: invalid UTF-8 and NUL bytes become U+FFFD.
// (A bad line sluice records in sluice_load_errors may hold either.)
std::string PgSafeText(std::string_view text);

// Why a JSON line cannot go into a jsonb column though it is valid JSON: it
// holds the escape \u0000, which jsonb refuses. nullopt when it can.
std::optional<std::string> JsonbRefusal(std::string_view json);

// Rolls back the connection's open transaction (ending a COPY in progress
// first); used by destructors of uncommitted work.
void PgAbandon(PgConnection* conn, bool in_copy);

Result<std::unique_ptr<StagingLoad>> BeginPgStagingLoad(PgConnection* conn, const std::string& schema,
                                                        const EventSpec& event, std::string source, std::string file);
// One statement with $n parameters on `conn`, in whatever transaction is open.
Result<std::vector<SqlRow>> PgExecute(PgConnection* conn, std::string_view sql, const SqlParams& params);
// `dsn` opens the second connection that streams staging (pg_staging_stream.h).
Result<std::unique_ptr<MergeTransaction>> BeginPgMerge(PgConnection* conn, const std::string& dsn,
                                                       const std::string& schema, const EventSpec& event);

}  // namespace sluice
