#include "warehouse/sqlite/sqlite_db.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "base/digest.h"

namespace sluice {
namespace {

// md5(text) as PostgreSQL's: the hex digest of the text, NULL for NULL.
// SQLite has no digest function; models' dbt.hash() is spelled with it.
void Md5Function(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const std::string hex = Md5Hex(std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(argv[0]))));
  sqlite3_result_text(ctx, hex.data(), static_cast<int>(hex.size()), SQLITE_TRANSIENT);
}

// "refused: …" when the authorizer refused what just failed.
std::optional<Status> Refused(const SqliteAuthority* authority) {
  if (authority == nullptr || authority->refusal.what.empty()) return std::nullopt;
  return Status::InvalidArgument("refused: " + authority->refusal.what);
}

}  // namespace

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    authority_ = o.authority_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Result<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  if (auto refused = Refused(authority_); refused && rc == SQLITE_AUTH) {
    sqlite3_reset(stmt_);
    return *refused;
  }
  const StatusCode code = (rc == SQLITE_BUSY || rc == SQLITE_FULL || rc == SQLITE_IOERR) ? StatusCode::kUnavailable
                          : rc == SQLITE_CONSTRAINT                                      ? StatusCode::kAlreadyExists
                                                                                         : StatusCode::kIOError;
  std::string msg = fmt::format("sqlite: {}", sqlite3_errmsg(db_));
  sqlite3_reset(stmt_);
  switch (code) {
    case StatusCode::kUnavailable: return Status::Unavailable(msg);
    case StatusCode::kAlreadyExists: return Status::AlreadyExists(msg);
    default: return Status::IOError(msg);
  }
}

Status SqliteStatement::Run() {
  while (true) {
    auto more = Step();
    if (!more.ok()) return more.status();
    if (!*more) break;
  }
  sqlite3_reset(stmt_);
  return Status::Ok();
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

Result<SqliteDb> SqliteDb::Open(const std::string& path, bool create) {
  SqliteDb db;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db.db_, flags, nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("cannot open warehouse '{}': {}", path,
                                       db.db_ ? sqlite3_errmsg(db.db_) : "out of memory"));
  }
  sqlite3_extended_result_codes(db.db_, 0);
  sqlite3_busy_timeout(db.db_, 60'000);
  // What no statement sluice runs needs, and what hostile SQL (sluice sql,
  // a task, a model) could use: fts3_tokenizer() with a pointer (a jump to
  // any address), extensions, and writes to the schema's own records.
  const auto config = [&](int option, int value) {
    return sqlite3_db_config(db.db_, option, value, nullptr) == SQLITE_OK;
  };
  if (!config(SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0) || !config(SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0) ||
      !config(SQLITE_DBCONFIG_DEFENSIVE, 1))
    return Status::Internal(fmt::format("sqlite: cannot harden the connection: {}", sqlite3_errmsg(db.db_)));
  sqlite3_set_authorizer(db.db_, SqliteAuthorize, db.authority_.get());
  db.value_limit_ = sqlite3_limit(db.db_, SQLITE_LIMIT_LENGTH, -1);
  // md5() for dbt.hash(), as PostgreSQL has it.
  if (sqlite3_create_function_v2(db.db_, "md5", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, Md5Function, nullptr,
                                 nullptr, nullptr) != SQLITE_OK)
    return Status::Internal(fmt::format("sqlite: cannot register md5(): {}", sqlite3_errmsg(db.db_)));
  // WAL lets readers (sluice sql, status) run beside a load or merge;
  // synchronous=FULL makes every committed load and merge survive power loss.
  RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
                          "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"));
  return db;
}

Status SqliteDb::Error(std::string_view what) const {
  return Status::IOError(fmt::format("sqlite: {}: {}", what, sqlite3_errmsg(db_)));
}

Status SqliteDb::PrepareFailure() const {
  if (auto refused = Refused(authority_.get())) return *refused;
  return Status::InvalidArgument(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
}

Status SqliteDb::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  authority_->BeginStatement();
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if (auto refused = Refused(authority_.get())) return *refused;
    if (rc == SQLITE_BUSY || rc == SQLITE_FULL || rc == SQLITE_IOERR) return Status::Unavailable("sqlite: " + msg);
    return Status::IOError("sqlite: " + msg);
  }
  return Status::Ok();
}

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  authority_->BeginStatement();
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                         nullptr) != SQLITE_OK)
    return PrepareFailure();
  return SqliteStatement(db_, stmt, authority_.get());
}

Result<SqliteStatement> SqliteDb::PrepareNext(std::string_view* sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  authority_->BeginStatement();
  if (sqlite3_prepare_v2(db_, sql->data(), static_cast<int>(sql->size()), &stmt, &tail) != SQLITE_OK)
    return PrepareFailure();
  sql->remove_prefix(static_cast<size_t>(tail - sql->data()));
  return SqliteStatement(db_, stmt, authority_.get());
}

SqliteSpeakerScope::SqliteSpeakerScope(SqliteDb* db, SqliteSpeaker speaker)
    : db_(db), previous_(db->authority().speaker) {
  if (speaker == SqliteSpeaker::kUserWrites) {
    // Read as sluice: staging tables are named in sluice_streams, which a
    // warehouse not yet prepared lacks.
    Speak(SqliteSpeaker::kSluice);
    std::vector<std::string> staging;
    entered_ = [&]() -> Status {
      ASSIGN_OR_RETURN(int64_t streams, db->QueryInt("SELECT count(*) FROM sqlite_master "
                                                     "WHERE type = 'table' AND name = 'sluice_streams'"));
      if (streams == 0) return Status::Ok();
      ASSIGN_OR_RETURN(auto rows, db->Prepare("SELECT staging_table FROM sluice_streams"));
      while (true) {
        ASSIGN_OR_RETURN(bool row, rows.Step());
        if (!row) break;
        staging.emplace_back(rows.ColumnText(0));
      }
      return Status::Ok();
    }();
    db->authority().staging_tables = std::move(staging);
  }
  Speak(speaker);
}

SqliteSpeakerScope::~SqliteSpeakerScope() { Speak(previous_); }

void SqliteSpeakerScope::Speak(SqliteSpeaker speaker) {
  db_->authority().speaker = speaker;
  sqlite3_limit(db_->get(), SQLITE_LIMIT_LENGTH,
                speaker == SqliteSpeaker::kSluice ? db_->value_limit_ : std::min(kUserValueLimit, db_->value_limit_));
}

Result<int64_t> SqliteDb::QueryInt(std::string_view sql) {
  ASSIGN_OR_RETURN(auto stmt, Prepare(sql));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  return has_row ? stmt.ColumnInt(0) : 0;
}

}  // namespace sluice
