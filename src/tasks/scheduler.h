// The scheduler inside `sluice serve`: fires tasks on their schedules and
// after their predecessors, runs each attempt on a thread of its own,
// retries with back-off, records every run, and alerts.
//
// The rules:
//   - a task never overlaps itself: a fire that comes while the task's
//     previous run (or its retries) is still going is skipped and recorded
//     as `skipped`;
//   - fires missed while sluice was not running are not made up: the next
//     fire after start is the first;
//   - a failed attempt is retried `retries` times, after 1 s, 2 s, 4 s …
//     (at most 5 min); only the last outcome is recorded, with its attempts;
//   - a task with `after:` runs once every predecessor has succeeded since
//     its own last run; a predecessor's failure stops it (recorded as
//     `skipped`, naming the failed predecessor);
//   - suspended tasks (sluice_task_state) do not fire; they are looked up
//     at each fire, so `sluice tasks suspend` from another process works
//     while serve runs;
//   - an alert goes out when a run fails, and when a run succeeds after a
//     failure (a recovery).
//
// Time comes from the Env's clock, so tests drive hours of schedule in
// milliseconds: they move a test Env's manual clock and call Settle() for the
// runs to finish. In serve, Start() runs the loop on a thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/env.h"
#include "base/metrics.h"
#include "tasks/task.h"
#include "tasks/task_runner.h"
#include "warehouse/task_store.h"

namespace sluice {

struct Alert;  // tasks/alerter.h

class Scheduler {
 public:
  using RunAttempt = std::function<TaskOutcome(const TaskSpec&, int64_t now_micros)>;
  using SendAlert = std::function<void(Alert)>;

  // `store` is used from the scheduler only, under its lock. `alert` may be
  // empty (no alerts configured). `env` (the clock) must outlive the scheduler.
  Scheduler(std::vector<TaskSpec> tasks, TaskStore* store, RunAttempt run, SendAlert alert, Env* env,
            MetricsRegistry* metrics);
  ~Scheduler();  // Stop()

  // Starts what is due now; returns the clock time of the next thing to do.
  int64_t Tick();
  // Runs Tick on a thread of its own until Stop (serve).
  void Start();
  // No new runs; waits for running attempts to finish.
  void Stop();
  // For tests: ticks and waits until no attempt is running and no dependant
  // is waiting to start (retries due later may be pending); false if
  // `timeout` passes first (real time, whatever the Env's clock says: it is
  // how long the test is willing to wait).
  bool Settle(std::chrono::milliseconds timeout);

  const std::vector<TaskSpec>& tasks() const { return tasks_; }

 private:
  struct State {
    int64_t next_fire = 0;           // 0: not scheduled
    bool in_run = false;             // from first attempt to recorded outcome
    bool attempt_running = false;
    int attempts = 0;
    int64_t run_scheduled_for = 0;
    int64_t run_started = 0;
    int64_t retry_at = 0;            // 0: none pending
    bool triggered = false;          // its predecessors have all succeeded
    std::set<std::string> succeeded_since;  // predecessors that succeeded since its last run
    bool failing = false;            // its last recorded run failed
  };

  void StartAttempt(const TaskSpec& task, State* state, int64_t now);
  void OnAttemptDone(const TaskSpec& task, TaskOutcome outcome);
  void Finish(const TaskSpec& task, State* state, const TaskOutcome& outcome, int64_t now);
  void RecordSkipped(const TaskSpec& task, int64_t scheduled_for, const std::string& why);
  void Loop();

  const std::vector<TaskSpec> tasks_;
  TaskStore* store_;
  RunAttempt run_;
  SendAlert alert_;
  Env* const env_;
  MetricsRegistry* metrics_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, State> states_;
  std::vector<std::thread> threads_;
  int running_ = 0;
  bool stopping_ = false;
  std::thread loop_;
};

}  // namespace sluice
