#include "phase_meter.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace sluice::bench {
namespace {

// Ticks the machine's CPUs spent busy (all but idle and iowait); 0 when
// /proc/stat cannot be read, which turns the "other" figure off.
uint64_t MachineBusyTicks() {
  FILE* f = std::fopen("/proc/stat", "r");
  if (!f) return 0;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  const int got = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system, &idle,
                              &iowait, &irq, &softirq, &steal);
  std::fclose(f);
  return got == 8 ? user + nice + system + irq + softirq + steal : 0;
}

double SelfCpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace

PhaseMeter::PhaseMeter() : busy_ticks_(MachineBusyTicks()), self_cpu_(SelfCpuSeconds()) {}

PhaseStats PhaseMeter::Stop() const { return Finish(SelfCpuSeconds() - self_cpu_, 0); }

PhaseStats PhaseMeter::StopForChild(double child_cpu_seconds) const {
  return Finish(child_cpu_seconds, SelfCpuSeconds() - self_cpu_);
}

PhaseStats PhaseMeter::Finish(double own_cpu_seconds, double extra_cpu_seconds) const {
  PhaseStats stats;
  stats.wall_seconds = clock_.Seconds();
  stats.cpu_seconds = own_cpu_seconds;
  const uint64_t busy = MachineBusyTicks();
  if (busy_ticks_ != 0 && busy >= busy_ticks_ && stats.wall_seconds > 0) {
    const double busy_seconds =
        static_cast<double>(busy - busy_ticks_) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    stats.other_cores = std::max(0.0, busy_seconds - own_cpu_seconds - extra_cpu_seconds) / stats.wall_seconds;
  }
  return stats;
}

}  // namespace sluice::bench
