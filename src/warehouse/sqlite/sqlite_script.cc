// Warehouse::RunScript on SQLite: a user's SQL task.
#include <string>

#include "base/clock.h"
#include "warehouse/sqlite/sqlite_transaction.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace sluice {

Result<int64_t> SqliteWarehouse::RunScript(std::string_view sql, int64_t timeout_micros) {
  struct Deadline {
    int64_t at;
  } deadline{NowMicros() + timeout_micros};
  SqliteTransaction txn(&db_);
  RETURN_IF_ERROR(txn.Begin());
  // SQLite calls this every 1000 virtual-machine steps; non-zero interrupts.
  // Removed (by `clear`, destroyed first) before a rollback must run.
  sqlite3_progress_handler(
      db_.get(), 1000, [](void* d) { return NowMicros() > static_cast<Deadline*>(d)->at ? 1 : 0; }, &deadline);
  struct ClearHandler {
    sqlite3* db;
    ~ClearHandler() { sqlite3_progress_handler(db, 0, nullptr, nullptr); }
  } clear{db_.get()};
  // The task's SQL is the user's: it may write, but not sluice's own tables
  // (SqliteSpeaker::kUserWrites).
  SqliteSpeakerScope user(&db_, SqliteSpeaker::kUserWrites);
  RETURN_IF_ERROR(user.entered());
  int64_t changed = 0;
  std::string_view rest = sql;
  while (!rest.empty()) {
    ASSIGN_OR_RETURN(SqliteStatement stmt, db_.PrepareNext(&rest));
    sqlite3_stmt* raw = stmt.get();
    if (raw == nullptr) continue;  // whitespace or a comment
    const bool writes = !sqlite3_stmt_readonly(raw);
    while (true) {
      auto row = stmt.Step();
      if (!row.ok()) {
        if (NowMicros() > deadline.at)
          return Status::Unavailable(fmt::format("the task ran past its timeout ({} s) and was cancelled",
                                                 timeout_micros / 1'000'000));
        return row.status();
      }
      if (!*row) break;
    }
    if (writes) changed += sqlite3_changes(db_.get());
  }
  RETURN_IF_ERROR(txn.Commit());
  return changed;
}

}  // namespace sluice
