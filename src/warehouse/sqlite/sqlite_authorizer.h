// Who is speaking on a SQLite connection, and what each speaker may do.
//
// SqliteAuthorize is the authorizer of every connection sluice opens
// (SqliteDb::Open). SQLite calls it while it compiles a statement, for every
// table written, function called, PRAGMA or ATTACH, so the rules hold
// whatever the statement's text looks like: nothing here reads SQL.
//
// SQL written inside a view or a trigger is the user's whatever runs it: a
// trigger that sluice's merge fires, or a view a model reads, gets the rules
// of kUserWrites (kUserReads when reading).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice {

enum class SqliteSpeaker {
  // sluice's own statements: anything but ATTACH/DETACH and the functions
  // that no statement needs (fts3_tokenizer(), load_extension()).
  kSluice,
  // The user's SQL that reads (`sluice sql`, data tests): the functions of
  // the allow-list (SqliteFunctionAllowed), the PRAGMAs that describe
  // tables, no ATTACH/DETACH. The connection is query_only besides.
  kUserReads,
  // The user's SQL that writes (SQL tasks, models): as kUserReads, and may
  // write, but not sluice's own tables (sluice_*, the staging tables), nor
  // SQLite's (sqlite_*), nor end or start the transaction sluice runs it in,
  // nor create triggers (whose SQL would run inside sluice's statements).
  kUserWrites,
  // `sluice sql --write`, the documented way to repair by hand: as
  // kUserReads, and may write any table, sluice's own too, and run the
  // PRAGMAs that maintain the file (SqlitePragmaNeedsWrite) and VACUUM.
  kOperatorWrites,
};

// Why the authorizer refused the statement being compiled or run.
struct SqliteRefusal {
  std::string what;          // empty: nothing was refused
  bool needs_write = false;  // `sluice sql --write` would allow it
};

// The authorizer's user data: one per connection, at a stable address, used
// from the connection's thread only.
struct SqliteAuthority {
  SqliteSpeaker speaker = SqliteSpeaker::kSluice;
  // Protected from kUserWrites besides sluice_* and sqlite_* (read from
  // sluice_streams when such a scope starts).
  std::vector<std::string> staging_tables;
  // The first refusal since BeginStatement.
  SqliteRefusal refusal;
  // The table a DROP or ALTER being compiled names: SQLite itself then
  // deletes or renames its row of sqlite_sequence, which a user's own
  // statement may not.
  std::string ddl_table;

  // Called before each statement is prepared.
  void BeginStatement() {
    refusal = {};
    ddl_table.clear();
  }
};

// The sqlite3_set_authorizer callback; `authority` is a SqliteAuthority.
int SqliteAuthorize(void* authority, int action, const char* arg1, const char* arg2, const char* db,
                    const char* inner);

// Whether user SQL may call the function `name` (any case): SQLite's core
// scalar, date and time, aggregate, window, math and JSON functions,
// sluice's md5(), and the functions SQLite compiles into ALTER TABLE.
bool SqliteFunctionAllowed(std::string_view name);

}  // namespace sluice
