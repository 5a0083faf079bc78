// A throwaway PostgreSQL cluster for the benchmark, run by the tests' own
// scripts/pg-cluster.sh (initdb in a folder, a free loopback port, trust
// authentication; as root the server runs as the `postgres` user).
//
// The server is stopped whatever happens (script_server.h). Only a good run
// without --keep removes the cluster's files; otherwise they stay and
// `scripts/pg-cluster.sh up DIR` starts the server on them again.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "script_server.h"

namespace sluice::bench {

class PgCluster {
 public:
  // Runs `script start dir`, its output appended to `log`. Fails (with the
  // end of the log) when the script does: no PostgreSQL, no free port, a
  // folder the server's user cannot write.
  static Result<std::unique_ptr<PgCluster>> Start(const std::string& script, const std::string& dir,
                                                  const std::string& log);
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;
  const std::string& dsn() const { return dsn_; }
  const std::string& dir() const { return server_->dir(); }

  // Stops the server; removes its files unless `keep_files`.
  Status Stop(bool keep_files) { return server_->Stop(keep_files); }

  // CPU seconds used so far by every server process (see TreeCpuSeconds).
  double CpuSeconds() const;
  // The server's processes now, apart from the postmaster.
  std::vector<int> Processes() const;
  // Waits, at most `timeout_seconds`, until every server process not in
  // `settled` has exited. After a client disconnects, its backend lingers
  // a moment; once it is reaped, its CPU time is in CpuSeconds() for good.
  Status WaitUntilOnly(const std::vector<int>& settled, double timeout_seconds) const;

 private:
  explicit PgCluster(std::unique_ptr<ScriptServer> server) : server_(std::move(server)) {}

  std::unique_ptr<ScriptServer> server_;  // stopped (files kept) when this is destroyed running
  std::string dsn_;
  int postmaster_ = 0;
};

// One phase on this server as the report shows it. The server's processes
// do most of the work, so their CPU time is measured separately from the
// client's (the sluice child or the bench itself).
struct PgPhaseStats {
  double wall_seconds = 0;
  double client_cpu_seconds = 0;
  double server_cpu_seconds = 0;
  double other_cores = 0;  // cores busy with neither the client nor the server
};

// Measures the server's CPU time over one phase: construct it just before
// the client starts, Stop it once the client is done.
class ServerCpuMeter {
 public:
  explicit ServerCpuMeter(const PgCluster& cluster)
      : cluster_(cluster), settled_(cluster.Processes()), start_(cluster.CpuSeconds()) {}
  // Waits for the client's backends to exit (so their time is counted),
  // then returns the server's CPU seconds since construction.
  Result<double> Stop() const;

 private:
  const PgCluster& cluster_;
  const std::vector<int> settled_;
  const double start_;
};

// A phase's figures from the client's: `other_cores_with_server` counted the
// server's processes as other work, which they are not.
PgPhaseStats WithServer(double wall_seconds, double client_cpu_seconds, double other_cores_with_server,
                        double server_cpu_seconds);

}  // namespace sluice::bench
