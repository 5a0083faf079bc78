// The benchmark's own SQLite databases (the SQL baseline and the ceiling),
// opened exactly as sluice opens its warehouse (warehouse/sqlite/sqlite_db.cc)
// so that both sides pay for the same durability: WAL, synchronous=FULL, a
// 64 MiB page cache, temporary tables in memory.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice::bench {

inline constexpr const char* kSluicePragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
    "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;";

class BenchDb {
 public:
  BenchDb() = default;
  BenchDb(BenchDb&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  BenchDb& operator=(BenchDb&&) = delete;
  BenchDb(const BenchDb&) = delete;
  ~BenchDb();

  // Opens (creating if `create`) the database at `path` with kSluicePragmas.
  static Result<BenchDb> Open(const std::string& path, bool create);

  Status Exec(std::string_view sql);
  // The first column of the first row of `sql`, as an integer.
  Result<int64_t> QueryInt(std::string_view sql);
  // An error naming `what` with SQLite's message.
  Status Error(std::string_view what) const;
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// A prepared statement, finalised on destruction.
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }
  Status Prepare(const BenchDb& db, std::string_view sql);
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace sluice::bench
