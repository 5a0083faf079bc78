// SqlSession on the PostgreSQL warehouse's connection: what the shared
// bookkeeping runs on. It owns the connection, and reconnects one the server
// dropped before the next statement (the statement that found it broken
// failed as Unavailable, which callers retry). Unqualified table names mean
// the warehouse's schema (the session's search_path).
#pragma once

#include <memory>
#include <string>

#include "postgres/pg_conn.h"
#include "warehouse/sql/sql_session.h"

namespace sluice {

class PgSession final : public SqlSession {
 public:
  // Connects to `dsn` and sets the search_path to `schema`.
  static Result<std::unique_ptr<PgSession>> Open(const std::string& dsn, const std::string& schema);

  Result<std::vector<SqlRow>> Execute(std::string_view sql, const SqlParams& params = {}) override;
  Status InTransaction(const std::function<Status()>& body) override;
  Result<std::unique_ptr<Transaction>> Begin(std::string_view lock) override;
  // PgQuery's read rule (one statement, READ ONLY) as the warehouse's own
  // login: its callers (corrections' lists, models' data tests and merge
  // positions) read sluice_* tables, which warehouse.read_dsn's login may not.
  Status Query(std::string_view sql, QuerySink* sink) override;
  std::string TimestampText(std::string_view column) const override;

  // Reconnects a connection the server dropped; Unavailable if it cannot,
  // or inside InTransaction's body (the transaction is lost with it).
  Status EnsureConnected();
  // The connection, for the warehouse's own statements; call EnsureConnected first.
  PgConnection* conn() { return conn_.get(); }

 private:
  PgSession(std::unique_ptr<PgConnection> conn, std::string schema)
      : conn_(std::move(conn)), schema_(std::move(schema)) {}
  Status SetSearchPath();

  std::unique_ptr<PgConnection> conn_;
  std::string schema_;
  bool in_transaction_ = false;  // inside InTransaction's body: EnsureConnected does not reconnect
};

// Who a query runs as, for what its refusals say: the warehouse's own login
// (warehouse.dsn) or the login of the read path (warehouse.read_dsn), whose
// missing rights are the point.
enum class PgQueryLogin { kMain, kReader };

// sluice sql's rule, each result's rows to `sink`:
//   - allow_writes: `sql` is one or more statements (the simple protocol),
//     in one transaction that commits when all succeed;
//   - otherwise exactly ONE statement, sent with the extended protocol, in a
//     READ ONLY transaction. PostgreSQL itself refuses several statements in
//     one extended-protocol query (before running any), so no `COMMIT; …`,
//     `ROLLBACK; …` or `SET TRANSACTION READ WRITE; …` can get a write past
//     the read-only transaction. The statement still has its login's rights
//     (a superuser may read server files, run programs, SET ROLE): a login
//     without them is warehouse.read_dsn's job.
// Errors, InvalidArgument, name why: a write without --write, several
// statements without --write, a right the reader login lacks, COPY to or
// from the client (sluice prints rows, it does not relay COPY data), an empty
// query. Session settings a statement changes (SET …) outlive the query on
// `conn`.
Status PgQuery(PgConnection* conn, std::string_view sql, bool allow_writes, QuerySink* sink,
               PgQueryLogin login = PgQueryLogin::kMain);

}  // namespace sluice
