// The benchmark's own libpq connection (the SQL baseline on PostgreSQL, the
// checks and counts around sluice's runs). Deliberately not sluice's
// warehouse/postgres layer: the baseline must not share code with what it
// is measured against.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::bench {

class PgDb {
 public:
  PgDb() = default;
  PgDb(PgDb&& o) noexcept : conn_(o.conn_) { o.conn_ = nullptr; }
  PgDb& operator=(PgDb&&) = delete;
  PgDb(const PgDb&) = delete;
  ~PgDb();

  static Result<PgDb> Connect(const std::string& dsn);

  // Runs one or more statements; their rows, if any, are dropped.
  Status Exec(std::string_view sql);
  // The first column of the first row of `sql`, as an integer.
  Result<int64_t> QueryInt(std::string_view sql);
  // The first column of every row of `sql`, as text (NULL as "NULL").
  Result<std::vector<std::string>> QueryTexts(std::string_view sql);
  // Every row of `sql`, each field as text (NULL as "NULL").
  Result<std::vector<std::vector<std::string>>> QueryRows(std::string_view sql);

  // COPY … FROM STDIN: Begin, any number of Puts (raw bytes in the COPY's
  // format), then End, which reports the server's verdict.
  Status BeginCopy(std::string_view copy_sql);
  Status PutCopy(std::string_view data);
  Status EndCopy();

 private:
  Status Error(std::string_view what, const PGresult* result) const;
  PGconn* conn_ = nullptr;
};

}  // namespace sluice::bench
