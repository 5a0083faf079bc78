// One ClickHouse server, spoken to over its HTTP interface (port 8123):
// every statement is a POST, its text in the body (or, for an INSERT, in the
// `query` parameter with the rows as the body), the database and settings as
// URL parameters.
//
// The connection is kept open between requests (HTTP/1.1 keep-alive) and
// opened again when the server closed it. A request that fails because the
// server cannot be reached (refused, reset, timed out), or that the server
// answers with "a shard could not be reached" or "too busy", is Unavailable;
// the caller decides whether to retry (RetryUnavailable below). A request the
// server refuses is InvalidArgument with the server's own message (its
// first line, "Code: 60, e.displayText() = DB::Exception: Table … doesn't
// exist"). Not thread-safe: one user at a time, like a database connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/webhook_url.h"

namespace sluice {

class ClickHouseClient {
 public:
  using Settings = std::map<std::string, std::string>;

  // `url` is http://host:port; `database` the one unqualified names mean
  // (empty: the server's default). No I/O until the first request.
  static Result<std::unique_ptr<ClickHouseClient>> Make(std::string_view url, std::string database);
  ~ClickHouseClient();
  ClickHouseClient(const ClickHouseClient&) = delete;
  ClickHouseClient& operator=(const ClickHouseClient&) = delete;

  // Runs one statement; its output (in the FORMAT it names, if any).
  Result<std::string> Run(std::string_view sql, const Settings& settings = {});
  // Runs one statement that reads `rows` (TabSeparated) as the temporary
  // table `name` with columns `structure` ("k String, v Int64"): ClickHouse's
  // external data, far quicker to send than a long IN list.
  Result<std::string> RunWith(std::string_view sql, std::string_view name, std::string_view structure,
                              std::string_view rows, const Settings& settings = {});
  // INSERT: `insert` is "INSERT INTO t (a, b) FORMAT TabSeparated", `rows` the data.
  Status Insert(std::string_view insert, std::string_view rows, const Settings& settings = {});

  const std::string& url() const { return url_text_; }
  const std::string& database() const { return database_; }
  // How long one request may take before it is Unavailable (default 10 min:
  // a large insert or a FINAL read of a big table).
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

 private:
  struct Connection;
  ClickHouseClient(WebhookUrl url, std::string url_text, std::string database);
  // The target of a request with these URL parameters, the database and
  // wait_end_of_query (so an error after the first rows is an error, not a
  // 200 with the error text appended).
  std::string Target(const Settings& parameters) const;
  Result<std::string> Post(const std::string& target, std::string_view body, std::string_view content_type);

  WebhookUrl url_;
  std::string url_text_;
  std::string database_;
  std::chrono::milliseconds timeout_{std::chrono::minutes(10)};
  std::unique_ptr<Connection> connection_;  // null when closed
};

// The error code in a ClickHouse error message ("Code: 60, e.displayText()
// …" in 18.16, "Code: 60. DB::Exception: …" in later releases); 0 if none.
int ChErrorCode(std::string_view message);

// Calls `request` until it returns anything but Unavailable or `patience`
// has passed since the first try, waiting between tries (0.1 s doubling to
// 5 s): what inserts do while a shard is down, since the landing zone keeps
// the events meanwhile.
Status RetryUnavailable(std::chrono::milliseconds patience, const std::function<Status()>& request);

}  // namespace sluice
