#include "testing/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "base/poll_until.h"
#include "testing/files.h"

extern char** environ;

namespace sluice::testing {

namespace {

// True when every thread of the process is stopped (state T in its stat);
// a thread that ended meanwhile runs no more either.
bool EveryThreadIsStopped(pid_t pid) {
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid), ec)) {
    std::ifstream in(task.path() / "stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    const size_t after_name = stat.rfind(") ");  // the name may hold spaces and parentheses
    if (after_name == std::string::npos || stat.compare(after_name + 2, 1, "T") != 0) return false;
  }
  return !ec;
}

}  // namespace

std::string RunResult::Describe() const {
  return fmt::format("exit code {}{}{}\n--- stdout ---\n{}\n--- stderr ---\n{}", exit_code,
                     signal ? fmt::format(", signal {}", signal) : "", timed_out ? ", TIMED OUT" : "", out, err);
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const RunOptions& options) : io_("sluice-io") {
  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    if (name == "SLUICE_CONFIG" && !options.keep_sluice_config_env) continue;
    bool replaced = false;
    for (const auto& [k, v] : options.env) replaced |= k == name;
    if (!replaced) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  const std::string out_path = io_.path() + "/stdout", err_path = io_.path() + "/stderr";
  const std::string cwd = options.cwd;

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid_ == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || null_in < 0) ::_exit(126);
    ::dup2(null_in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    Reap(/*block=*/true);
  }
}

bool ChildProcess::Reap(bool block) {
  if (reaped_) return true;
  while (true) {
    const pid_t r = ::waitpid(pid_, &status_, block ? 0 : WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return true;
    }
    if (r == 0) return false;
    if (errno == EINTR) continue;
    throw std::runtime_error(fmt::format("waitpid: {}", std::strerror(errno)));
  }
}

bool ChildProcess::Running() { return !Reap(/*block=*/false); }

// The child opens its output files after fork: until then there is nothing to read.
std::string ChildProcess::Stdout() const {
  const std::string path = io_.path() + "/stdout";
  return FileSize(path) < 0 ? "" : ReadFile(path);
}
std::string ChildProcess::Stderr() const {
  const std::string path = io_.path() + "/stderr";
  return FileSize(path) < 0 ? "" : ReadFile(path);
}

void ChildProcess::Kill(int signal) {
  if (!reaped_) ::kill(pid_, signal);
}

bool ChildProcess::Freeze() {
  if (reaped_) return false;
  Kill(SIGSTOP);
  return PollUntil([&] { return EveryThreadIsStopped(pid_); });
}

void ChildProcess::Thaw() { Kill(SIGCONT); }

RunResult ChildProcess::Wait(std::chrono::milliseconds timeout) {
  RunResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // A pidfd becomes readable when the child exits: no polling needed.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  while (!Reap(/*block=*/false)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(pid_, SIGKILL);
      Reap(/*block=*/true);
      break;
    }
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    } else {
      PollUntil([&] { return Reap(/*block=*/false); }, left);
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  if (WIFEXITED(status_)) result.exit_code = WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) result.signal = WTERMSIG(status_);
  result.out = ReadFile(io_.path() + "/stdout");
  result.err = ReadFile(io_.path() + "/stderr");
  return result;
}

RunResult RunProcess(const std::vector<std::string>& argv, const RunOptions& options) {
  ChildProcess child(argv, options);
  return child.Wait(options.timeout);
}

}  // namespace sluice::testing
