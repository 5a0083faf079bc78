#include "pg_db.h"

#include <algorithm>
#include <memory>

namespace sluice::bench {
namespace {

using ResultPtr = std::unique_ptr<PGresult, void (*)(PGresult*)>;

ResultPtr Wrap(PGresult* r) { return ResultPtr(r, &PQclear); }

}  // namespace

PgDb::~PgDb() {
  if (conn_) PQfinish(conn_);
}

Result<PgDb> PgDb::Connect(const std::string& dsn) {
  PgDb db;
  db.conn_ = PQconnectdb(dsn.c_str());
  if (!db.conn_ || PQstatus(db.conn_) != CONNECTION_OK)
    return Status::Unavailable(fmt::format("cannot connect to {}: {}", dsn,
                                           db.conn_ ? PQerrorMessage(db.conn_) : "out of memory"));
  // The server's NOTICEs would go to stderr, in the middle of the report.
  PQsetNoticeProcessor(db.conn_, [](void*, const char*) {}, nullptr);
  return db;
}

Status PgDb::Error(std::string_view what, const PGresult* result) const {
  std::string msg = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return Status::Internal(fmt::format("postgres: {} (in: {:.300})", msg, what));
}

Status PgDb::Exec(std::string_view sql) {
  const std::string text(sql);
  // PQexec returns the last statement's result; an error stops the batch.
  auto r = Wrap(PQexec(conn_, text.c_str()));
  const ExecStatusType s = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return Error(text, r.get());
  return Status::Ok();
}

Result<std::vector<std::string>> PgDb::QueryTexts(std::string_view sql) {
  const std::string text(sql);
  auto r = Wrap(PQexec(conn_, text.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) return Error(text, r.get());
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r.get()); ++i)
    out.push_back(PQgetisnull(r.get(), i, 0) ? "NULL" : PQgetvalue(r.get(), i, 0));
  return out;
}

Result<std::vector<std::vector<std::string>>> PgDb::QueryRows(std::string_view sql) {
  const std::string text(sql);
  auto r = Wrap(PQexec(conn_, text.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) return Error(text, r.get());
  std::vector<std::vector<std::string>> out(static_cast<size_t>(PQntuples(r.get())));
  for (int i = 0; i < PQntuples(r.get()); ++i)
    for (int j = 0; j < PQnfields(r.get()); ++j)
      out[static_cast<size_t>(i)].push_back(PQgetisnull(r.get(), i, j) ? "NULL" : PQgetvalue(r.get(), i, j));
  return out;
}

Result<int64_t> PgDb::QueryInt(std::string_view sql) {
  ASSIGN_OR_RETURN(std::vector<std::string> rows, QueryTexts(sql));
  if (rows.empty()) return Status::NotFound(fmt::format("no row from: {:.200}", sql));
  try {
    return static_cast<int64_t>(std::stoll(rows[0]));
  } catch (const std::exception&) {
    return Status::Internal(fmt::format("not an integer: '{}' from: {:.200}", rows[0], sql));
  }
}

Status PgDb::BeginCopy(std::string_view copy_sql) {
  const std::string text(copy_sql);
  auto r = Wrap(PQexec(conn_, text.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN) return Error(text, r.get());
  return Status::Ok();
}

Status PgDb::PutCopy(std::string_view data) {
  constexpr size_t kPiece = 1u << 20;  // PQputCopyData takes an int length
  for (size_t pos = 0; pos < data.size(); pos += kPiece) {
    const size_t n = std::min(kPiece, data.size() - pos);
    if (PQputCopyData(conn_, data.data() + pos, static_cast<int>(n)) != 1) return Error("COPY data", nullptr);
  }
  return Status::Ok();
}

Status PgDb::EndCopy() {
  if (PQputCopyEnd(conn_, nullptr) != 1) return Error("COPY end", nullptr);
  Status status = Status::Ok();
  // Drain every result: the COPY's own, then the terminating null.
  while (PGresult* raw = PQgetResult(conn_)) {
    auto r = Wrap(raw);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && status.ok()) status = Error("COPY", r.get());
  }
  return status;
}

}  // namespace sluice::bench
