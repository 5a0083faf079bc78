#include "bench_db.h"

namespace sluice::bench {

BenchDb::~BenchDb() { sqlite3_close_v2(db_); }

Result<BenchDb> BenchDb::Open(const std::string& path, bool create) {
  BenchDb db;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db.db_, flags, nullptr) != SQLITE_OK)
    return Status::IOError(fmt::format("cannot open '{}': {}", path, db.db_ ? sqlite3_errmsg(db.db_) : "no memory"));
  RETURN_IF_ERROR(db.Exec(kSluicePragmas));
  return db;
}

Status BenchDb::Error(std::string_view what) const {
  return Status::IOError(fmt::format("sqlite: {}: {}", what, sqlite3_errmsg(db_)));
}

Status BenchDb::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Status::IOError(fmt::format("sqlite: {} (in: {:.200})", msg, text));
  }
  return Status::Ok();
}

Result<int64_t> BenchDb::QueryInt(std::string_view sql) {
  Statement stmt;
  RETURN_IF_ERROR(stmt.Prepare(*this, sql));
  const int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_ROW) return static_cast<int64_t>(sqlite3_column_int64(stmt.get(), 0));
  if (rc == SQLITE_DONE) return Status::NotFound(fmt::format("no row from: {:.200}", sql));
  return Error(fmt::format("{:.200}", sql));
}

Status Statement::Prepare(const BenchDb& db, std::string_view sql) {
  sqlite3_finalize(stmt_);
  stmt_ = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
    return db.Error(fmt::format("prepare {:.200}", sql));
  return Status::Ok();
}

}  // namespace sluice::bench
