// A throwaway ClickHouse server for the benchmark, run by the tests' own
// scripts/clickhouse-node.sh (one node on free loopback ports, the user
// `default` without a password, time zone UTC; see the script's header for
// its settings).
//
// The server is stopped whatever happens (script_server.h). Only a good run
// without --keep removes its files; otherwise they stay and
// `scripts/clickhouse-node.sh up DIR` starts the server on them again.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "script_server.h"

namespace sluice::bench {

// The server scripts/clickhouse-node.sh would run ($CLICKHOUSE_SERVER,
// clickhouse-server on PATH or in /usr/sbin, or `clickhouse server`); empty
// when none is installed.
std::string FindClickHouseServer();

class ChNode {
 public:
  // Runs `script start dir`, its output appended to `log`. Fails (with the
  // end of the log) when the script does.
  static Result<std::unique_ptr<ChNode>> Start(const std::string& script, const std::string& dir,
                                               const std::string& log);
  ChNode(const ChNode&) = delete;
  ChNode& operator=(const ChNode&) = delete;

  const std::string& url() const { return url_; }
  const std::string& dir() const { return server_->dir(); }
  int pid() const { return pid_; }

  // Stops the server; removes its files unless `keep_files`.
  Status Stop(bool keep_files) { return server_->Stop(keep_files); }

  // CPU seconds used so far by the server (one process: every thread).
  double CpuSeconds() const;

 private:
  explicit ChNode(std::unique_ptr<ScriptServer> server) : server_(std::move(server)) {}

  std::unique_ptr<ScriptServer> server_;  // stopped (files kept) when this is destroyed running
  std::string url_;
  int pid_ = 0;
};

}  // namespace sluice::bench
