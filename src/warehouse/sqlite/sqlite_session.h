// SqlSession on a SQLite connection: what the shared bookkeeping runs on.
#pragma once

#include "warehouse/sql/sql_session.h"
#include "warehouse/sqlite/sqlite_db.h"

namespace sluice {

class SqliteSession final : public SqlSession {
 public:
  // `db` outlives the session.
  explicit SqliteSession(SqliteDb* db) : db_(db) {}

  Result<std::vector<SqlRow>> Execute(std::string_view sql, const SqlParams& params = {}) override;
  // BEGIN IMMEDIATE: a second writer waits (busy timeout) instead of failing halfway through.
  Status InTransaction(const std::function<Status()>& body) override;
  Result<std::unique_ptr<Transaction>> Begin(std::string_view lock) override;
  Status Query(std::string_view sql, QuerySink* sink) override;
  std::string TimestampText(std::string_view column) const override { return std::string(column); }

 private:
  SqliteDb* db_;
};

// Runs each statement of `sql` in turn, its rows to `sink`, as the user's
// SQL: read-only (query_only, SqliteSpeaker::kUserReads), or with
// `allow_writes` as `sluice sql --write` (kOperatorWrites). A statement
// refused by the authorizer fails with its reason, and says to pass --write
// when that would allow it.
Status SqliteQuery(SqliteDb* db, std::string_view sql, bool allow_writes, QuerySink* sink);

}  // namespace sluice
