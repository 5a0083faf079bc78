#include "pg_cluster.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "child_run.h"
#include "proc_cpu.h"

namespace sluice::bench {
namespace {

// What the signal handler runs: `script down dir`, prepared beforehand since
// a handler may only call async-signal-safe functions (fork, execv, waitpid).
std::string g_script, g_dir;
char* g_down_argv[4] = {nullptr, nullptr, nullptr, nullptr};

void StopServerAndDie(int sig) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execv(g_down_argv[0], g_down_argv);
    _exit(127);
  }
  if (pid > 0) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void SetStopOnSignal(bool on, const std::string& script, const std::string& dir) {
  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  if (on) {
    g_script = script;
    g_dir = dir;
    static char down[] = "down";
    g_down_argv[0] = g_script.data();
    g_down_argv[1] = down;
    g_down_argv[2] = g_dir.data();
    action.sa_handler = StopServerAndDie;
    action.sa_flags = SA_RESETHAND;
  } else {
    action.sa_handler = SIG_DFL;
  }
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

Status PgCluster::RunScript(const std::string& command) const {
  return RunChildChecked({script_, command, dir_}, "/", log_, "pg-cluster.sh " + command).status();
}

Result<std::unique_ptr<PgCluster>> PgCluster::Start(const std::string& script, const std::string& dir,
                                                    const std::string& log) {
  std::unique_ptr<PgCluster> cluster(new PgCluster(script, dir, log));
  // Set before the start, so that an interrupt during it stops the server too.
  SetStopOnSignal(true, script, dir);
  cluster->running_ = true;
  RETURN_IF_ERROR(cluster->RunScript("start"));
  cluster->dsn_ = FirstLine(dir + "/dsn");
  const std::string pid = FirstLine(dir + "/data/postmaster.pid");  // its first line is the postmaster's id
  cluster->postmaster_ = std::atoi(pid.c_str());
  if (cluster->dsn_.empty() || cluster->postmaster_ <= 0)
    return Status::Internal(fmt::format("pg-cluster.sh start left no dsn or postmaster.pid in {}", dir));
  return cluster;
}

PgCluster::~PgCluster() {
  if (running_) (void)Stop(/*keep_files=*/true);
}

Status PgCluster::Stop(bool keep_files) {
  if (!running_) return Status::Ok();
  running_ = false;
  Status st = RunScript(keep_files ? "down" : "stop");
  SetStopOnSignal(false, "", "");
  return st;
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
