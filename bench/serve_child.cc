#include "serve_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <thread>

#include <fmt/format.h>

#include "stopwatch.h"

namespace sluice::bench {

Result<std::unique_ptr<ServeChild>> ServeChild::Start(const std::vector<std::string>& argv, const std::string& cwd,
                                                      const std::string& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(fmt::format("cannot open '{}': {}", log, std::strerror(errno)));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fd);
    return Status::IOError(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {  // async-signal-safe calls only; an interrupted bench takes serve with it
    if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || ::getppid() != parent) _exit(125);
    if (::chdir(cwd.c_str()) != 0 || ::dup2(fd, STDOUT_FILENO) < 0 || ::dup2(fd, STDERR_FILENO) < 0) _exit(126);
    ::execv(args[0], args.data());
    _exit(127);
  }
  ::close(fd);
  return std::unique_ptr<ServeChild>(new ServeChild(pid, log));
}

ServeChild::~ServeChild() {
  if (!exited_) (void)Stop(60);
}

bool ServeChild::Exited() {
  if (exited_) return true;
  int status = 0;
  if (::wait4(pid_, &status, WNOHANG, &usage_) == pid_) Reap(status);
  return exited_;
}

Status ServeChild::Wait() {
  while (!exited_) {
    int status = 0;
    const pid_t got = ::wait4(pid_, &status, 0, &usage_);
    if (got == pid_) Reap(status);
    else if (got < 0 && errno != EINTR) return Status::IOError(fmt::format("wait4: {}", std::strerror(errno)));
  }
  return Status::Ok();
}

int ServeChild::Stop(double seconds) {
  if (Exited()) return exit_code_;
  ::kill(pid_, SIGTERM);
  Stopwatch clock;
  while (!Exited() && clock.Seconds() < seconds) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (!exited_) {
    ::kill(pid_, SIGKILL);
    (void)Wait();
  }
  return exit_code_;
}

double ServeChild::cpu_seconds() const {
  const auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return s(usage_.ru_utime) + s(usage_.ru_stime);
}

Result<int> ServeChild::WaitForPort(double seconds) {
  const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
  Stopwatch clock;
  while (clock.Seconds() < seconds) {
    std::ifstream in(log_);
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
      if (std::regex_search(line, m, listening)) return std::stoi(m[1]);
    if (Exited()) return Died("before listening");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Status::Internal(fmt::format("`sluice serve` did not listen within {:.0f} s; log {}", seconds, log_));
}

std::string ServeChild::LogTail() const {
  std::ifstream in(log_);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 2500) text = "…" + text.substr(text.size() - 2500);
  return text;
}

Status ServeChild::Died(std::string_view when) const {
  return Status::Internal(
      fmt::format("`sluice serve` exited with {} {}; its log ({}):\n{}", exit_code_, when, log_, LogTail()));
}

void ServeChild::Reap(int status) {
  exited_ = true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace sluice::bench
