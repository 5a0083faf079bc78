#include "warehouse/postgres/pg_session.h"

#include <fmt/format.h>

#include "base/log.h"
#include "base/text.h"
#include "warehouse/postgres/pg_internal.h"
#include "warehouse/query_sink.h"

namespace sluice {
namespace {

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

Result<std::unique_ptr<PgSession>> PgSession::Open(const std::string& dsn, const std::string& schema) {
  ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(dsn));
  std::unique_ptr<PgSession> session(new PgSession(std::move(conn), schema));
  RETURN_IF_ERROR(session->SetSearchPath());
  return session;
}

Status PgSession::SetSearchPath() {
  return conn_->Query("SELECT set_config('search_path', $1, false)", {QuoteIdent(schema_)}).status();
}

Status PgSession::EnsureConnected() {
  if (!conn_->Broken()) return Status::Ok();
  // A new connection would run the rest of the transaction's statements
  // outside it, and its COMMIT would then seem to succeed.
  if (in_transaction_) return Status::Unavailable("the PostgreSQL connection was lost inside a transaction");
  Log("warehouse")->warn("the PostgreSQL connection was lost; reconnecting");
  RETURN_IF_ERROR(conn_->Reset());
  Log("warehouse")->info("reconnected to PostgreSQL");
  return SetSearchPath();
}

Result<std::vector<SqlRow>> PgSession::Execute(std::string_view sql, const SqlParams& params) {
  RETURN_IF_ERROR(EnsureConnected());
  return PgExecute(conn_.get(), sql, params);
}

Status PgSession::InTransaction(const std::function<Status()>& body) {
  RETURN_IF_ERROR(EnsureConnected());
  PgTransaction txn(conn_.get());
  RETURN_IF_ERROR(txn.Begin());
  in_transaction_ = true;
  Status st = body();
  in_transaction_ = false;
  RETURN_IF_ERROR(st);
  return txn.Commit();
}

Result<std::unique_ptr<SqlSession::Transaction>> PgSession::Begin(std::string_view lock) {
  class Open final : public Transaction {
   public:
    explicit Open(PgSession* session) : session_(session), txn_(session->conn()) {}
    ~Open() override { session_->in_transaction_ = false; }
    Status Start(std::string_view lock) {
      RETURN_IF_ERROR(txn_.Begin());
      session_->in_transaction_ = true;
      return session_->conn()->Query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", {std::string(lock)})
          .status();
    }
    Status Commit() override {
      session_->in_transaction_ = false;
      return txn_.Commit();
    }

   private:
    PgSession* session_;
    PgTransaction txn_;
  };
  RETURN_IF_ERROR(EnsureConnected());
  auto txn = std::make_unique<Open>(this);
  RETURN_IF_ERROR(txn->Start(lock));
  return std::unique_ptr<Transaction>(std::move(txn));
}

Status PgSession::Query(std::string_view sql, QuerySink* sink) {
  RETURN_IF_ERROR(EnsureConnected());
  return PgQuery(conn_.get(), sql, /*allow_writes=*/false, sink);
}

std::string PgSession::TimestampText(std::string_view column) const {
  // PostgreSQL's own output drops trailing zeros of the fraction.
  return fmt::format("to_char({}, 'YYYY-MM-DD HH24:MI:SS.US')", column);
}

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

namespace {

// The server's error for the statement, said in sluice sql's terms where the
// reason is one of the read path's rules.
Status QueryError(PGconn* conn, const PGresult* result, bool allow_writes, PgQueryLogin login) {
  Status status = PgError(conn, result, "query");
  if (status.code() != StatusCode::kInvalidArgument || allow_writes) return status;
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string_view sqlstate = state ? state : "";
  if (sqlstate == "25006")  // read_only_sql_transaction
    return Status::InvalidArgument(
        fmt::format("this statement would change the warehouse; pass --write to allow it ({})", status.message()));
  // "cannot insert multiple commands into a prepared statement": a syntax
  // error without a position, unlike every error of the parser itself. The
  // server's own text follows, should another such error come this way.
  if (sqlstate == "42601" && PQresultErrorField(result, PG_DIAG_STATEMENT_POSITION) == nullptr)
    return Status::InvalidArgument(fmt::format(
        "without --write, run one statement at a time on PostgreSQL: several statements in one read-only query "
        "are refused, none of them ran ({})",
        status.message()));
  if (sqlstate == "42501" && login == PgQueryLogin::kReader)  // insufficient_privilege
    return Status::InvalidArgument(fmt::format(
        "refused: the read-only login (warehouse.read_dsn) has no right to do this ({})", status.message()));
  return status;
}

// Ends a COPY the user's statement started: sluice sql prints rows and has
// no COPY data to send or relay. The COPY's final result follows.
Status EndClientCopy(PGconn* conn, ExecStatusType state) {
  if (state == PGRES_COPY_IN || state == PGRES_COPY_BOTH) PQputCopyEnd(conn, "sluice sql sends no COPY data");
  if (state == PGRES_COPY_OUT || state == PGRES_COPY_BOTH) {
    char* row = nullptr;
    while (PQgetCopyData(conn, &row, /*async=*/0) > 0) PQfreemem(row);
  }
  return Status::InvalidArgument("COPY to or from the client (STDOUT, STDIN) is not supported by sluice sql; "
                                 "SELECT the rows instead");
}

}  // namespace

Status PgQuery(PgConnection* conn, std::string_view sql, bool allow_writes, QuerySink* sink, PgQueryLogin login) {
  PgTransaction txn(conn);
  // Read-only unless --write: PostgreSQL itself refuses any write then.
  RETURN_IF_ERROR(txn.Begin(allow_writes ? "BEGIN" : "BEGIN READ ONLY"));
  const std::string text(sql);
  // Reading, the extended protocol: PostgreSQL takes one statement only, so
  // none can end the read-only transaction and run another after it.
  const int sent = allow_writes ? PQsendQuery(conn->get(), text.c_str())
                                : PQsendQueryParams(conn->get(), text.c_str(), 0, nullptr, nullptr, nullptr, nullptr,
                                                    /*resultFormat=*/0);
  if (sent != 1) return PgError(conn->get(), nullptr, "sending the query");
  Status status;
  bool any = false;
  // Every statement's result comes in turn; drain them all, even after an error.
  while (PGresult* raw = PQgetResult(conn->get())) {
    PgResult result(raw);
    const ExecStatusType state = PQresultStatus(raw);
    if (state == PGRES_COPY_OUT || state == PGRES_COPY_IN || state == PGRES_COPY_BOTH) {
      Status copy = EndClientCopy(conn->get(), state);
      if (status.ok()) status = copy;
      continue;
    }
    if (!status.ok()) continue;
    if (state == PGRES_EMPTY_QUERY) continue;
    if (state != PGRES_TUPLES_OK && state != PGRES_COMMAND_OK) {
      status = QueryError(conn->get(), raw, allow_writes, login);
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
