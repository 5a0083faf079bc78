// `sluice serve` as a child of the benchmark: its output to a log file, its
// port read from that log, its exit code and CPU time once reaped. Dropped
// while running, it is stopped (SIGTERM, then SIGKILL after a minute); if
// the benchmark dies, the kernel sends it SIGTERM.
//
// One thread at a time; errors as Status.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::bench {

class ServeChild {
 public:
  // Runs argv (argv[0] a path) in `cwd`, stdout and stderr appended to `log`.
  static Result<std::unique_ptr<ServeChild>> Start(const std::vector<std::string>& argv, const std::string& cwd,
                                                   const std::string& log);
  ~ServeChild();
  ServeChild(const ServeChild&) = delete;
  ServeChild& operator=(const ServeChild&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& log() const { return log_; }

  // True once it has exited (reaped: exit_code() and cpu_seconds() are set).
  bool Exited();
  // Blocks until it exits.
  Status Wait();
  // SIGTERM, then SIGKILL after `seconds`; the exit code.
  int Stop(double seconds);
  int exit_code() const { return exit_code_; }
  double cpu_seconds() const;

  // Its port, from "listening on http://127.0.0.1:PORT" in its log, polled
  // for up to `seconds`; an error with the log's end if it exits first.
  Result<int> WaitForPort(double seconds);
  // The end of its log, for errors.
  std::string LogTail() const;
  // An Internal error: "`sluice serve` exited with CODE WHEN" and the log's end.
  Status Died(std::string_view when) const;

 private:
  ServeChild(pid_t pid, std::string log) : pid_(pid), log_(std::move(log)) {}
  void Reap(int status);

  pid_t pid_;
  std::string log_;
  bool exited_ = false;
  int exit_code_ = 0;
  rusage usage_{};
};

}  // namespace sluice::bench
