#include "pg_cluster.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "proc_cpu.h"

namespace sluice::bench {

Result<std::unique_ptr<PgCluster>> PgCluster::Start(const std::string& script, const std::string& dir,
                                                    const std::string& log) {
  ASSIGN_OR_RETURN(auto server, ScriptServer::Start(script, dir, log, "pg-cluster.sh"));
  std::unique_ptr<PgCluster> cluster(new PgCluster(std::move(server)));
  cluster->dsn_ = cluster->server_->FirstLine("dsn");
  // postmaster.pid's first line is the postmaster's process id.
  cluster->postmaster_ = std::atoi(cluster->server_->FirstLine("data/postmaster.pid").c_str());
  if (cluster->dsn_.empty() || cluster->postmaster_ <= 0)
    return Status::Internal(fmt::format("pg-cluster.sh start left no dsn or postmaster.pid in {}", dir));
  return cluster;
}

double PgCluster::CpuSeconds() const { return TreeCpuSeconds(postmaster_); }

std::vector<int> PgCluster::Processes() const { return ChildPids(postmaster_); }

Status PgCluster::WaitUntilOnly(const std::vector<int>& settled, double timeout_seconds) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (true) {
    const std::vector<int> now = Processes();
    const bool only_settled = std::all_of(now.begin(), now.end(), [&](int pid) {
      return std::find(settled.begin(), settled.end(), pid) != settled.end();
    });
    if (only_settled) return Status::Ok();
    if (std::chrono::steady_clock::now() > deadline)
      return Status::Internal(fmt::format("PostgreSQL still has {} processes {:.0f} s after its client ended",
                                          now.size(), timeout_seconds));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Result<double> ServerCpuMeter::Stop() const {
  RETURN_IF_ERROR(cluster_.WaitUntilOnly(settled_, 30));
  return cluster_.CpuSeconds() - start_;
}

PgPhaseStats WithServer(double wall_seconds, double client_cpu_seconds, double other_cores_with_server,
                        double server_cpu_seconds) {
  PgPhaseStats s;
  s.wall_seconds = wall_seconds;
  s.client_cpu_seconds = client_cpu_seconds;
  s.server_cpu_seconds = server_cpu_seconds;
  if (wall_seconds > 0) s.other_cores = std::max(0.0, other_cores_with_server - server_cpu_seconds / wall_seconds);
  return s;
}

}  // namespace sluice::bench
