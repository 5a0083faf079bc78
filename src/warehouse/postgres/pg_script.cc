// Warehouse::Execute and Warehouse::RunScript on PostgreSQL.
#include <algorithm>

#include "warehouse/postgres/pg_internal.h"
#include "warehouse/postgres/pg_warehouse.h"

namespace sluice {

Result<std::vector<SqlRow>> PgExecute(PgConnection* conn, std::string_view sql, const SqlParams& params) {
  ASSIGN_OR_RETURN(PgResult r, conn->Query(std::string(sql), params));
  std::vector<SqlRow> rows(static_cast<size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    for (int c = 0; c < r.columns(); ++c) {
      if (r.IsNull(i, c)) rows[static_cast<size_t>(i)].emplace_back();
      else rows[static_cast<size_t>(i)].emplace_back(std::string(r.Get(i, c)));
    }
  }
  return rows;
}

Result<std::vector<SqlRow>> PgWarehouse::Execute(std::string_view sql, const SqlParams& params) {
  RETURN_IF_ERROR(EnsureConnected());
  return PgExecute(conn_.get(), sql, params);
}

Result<int64_t> PgWarehouse::RunScript(std::string_view sql, int64_t timeout_micros) {
  RETURN_IF_ERROR(EnsureConnected());
  RETURN_IF_ERROR(conn_->Exec("BEGIN"));
  bool committed = false;
  struct Rollback {
    PgConnection* conn;
    const bool& committed;
    ~Rollback() {
      if (!committed) PgAbandon(conn, false);
    }
  } rollback{conn_.get(), committed};
  // The server cancels any statement that runs past the task's timeout.
  RETURN_IF_ERROR(conn_->Exec(fmt::format("SET LOCAL statement_timeout = {}", std::max<int64_t>(1, timeout_micros / 1000))));
  const std::string text(sql);
  if (PQsendQuery(conn_->get(), text.c_str()) != 1) return PgError(conn_->get(), nullptr, "sending the task's SQL");
  Status status;
  int64_t changed = 0;
  while (PGresult* raw = PQgetResult(conn_->get())) {  // one result per statement; drain them all
    PgResult result(raw);
    const ExecStatusType state = PQresultStatus(raw);
    if (!status.ok() || state == PGRES_EMPTY_QUERY) continue;
    if (state != PGRES_COMMAND_OK && state != PGRES_TUPLES_OK) {
      const char* sqlstate = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
      status = sqlstate && std::string_view(sqlstate) == "57014"
                   ? Status::Unavailable(fmt::format("the task ran past its timeout ({} s) and was cancelled",
                                                     timeout_micros / 1'000'000))
                   : PgError(conn_->get(), raw, "task");
      continue;
    }
    if (state == PGRES_COMMAND_OK) changed += result.AffectedRows();
  }
  RETURN_IF_ERROR(status);
  committed = true;
  RETURN_IF_ERROR(conn_->Exec("COMMIT"));
  return changed;
}

}  // namespace sluice
