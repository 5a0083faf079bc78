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

// Runs `sql` (one or more statements) in one transaction, read-only unless
// `allow_writes`, each result's rows to `sink` (sluice sql's rule).
Status PgQuery(PgConnection* conn, std::string_view sql, bool allow_writes, QuerySink* sink);

}  // namespace sluice
