#include "child_run.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "phase_meter.h"

namespace sluice::bench {
namespace {

double Seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

// VmRSS of this process in KiB, or 0 when /proc cannot tell.
int64_t CurrentRssKib() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  long pages_total = 0, pages_resident = 0;
  const int got = std::fscanf(f, "%ld %ld", &pages_total, &pages_resident);
  std::fclose(f);
  return got == 2 ? static_cast<int64_t>(pages_resident) * (::sysconf(_SC_PAGESIZE) / 1024) : 0;
}

}  // namespace

Result<ChildRun> RunChild(const std::vector<std::string>& argv, const std::string& cwd, const std::string& log_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return Status::IOError(fmt::format("cannot open '{}': {}", log_path, std::strerror(errno)));

  const int64_t parent_rss_kib = CurrentRssKib();
  const pid_t parent = ::getpid();
  PhaseMeter meter;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log);
    return Status::IOError(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {  // only async-signal-safe calls from here on
    // An interrupted bench takes its child with it (a sluice run would
    // otherwise go on retrying against a server the bench has stopped).
    if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || ::getppid() != parent) _exit(125);
    if (::chdir(cwd.c_str()) != 0 || ::dup2(log, STDOUT_FILENO) < 0 || ::dup2(log, STDERR_FILENO) < 0) _exit(126);
    ::execv(args[0], args.data());
    _exit(127);
  }
  ::close(log);
  int status = 0;
  rusage usage{};
  pid_t waited;
  do {
    waited = ::wait4(pid, &status, 0, &usage);
  } while (waited < 0 && errno == EINTR);
  ChildRun run;
  if (waited < 0) return Status::IOError(fmt::format("wait4: {}", std::strerror(errno)));
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.user_seconds = Seconds(usage.ru_utime);
  run.system_seconds = Seconds(usage.ru_stime);
  const PhaseStats stats = meter.StopForChild(run.user_seconds + run.system_seconds);
  run.wall_seconds = stats.wall_seconds;
  run.other_cores = stats.other_cores;
  run.max_rss_kib = usage.ru_maxrss;
  run.parent_rss_kib = parent_rss_kib;
  if (run.exit_code == 127) return Status::NotFound(fmt::format("cannot run '{}'", argv[0]));
  return run;
}

Result<ChildRun> RunChildChecked(const std::vector<std::string>& argv, const std::string& cwd,
                                 const std::string& log_path, std::string_view what) {
  ASSIGN_OR_RETURN(ChildRun run, RunChild(argv, cwd, log_path));
  if (run.exit_code == 0) return run;
  std::ifstream in(log_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 2000) text = "…" + text.substr(text.size() - 2000);
  return Status::Internal(fmt::format("`{}` exited with {}; its log ({}):\n{}", what, run.exit_code, log_path, text));
}

}  // namespace sluice::bench
