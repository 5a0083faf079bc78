// Measures one phase of the benchmark: its wall time, the CPU time of the
// work measured, and how many cores everything else on the machine used
// meanwhile. The machine is shared, so a phase that ran beside other work
// says so in the report instead of passing off a noisy figure as sluice's.
#pragma once

#include <cstdint>

#include "stopwatch.h"

namespace sluice::bench {

struct PhaseStats {
  double wall_seconds = 0;
  double cpu_seconds = 0;  // user + system of the measured work
  double other_cores = 0;  // average cores busy with anything else
};

class PhaseMeter {
 public:
  PhaseMeter();  // starts measuring
  // The work ran in this process (every thread).
  PhaseStats Stop() const;
  // The work ran in a child that used `child_cpu_seconds`.
  PhaseStats StopForChild(double child_cpu_seconds) const;

 private:
  PhaseStats Finish(double own_cpu_seconds, double extra_cpu_seconds) const;
  Stopwatch clock_;
  uint64_t busy_ticks_ = 0;  // the whole machine's, from /proc/stat
  double self_cpu_ = 0;
};

}  // namespace sluice::bench
