// How the kernel schedules one of sluice's threads.
#pragma once

#include <sched.h>

namespace sluice {

// Puts the calling thread under Linux's SCHED_BATCH policy: the same fair
// share of the CPU at the same nice value, but its wake-ups do not preempt
// the thread running on that core. For a thread woken very often by another
// process it shares the cores with, so that each wake-up finds more work
// and the other process keeps its turn. No privilege is needed. False when
// the kernel refuses (the thread then stays as it was).
inline bool ScheduleThisThreadAsBatch() {
  sched_param param{};
  return sched_setscheduler(0, SCHED_BATCH, &param) == 0;
}

}  // namespace sluice
