// Warehouse::RunScript on PostgreSQL: a user's SQL task.
#include <algorithm>

#include "warehouse/postgres/pg_internal.h"
#include "warehouse/postgres/pg_warehouse.h"

namespace sluice {

Result<int64_t> PgWarehouse::RunScript(std::string_view sql, int64_t timeout_micros) {
  RETURN_IF_ERROR(session_->EnsureConnected());
  RETURN_IF_ERROR(conn()->Exec("BEGIN"));
  bool committed = false;
  struct Rollback {
    PgConnection* conn;
    const bool& committed;
    ~Rollback() {
      if (!committed) PgAbandon(conn, false);
    }
  } rollback{conn(), committed};
  // The server cancels any statement that runs past the task's timeout.
  RETURN_IF_ERROR(conn()->Exec(fmt::format("SET LOCAL statement_timeout = {}", std::max<int64_t>(1, timeout_micros / 1000))));
  const std::string text(sql);
  if (PQsendQuery(conn()->get(), text.c_str()) != 1) return PgError(conn()->get(), nullptr, "sending the task's SQL");
  Status status;
  int64_t changed = 0;
  while (PGresult* raw = PQgetResult(conn()->get())) {  // one result per statement; drain them all
    PgResult result(raw);
    const ExecStatusType state = PQresultStatus(raw);
    if (!status.ok() || state == PGRES_EMPTY_QUERY) continue;
    if (state != PGRES_COMMAND_OK && state != PGRES_TUPLES_OK) {
      const char* sqlstate = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
      status = sqlstate && std::string_view(sqlstate) == "57014"
                   ? Status::Unavailable(fmt::format("the task ran past its timeout ({} s) and was cancelled",
                                                     timeout_micros / 1'000'000))
                   : PgError(conn()->get(), raw, "task");
      continue;
    }
    if (state == PGRES_COMMAND_OK) changed += result.AffectedRows();
  }
  RETURN_IF_ERROR(status);
  committed = true;
  RETURN_IF_ERROR(conn()->Exec("COMMIT"));
  return changed;
}

}  // namespace sluice
