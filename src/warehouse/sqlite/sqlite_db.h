// Thin RAII over the SQLite C API: a connection and prepared statements whose
// failures come back as Status with SQLite's own message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "warehouse/sqlite/sqlite_authorizer.h"

namespace sluice {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  // With `authority` (the connection's), a step the authorizer refuses
  // fails with its reason.
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, const SqliteAuthority* authority = nullptr)
      : db_(db), stmt_(stmt), authority_(authority) {}
  SqliteStatement(SqliteStatement&& o) noexcept : db_(o.db_), stmt_(o.stmt_), authority_(o.authority_) {
    o.stmt_ = nullptr;
  }
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

  // Steps once: true with a row, false when done. A step the authorizer
  // refuses (a PRAGMA behind a pragma_* table) is InvalidArgument with its
  // reason.
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
  const SqliteAuthority* authority_ = nullptr;
};

// The longest string or blob a user's SQL may make or read, instead of
// SQLite's 1e9 bytes: randomblob(), zeroblob(), printf('%.*c', …) and
// group_concat() allocate up to it, in the process that also collects
// events. Far above any value sluice stores (an event is at most 16 MiB).
inline constexpr int kUserValueLimit = 100'000'000;

class SqliteDb {
 public:
  SqliteDb() = default;
  SqliteDb(SqliteDb&& o) noexcept
      : db_(o.db_), authority_(std::move(o.authority_)), value_limit_(o.value_limit_) {
    o.db_ = nullptr;
  }
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  // Opens (creating if `create`) the database at `path` with sluice's
  // settings: WAL, synchronous=FULL, a busy timeout for other processes;
  // hardened: defensive mode, no extensions, no two-argument
  // fts3_tokenizer(), and SqliteAuthorize with sluice speaking until a
  // SqliteSpeakerScope says otherwise.
  static Result<SqliteDb> Open(const std::string& path, bool create);

  sqlite3* get() const { return db_; }
  // Exec, Prepare and PrepareNext fail with the authorizer's reason
  // ("refused: …", InvalidArgument) when it refused the statement.
  Status Exec(std::string_view sql);
  Result<SqliteStatement> Prepare(std::string_view sql);
  // Prepares the first statement of `*sql` (a script of the user's) and
  // moves `*sql` past it. Only whitespace or a comment gives a statement
  // whose get() is null.
  Result<SqliteStatement> PrepareNext(std::string_view* sql);
  // The first column of the first row of `sql`, as an integer (0 when none).
  Result<int64_t> QueryInt(std::string_view sql);
  Status Error(std::string_view what) const;

  // Who speaks, and why the last statement was refused.
  SqliteAuthority& authority() { return *authority_; }
  const SqliteAuthority& authority() const { return *authority_; }

 private:
  friend class SqliteSpeakerScope;

  // Why the statement just prepared failed: the authorizer's refusal, or
  // SQLite's message.
  Status PrepareFailure() const;

  sqlite3* db_ = nullptr;
  // The authorizer's user data: at a stable address while SqliteDb moves.
  std::unique_ptr<SqliteAuthority> authority_ = std::make_unique<SqliteAuthority>();
  int value_limit_ = 0;  // SQLITE_LIMIT_LENGTH of sluice's own statements
};

// While alive, `db`'s statements are `speaker`'s (SqliteAuthorize's rules),
// and with a user speaking no string or blob is longer than
// kUserValueLimit. Restores the previous speaker when it goes: scopes nest
// (SqliteTransaction speaks as sluice inside a user's scope). kUserWrites
// first reads the staging tables' names (sluice_streams); entered() is not
// ok when it could not, and the caller must not run the user's SQL then.
class SqliteSpeakerScope {
 public:
  SqliteSpeakerScope(SqliteDb* db, SqliteSpeaker speaker);
  SqliteSpeakerScope(const SqliteSpeakerScope&) = delete;
  SqliteSpeakerScope& operator=(const SqliteSpeakerScope&) = delete;
  ~SqliteSpeakerScope();

  [[nodiscard]] Status entered() const { return entered_; }

 private:
  void Speak(SqliteSpeaker speaker);

  SqliteDb* db_;
  SqliteSpeaker previous_;
  Status entered_;
};

}  // namespace sluice
