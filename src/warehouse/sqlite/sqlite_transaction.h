// A transaction on a SqliteDb that rolls back unless committed. Sluice
// speaks its BEGIN, COMMIT and ROLLBACK, also inside a user's scope (which
// may not: SqliteSpeaker::kUserWrites).
#pragma once

#include "warehouse/sqlite/sqlite_db.h"

namespace sluice {

class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb* db) : db_(db) {}
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  ~SqliteTransaction() {
    if (!open_) return;
    SqliteSpeakerScope sluice(db_, SqliteSpeaker::kSluice);
    (void)db_->Exec("ROLLBACK");
  }

  // BEGIN IMMEDIATE: takes the write lock now, so a second writer waits
  // (busy timeout) instead of failing halfway through.
  Status Begin() {
    SqliteSpeakerScope sluice(db_, SqliteSpeaker::kSluice);
    RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
    open_ = true;
    return Status::Ok();
  }
  Status Commit() {
    SqliteSpeakerScope sluice(db_, SqliteSpeaker::kSluice);
    RETURN_IF_ERROR(db_->Exec("COMMIT"));
    open_ = false;
    return Status::Ok();
  }
  Status Rollback() {
    SqliteSpeakerScope sluice(db_, SqliteSpeaker::kSluice);
    open_ = false;
    return db_->Exec("ROLLBACK");
  }

 private:
  SqliteDb* db_;
  bool open_ = false;
};

}  // namespace sluice
