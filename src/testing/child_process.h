// Programs run by tests as child processes: the `sluice` binary, the scripts
// that start test servers, fake programs a test wrote. stdout and stderr go
// to files (readable while the child runs); stdin is /dev/null. Every wait
// has a deadline, so a child that hangs fails its test instead of stalling
// the run: RunProcess kills it (SIGKILL) when the deadline passes.
//
// Not thread-safe: one thread owns a ChildProcess. Failing to fork or to
// wait throws std::runtime_error; the child's own failures are in its
// RunResult (exit code 127: it could not be executed, 126: its stdout,
// stderr or cwd could not be set up).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "testing/temp_dir.h"

namespace sluice::testing {

struct RunOptions {
  std::string cwd;                                         // default: the test's cwd
  std::vector<std::pair<std::string, std::string>> env;    // added to (or replacing in) the environment
  bool keep_sluice_config_env = false;                     // else SLUICE_CONFIG is removed
  std::chrono::milliseconds timeout = std::chrono::seconds(120);
};

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // the signal that ended it, if any
  bool timed_out = false;
  std::string out;
  std::string err;
  std::string Describe() const;  // for failure messages
};

// A child process whose stdout and stderr go to files. `argv[0]` is a path
// (no $PATH search).
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const RunOptions& options);
  ~ChildProcess();  // kills and reaps a child still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Reaps the child if it has exited; true while it runs.
  bool Running();
  void Kill(int signal);
  // SIGSTOP, then waits (20 s at most) until every thread has stopped:
  // kill() returns before they do, and a thread running on another core goes
  // on until it takes the signal. False if they did not all stop.
  bool Freeze();
  void Thaw();  // SIGCONT
  // Waits up to `timeout` (then kills it with SIGKILL and sets timed_out).
  RunResult Wait(std::chrono::milliseconds timeout);
  // What the child has written so far.
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  bool Reap(bool block);
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  TempDir io_;
};

// Runs `argv` to the end, or until options.timeout.
RunResult RunProcess(const std::vector<std::string>& argv, const RunOptions& options = {});

}  // namespace sluice::testing
