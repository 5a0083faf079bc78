// One connection of a backend that speaks SQL with $1, $2 … parameters
// (SQLite and PostgreSQL both do): what the shared implementations of
// sluice's bookkeeping (sql_*_store.h, sql_merge_transaction.h) run on.
//
// The statements they send are written once for both: INSERT and DELETE …
// RETURNING (SQLite 3.35 and later), ON CONFLICT with a named target, row
// values in IN lists, unqualified table names (a PostgreSQL session sets its
// search_path to the warehouse's schema), and timestamps as text parameters
// the database reads as it stores them. Not thread-safe: one user at a
// time, like its connection.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice {

class QuerySink;

using SqlParams = std::vector<std::optional<std::string>>;
using SqlRow = std::vector<std::optional<std::string>>;

class SqlSession {
 public:
  virtual ~SqlSession() = default;

  // One statement with parameters written $1, $2 … (text values; nullopt is
  // NULL), in the transaction that is open, else in its own; its rows as text.
  virtual Result<std::vector<SqlRow>> Execute(std::string_view sql, const SqlParams& params = {}) = 0;
  // Runs `body` in one transaction that takes the write lock the backend
  // has: it commits if `body` returns Ok and rolls back otherwise.
  virtual Status InTransaction(const std::function<Status()>& body) = 0;

  // A transaction left open across calls (a guest backend's load or merge
  // run, warehouse/bookkeeping_store.h): it takes what InTransaction takes
  // and, on a backend with named locks, the lock `lock` too, both held until
  // it ends (PostgreSQL: an advisory lock, so runs of one name wait for each
  // other while others go on; SQLite: its one write lock already serialises
  // every writer). Rolled back when destroyed uncommitted. Statements run
  // inside it while it is open.
  class Transaction {
   public:
    virtual ~Transaction() = default;
    virtual Status Commit() = 0;
  };
  virtual Result<std::unique_ptr<Transaction>> Begin(std::string_view lock) = 0;
  // A read-only query whose rows go to `sink` with their kinds.
  virtual Status Query(std::string_view sql, QuerySink* sink) = 0;
  // An expression that reads the timestamp `column` as the text sluice
  // writes everywhere, "YYYY-MM-DD HH:MM:SS.ffffff".
  virtual std::string TimestampText(std::string_view column) const = 0;
};

}  // namespace sluice
