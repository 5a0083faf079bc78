// A throwaway PostgreSQL cluster for the benchmark, run by the tests' own
// scripts/pg-cluster.sh (initdb in a folder, a free loopback port, trust
// authentication; as root the server runs as the `postgres` user).
//
// The server is stopped whatever happens: Stop() at the end of a good run,
// the destructor on an early return, and SIGINT/SIGTERM while it runs. Only
// a good run without --keep removes the cluster's files; otherwise they stay
// and `scripts/pg-cluster.sh up DIR` starts the server on them again.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

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
  ~PgCluster();  // still running: stops the server, keeps its files

  const std::string& dsn() const { return dsn_; }
  const std::string& dir() const { return dir_; }

  // Stops the server; removes its files unless `keep_files`.
  Status Stop(bool keep_files);

  // CPU seconds used so far by every server process (see TreeCpuSeconds).
  double CpuSeconds() const;
  // The server's processes now, apart from the postmaster.
  std::vector<int> Processes() const;
  // Waits, at most `timeout_seconds`, until every server process not in
  // `settled` has exited. After a client disconnects, its backend lingers
  // a moment; once it is reaped, its CPU time is in CpuSeconds() for good.
  Status WaitUntilOnly(const std::vector<int>& settled, double timeout_seconds) const;

 private:
  PgCluster(std::string script, std::string dir, std::string log) : script_(std::move(script)),
                                                                     dir_(std::move(dir)), log_(std::move(log)) {}
  Status RunScript(const std::string& command) const;

  std::string script_, dir_, log_, dsn_;
  int postmaster_ = 0;
  bool running_ = false;
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
