#include "postgres/pg_conn.h"

#include <charconv>

#include <fmt/format.h>

namespace sluice {

int64_t PgResult::GetInt(int row, int column) const {
  const std::string_view text = Get(row, column);
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

int64_t PgResult::AffectedRows() const {
  const char* n = PQcmdTuples(result_.get());
  return n && *n ? std::stoll(n) : 0;
}

Status PgError(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result) : "";
  if (message.empty()) message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const std::string text = fmt::format("postgres: {}: {}", what, message);
  const std::string_view sqlstate = state ? state : "";
  // 08: connection exception; 57P0x: the server is shutting down or starting;
  // 40001/40P01: serialization failure, deadlock — all worth a retry.
  if (PQstatus(conn) != CONNECTION_OK || sqlstate.substr(0, 2) == "08" || sqlstate.substr(0, 3) == "57P" ||
      sqlstate == "40001" || sqlstate == "40P01")
    return Status::Unavailable(text);
  if (sqlstate == "23505") return Status::AlreadyExists(text);
  if (sqlstate.substr(0, 2) == "42" || sqlstate.substr(0, 2) == "22" || sqlstate.substr(0, 2) == "25")
    return Status::InvalidArgument(text);  // syntax, data, read-only transaction: the statement's fault
  return Status::Internal(text);
}

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& dsn) {
  PGconn* conn = PQconnectdb(dsn.c_str());
  if (conn == nullptr) return Status::Unavailable("postgres: out of memory connecting");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    PQfinish(conn);
    return Status::Unavailable(fmt::format("postgres: cannot connect: {}", message));
  }
  // Notices (e.g. "schema already exists, skipping") are not for the user.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() {
  if (copy_row_) PQfreemem(copy_row_);
  PQfinish(conn_);
}

Status PgConnection::Reset() {
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) return PgError(conn_, nullptr, "reconnecting");
  return Status::Ok();
}

Status PgConnection::Exec(std::string_view sql) {
  const std::string text(sql);
  PgResult result(PQexec(conn_, text.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return PgError(conn_, result.get(), text.substr(0, 200));
  return Status::Ok();
}

Result<PgResult> PgConnection::Query(const std::string& sql, const PgParams& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PgResult result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                               nullptr, /*resultFormat=*/0));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return PgError(conn_, result.get(), sql.substr(0, 200));
  return result;
}

Result<PgResult> PgConnection::QueryBinary(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats(params.size(), 1);
  for (const auto& p : params) {
    values.push_back(p.data());
    lengths.push_back(static_cast<int>(p.size()));
  }
  PgResult result(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                               lengths.data(), formats.data(), /*resultFormat=*/0));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return PgError(conn_, result.get(), sql.substr(0, 200));
  return result;
}

Status PgConnection::BeginCopy(const std::string& copy_sql) {
  PgResult result(PQexec(conn_, copy_sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COPY_IN) return PgError(conn_, result.get(), copy_sql);
  return Status::Ok();
}

Status PgConnection::PutCopy(std::string_view data) {
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1)
    return PgError(conn_, nullptr, "sending COPY data");
  return Status::Ok();
}

Status PgConnection::EndCopy() {
  if (PQputCopyEnd(conn_, nullptr) != 1) return PgError(conn_, nullptr, "ending COPY");
  Status status;
  // COPY reports its outcome as one result, then a null.
  while (PGresult* raw = PQgetResult(conn_)) {
    PgResult result(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && status.ok()) status = PgError(conn_, raw, "COPY");
  }
  return status;
}

Status PgConnection::BeginCopyOut(const std::string& copy_sql) {
  PgResult result(PQexec(conn_, copy_sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COPY_OUT) return PgError(conn_, result.get(), copy_sql.substr(0, 200));
  return Status::Ok();
}

Result<bool> PgConnection::NextCopyRow(std::string_view* row) {
  if (copy_row_) {
    PQfreemem(copy_row_);
    copy_row_ = nullptr;
  }
  const int n = PQgetCopyData(conn_, &copy_row_, /*async=*/0);
  if (n >= 0) {
    *row = std::string_view(copy_row_, static_cast<size_t>(n));
    return true;
  }
  if (n == -2) return PgError(conn_, nullptr, "reading COPY data");
  Status status;
  // The end: the COPY's outcome as one result, then a null.
  while (PGresult* raw = PQgetResult(conn_)) {
    PgResult result(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && status.ok()) status = PgError(conn_, raw, "COPY TO STDOUT");
  }
  RETURN_IF_ERROR(status);
  return false;
}

void AppendCopyField(std::string_view value, std::string* line) {
  size_t plain = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const char* escape = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : nullptr;
    if (escape == nullptr) continue;
    line->append(value.substr(plain, i - plain)).append(escape);
    plain = i + 1;
  }
  line->append(value.substr(plain));
}

}  // namespace sluice
