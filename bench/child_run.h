// Runs a program as a child process and measures it the way a user would
// feel it: wall time from fork to exit, CPU time, and the child's peak
// resident set (wait4's rusage, so the figure belongs to that child alone).
//
// One caveat of Linux: exec keeps the high-water mark of the memory it
// replaces, so ru_maxrss is max(the parent's RSS at fork, the child's own
// peak). The benchmark therefore starts children while it is small, and
// ChildRun records the parent's RSS so a report can tell when the figure is
// only an upper bound.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::bench {

struct ChildRun {
  int exit_code = 0;        // 128 + signal number when killed by a signal
  double wall_seconds = 0;
  double user_seconds = 0;
  double system_seconds = 0;
  int64_t max_rss_kib = 0;  // ru_maxrss
  int64_t parent_rss_kib = 0;  // this process's RSS just before the fork
  double other_cores = 0;      // cores busy with other work meanwhile (PhaseMeter)

  // True when max_rss_kib may be the parent's figure rather than the child's.
  bool rss_is_upper_bound() const { return max_rss_kib <= parent_rss_kib; }
};

// Runs argv[0] (a path) with `argv` in the folder `cwd`, stdout and stderr
// appended to `log_path`. Fails only when the child cannot be started.
Result<ChildRun> RunChild(const std::vector<std::string>& argv, const std::string& cwd, const std::string& log_path);

// RunChild for a command that must succeed: a non-zero exit is an error that
// names `what` and carries the end of the log.
Result<ChildRun> RunChildChecked(const std::vector<std::string>& argv, const std::string& cwd,
                                 const std::string& log_path, std::string_view what);

}  // namespace sluice::bench
