// The benchmark's own ClickHouse client (the checks and counts around
// sluice's runs, the analytical query's table and its timing): a POST of one
// statement to the HTTP interface of a server on 127.0.0.1, a connection per
// request (loopback: a fraction of a millisecond). Deliberately not sluice's
// warehouse/clickhouse layer, like pg_db.h: what checks sluice's tables must
// not share code with what wrote them.
//
// Every request carries wait_end_of_query=1, so a statement that fails
// after its first rows answers with an error status, never a 200 with the
// error appended to the rows.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::bench {

class ChDb {
 public:
  // `url` is http://127.0.0.1:PORT (what scripts/clickhouse-node.sh writes);
  // `database` the one unqualified names mean (empty: the server's default).
  static Result<ChDb> Make(const std::string& url, std::string database);

  // Runs one statement; its output, if any, is dropped.
  Status Exec(std::string_view sql);
  // The whole output of one statement (TabSeparated unless it names a FORMAT).
  Result<std::string> Query(std::string_view sql);
  // The first field of the first row of `sql`, as an integer.
  Result<int64_t> QueryInt(std::string_view sql);
  // Runs one statement and hands its output to `on_bytes` as it arrives
  // (pieces of any size); a non-Ok return stops the read.
  Status Stream(std::string_view sql, const std::function<Status(std::string_view)>& on_bytes);

  const std::string& url() const { return url_; }

 private:
  ChDb(std::string url, int port, std::string database)
      : url_(std::move(url)), port_(port), database_(std::move(database)) {}
  std::string url_;
  int port_ = 0;
  std::string database_;
};

// Waits until the server runs no background merge (system.merges is empty),
// at most `timeout_seconds`; false when some still run then.
Result<bool> WaitNoMerges(ChDb& db, double timeout_seconds);

// TabSeparated output, cut into rows as it arrives: Feed any pieces, then
// Finish. Each complete row goes to the callback with its fields unescaped
// (nullopt for \N).
class TsvRows {
 public:
  using Row = std::vector<std::optional<std::string>>;
  explicit TsvRows(std::function<Status(const Row&)> on_row) : on_row_(std::move(on_row)) {}
  Status Feed(std::string_view bytes);
  Status Finish();  // an unterminated last row is an error

 private:
  Status Line(std::string_view line);
  std::function<Status(const Row&)> on_row_;
  std::string pending_;
  Row row_;
};

}  // namespace sluice::bench
