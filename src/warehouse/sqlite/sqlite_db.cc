#include "warehouse/sqlite/sqlite_db.h"

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

}  // namespace

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Result<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
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

int SqliteAuthorize(void* reading, int action, const char* arg1, const char* arg2, const char* /*db*/,
                    const char* /*trigger*/) {
  auto* refusal = static_cast<SqliteReadRefusal*>(reading);
  const auto deny = [&](std::string what, bool writes) {
    if (refusal != nullptr && refusal->what.empty()) *refusal = {std::move(what), writes};
    return SQLITE_DENY;
  };
  switch (action) {
    case SQLITE_ATTACH:  // a file anywhere the user can write, and its tables in the query
    case SQLITE_DETACH:
      return deny("ATTACH and DETACH are not allowed", false);
    case SQLITE_FUNCTION:
      // fts3_tokenizer(name) reveals a code address (and with a pointer,
      // jumps to it); load_extension runs a library's code.
      if (arg2 != nullptr && (sqlite3_stricmp(arg2, "fts3_tokenizer") == 0 || sqlite3_stricmp(arg2, "load_extension") == 0))
        return deny(fmt::format("the function {}() is not allowed", arg2), false);
      return SQLITE_OK;
    case SQLITE_PRAGMA: {
      if (refusal == nullptr) return SQLITE_OK;  // sluice's own statements
      // Reading: only the pragmas that describe tables, and user_version's value.
      static constexpr const char* kDescribe[] = {"table_info", "table_xinfo", "index_list", "index_info",
                                                  "index_xinfo", "foreign_key_list", "table_list"};
      for (const char* allowed : kDescribe)
        if (arg1 != nullptr && sqlite3_stricmp(arg1, allowed) == 0) return SQLITE_OK;
      if (arg1 != nullptr && arg2 == nullptr && sqlite3_stricmp(arg1, "user_version") == 0) return SQLITE_OK;
      return deny(fmt::format("PRAGMA {} may change the warehouse or reveal the process", arg1 ? arg1 : ""), true);
    }
    default:
      return SQLITE_OK;
  }
}

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
  sqlite3_set_authorizer(db.db_, SqliteAuthorize, nullptr);
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

Status SqliteDb::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if (rc == SQLITE_BUSY || rc == SQLITE_FULL || rc == SQLITE_IOERR) return Status::Unavailable("sqlite: " + msg);
    return Status::IOError("sqlite: " + msg);
  }
  return Status::Ok();
}

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                         nullptr) != SQLITE_OK) {
    return Status::InvalidArgument(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
  }
  return SqliteStatement(db_, stmt);
}

Result<int64_t> SqliteDb::QueryInt(std::string_view sql) {
  ASSIGN_OR_RETURN(auto stmt, Prepare(sql));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  return has_row ? stmt.ColumnInt(0) : 0;
}

}  // namespace sluice
