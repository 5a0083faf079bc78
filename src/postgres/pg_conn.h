// A thin RAII layer over libpq: a connection, results, COPY FROM STDIN, and
// PostgreSQL errors turned into Status by their SQLSTATE.
//
// libpq rather than libpqxx: Debian 12's libpqxx (6.4) streams COPY only
// from fixed-size tuples, while sluice's rows have the catalog's width, known
// at run time; its raw-line writer is private (stream_to) or deprecated
// (tablewriter). libpq is what libpqxx itself wraps.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice {

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}

  int rows() const { return PQntuples(result_.get()); }
  int columns() const { return PQnfields(result_.get()); }
  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view Get(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column), static_cast<size_t>(PQgetlength(result_.get(), row, column))};
  }
  int64_t GetInt(int row, int column) const;
  std::string ColumnName(int column) const { return PQfname(result_.get(), column); }
  Oid ColumnType(int column) const { return PQftype(result_.get(), column); }
  // Rows an INSERT/UPDATE/DELETE touched.
  int64_t AffectedRows() const;
  PGresult* get() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_{nullptr, &PQclear};
};

using PgParams = std::vector<std::optional<std::string>>;

class PgConnection {
 public:
  // Connects; Unavailable (retryable) when the server cannot be reached.
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& dsn);
  ~PgConnection();

  bool Broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  // Reconnects a broken connection with the same parameters.
  Status Reset();

  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql);
  // Runs one statement with $1… parameters (text); returns its rows.
  Result<PgResult> Query(const std::string& sql, const PgParams& params = {});
  // The same with every parameter in its type's binary format (e.g. arrays
  // from pg_binary_copy.h); the rows come back as text.
  Result<PgResult> QueryBinary(const std::string& sql, const std::vector<std::string>& params);

  // COPY … FROM STDIN (text format): Begin, then Put lines ('\n'-ended,
  // fields escaped with AppendCopyField), then End.
  Status BeginCopy(const std::string& copy_sql);
  Status PutCopy(std::string_view data);
  Status EndCopy();

  // COPY … TO STDOUT: Begin, then NextCopyRow until it returns false (the
  // end, after the server reported success). Each row (one CopyData message:
  // a line, or a tuple in the binary format) stays valid until the next call.
  Status BeginCopyOut(const std::string& copy_sql);
  Result<bool> NextCopyRow(std::string_view* row);

  PGconn* get() const { return conn_; }

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  PGconn* conn_;
  char* copy_row_ = nullptr;  // libpq's buffer of the last COPY OUT row
};

// Appends `value` escaped for COPY's text format (\\, \t, \n, \r).
void AppendCopyField(std::string_view value, std::string* line);
inline void AppendCopyNull(std::string* line) { line->append("\\N"); }

// The error of a failed result (or of the connection when `result` is null)
// as a Status: connection loss, shutdown and serialization failures are
// Unavailable (retry); unique violations AlreadyExists; the rest Internal.
Status PgError(PGconn* conn, const PGresult* result, std::string_view what);

}  // namespace sluice
