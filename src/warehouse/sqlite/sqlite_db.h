// Thin RAII over the SQLite C API: a connection and prepared statements whose
// failures come back as Status with SQLite's own message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  SqliteStatement& operator=(SqliteStatement&& o) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() { sqlite3_finalize(stmt_); }

  sqlite3_stmt* get() const { return stmt_; }
  // Binds are 1-based, as in SQLite.
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void BindReal(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }
  // Copies the text: safe for temporaries.
  void BindText(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  // Does not copy: the caller keeps `v` alive until the statement has run
  // (the hot paths, binding text that lives in a batch).
  void BindTextView(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }

  // Steps once: true with a row, false when done.
  Result<bool> Step();
  // Steps to completion, ignoring rows, and resets.
  Status Run();
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t ColumnInt(int i) const { return sqlite3_column_int64(stmt_, i); }
  bool ColumnIsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  std::string_view ColumnText(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string_view();
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Why the authorizer refused a statement of the read-only path (empty: it did not).
struct SqliteReadRefusal {
  std::string what;
  bool writes = false;  // allowed with --write
};

// The authorizer of every connection (user data null: ATTACH, DETACH,
// fts3_tokenizer() and load_extension() refused) and, with a
// SqliteReadRefusal as user data, of the read-only path (also every PRAGMA
// but those that describe tables), which records why it refused.
int SqliteAuthorize(void* reading, int action, const char* arg1, const char* arg2, const char* db,
                    const char* trigger);

class SqliteDb {
 public:
  SqliteDb() = default;
  SqliteDb(SqliteDb&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  // Opens (creating if `create`) the database at `path` with sluice's
  // settings: WAL, synchronous=FULL, a busy timeout for other processes;
  // hardened: defensive mode, no extensions, no two-argument
  // fts3_tokenizer(), and SqliteAuthorize.
  static Result<SqliteDb> Open(const std::string& path, bool create);

  sqlite3* get() const { return db_; }
  Status Exec(std::string_view sql);
  Result<SqliteStatement> Prepare(std::string_view sql);
  // The first column of the first row of `sql`, as an integer (0 when none).
  Result<int64_t> QueryInt(std::string_view sql);
  Status Error(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace sluice
