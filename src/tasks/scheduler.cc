#include "tasks/scheduler.h"

#include <algorithm>

#include "base/clock.h"
#include "base/log.h"
#include "base/thread_name.h"
#include "tasks/alerter.h"

namespace sluice {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kMaxBackoff = 300 * kSecond;
constexpr int64_t kIdleTick = 60 * kSecond;  // with nothing scheduled, still look now and then

// 1 s, 2 s, 4 s … after the n-th failed attempt (n from 1), at most 5 min.
int64_t Backoff(int attempt) { return std::min(kMaxBackoff, kSecond << std::min(attempt - 1, 20)); }

}  // namespace

Scheduler::Scheduler(std::vector<TaskSpec> tasks, TaskStore* store, RunAttempt run, SendAlert alert,
                     Env* env, MetricsRegistry* metrics)
    : tasks_(std::move(tasks)), store_(store), run_(std::move(run)), alert_(std::move(alert)), env_(env),
      metrics_(metrics) {
  const int64_t now = env_->NowMicros();
  auto last = store_->LastRuns();
  if (!last.ok()) Log("tasks")->warn("cannot read the tasks' last runs: {}", last.status().message());
  for (const TaskSpec& t : tasks_) {
    State& s = states_[t.name];
    if (t.schedule) s.next_fire = t.schedule->NextAfter(now, t.offset_micros);
    if (last.ok()) {
      auto it = last->find(t.name);
      s.failing = it != last->end() && it->second.status == "failed";
    }
  }
}

Scheduler::~Scheduler() { Stop(); }

int64_t Scheduler::Tick() {
  std::unique_lock<std::mutex> lock(mu_);
  const int64_t now = env_->NowMicros();
  if (stopping_) return now + kIdleTick;
  std::optional<std::set<std::string>> suspended;  // read once, when something fires
  const auto is_suspended = [&](const std::string& name) {
    if (!suspended) {
      auto s = store_->Suspended();
      if (!s.ok()) Log("tasks")->warn("cannot read suspended tasks: {}", s.status().message());
      suspended = s.ok() ? *s : std::set<std::string>();
    }
    return suspended->count(name) > 0;
  };
  int64_t next = INT64_MAX;
  for (const TaskSpec& task : tasks_) {
    State& s = states_[task.name];
    if (s.retry_at != 0 && s.retry_at <= now && !s.attempt_running) StartAttempt(task, &s, now);
    if (s.next_fire != 0 && s.next_fire <= now) {
      const int64_t fire = s.next_fire;
      s.next_fire = task.schedule->NextAfter(now, task.offset_micros);
      if (s.in_run) {
        RecordSkipped(task, fire, fmt::format("the previous run, started {}, was still running",
                                              FormatTimestamp(s.run_started)));
      } else if (!is_suspended(task.name)) {
        s.in_run = true;
        s.attempts = 0;
        s.run_scheduled_for = fire;
        s.run_started = now;
        StartAttempt(task, &s, now);
      }
    }
    if (s.triggered && !s.in_run) {
      s.triggered = false;
      if (!is_suspended(task.name)) {
        s.in_run = true;
        s.attempts = 0;
        s.run_scheduled_for = now;
        s.run_started = now;
        StartAttempt(task, &s, now);
      }
    }
    if (s.next_fire != 0) next = std::min(next, s.next_fire);
    if (s.retry_at != 0) next = std::min(next, s.retry_at);
  }
  return next == INT64_MAX ? now + kIdleTick : next;
}

void Scheduler::StartAttempt(const TaskSpec& task, State* state, int64_t now) {
  ++state->attempts;
  state->attempt_running = true;
  state->retry_at = 0;
  ++running_;
  std::thread([this, &task, now] {
    NameThisThread("task:" + task.name);
    TaskOutcome outcome = run_(task, now);
    OnAttemptDone(task, std::move(outcome));
  }).detach();  // Stop() waits for running_ to reach 0
}

void Scheduler::OnAttemptDone(const TaskSpec& task, TaskOutcome outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = env_->NowMicros();
  State& s = states_[task.name];
  s.attempt_running = false;
  if (!outcome.ok && s.attempts <= task.retries && !stopping_) {
    s.retry_at = now + Backoff(s.attempts);
    Log("tasks")->warn("task {} failed (attempt {} of {}), retrying at {}: {}", task.name, s.attempts,
                       task.retries + 1, FormatTimestamp(s.retry_at), outcome.error);
  } else {
    Finish(task, &s, outcome, now);
  }
  --running_;
  cv_.notify_all();
}

void Scheduler::Finish(const TaskSpec& task, State* s, const TaskOutcome& outcome, int64_t now) {
  TaskRun run;
  run.task = task.name;
  run.scheduled_for_micros = s->run_scheduled_for;
  run.started_micros = s->run_started;
  run.finished_micros = now;
  run.status = outcome.ok ? "succeeded" : "failed";
  run.rows = outcome.ok ? std::optional<int64_t>(outcome.rows) : std::nullopt;
  run.error = outcome.error;
  run.attempts = s->attempts;
  auto id = store_->Record(run);
  if (!id.ok()) Log("tasks")->error("cannot record a run of task {}: {}", task.name, id.status().message());
  if (outcome.ok) Log("tasks")->info("task {} succeeded: {} rows", task.name, outcome.rows);
  else Log("tasks")->error("task {} failed after {} attempts: {}", task.name, s->attempts, outcome.error);

  metrics_->GetCounter("sluice_task_runs_total", "task runs recorded, by task and status",
                       {{"task", task.name}, {"status", run.status}}).Add();
  metrics_->GetGauge("sluice_task_last_duration_seconds", "how long the task's last run took", {{"task", task.name}})
      .Set(static_cast<double>(now - s->run_started) / 1e6);
  metrics_->GetGauge("sluice_task_last_finished_seconds", "when the task's last run finished (Unix time)",
                     {{"task", task.name}}).Set(static_cast<double>(now) / 1e6);
  metrics_->GetGauge("sluice_task_failing", "1 while the task's last run failed", {{"task", task.name}})
      .Set(outcome.ok ? 0 : 1);

  if (alert_ && (!outcome.ok || s->failing)) {
    Alert alert;
    alert.kind = outcome.ok ? Alert::Kind::kRecovery : Alert::Kind::kFailure;
    alert.task = task.name;
    alert.run_id = id.ok() ? *id : 0;
    alert.error = outcome.error;
    alert.scheduled_for_micros = s->run_scheduled_for;
    alert.finished_micros = now;
    alert.attempts = s->attempts;
    alert_(std::move(alert));
  }
  s->failing = !outcome.ok;
  s->in_run = false;
  s->retry_at = 0;

  for (const TaskSpec& dependant : tasks_) {
    if (std::find(dependant.after.begin(), dependant.after.end(), task.name) == dependant.after.end()) continue;
    State& d = states_[dependant.name];
    if (outcome.ok) {
      d.succeeded_since.insert(task.name);
      if (d.succeeded_since.size() == std::set<std::string>(dependant.after.begin(), dependant.after.end()).size()) {
        d.succeeded_since.clear();
        d.triggered = true;
      }
    } else {
      d.succeeded_since.clear();
      RecordSkipped(dependant, now, fmt::format("not run: its predecessor {} failed", task.name));
    }
  }
  cv_.notify_all();  // a dependant may be ready: the loop ticks again
}

void Scheduler::RecordSkipped(const TaskSpec& task, int64_t scheduled_for, const std::string& why) {
  TaskRun run;
  run.task = task.name;
  run.scheduled_for_micros = scheduled_for;
  run.status = "skipped";
  run.error = why;
  if (auto id = store_->Record(run); !id.ok())
    Log("tasks")->error("cannot record a skipped fire of task {}: {}", task.name, id.status().message());
  Log("tasks")->warn("task {} skipped: {}", task.name, why);
  metrics_->GetCounter("sluice_task_runs_total", "task runs recorded, by task and status",
                       {{"task", task.name}, {"status", "skipped"}}).Add();
}

void Scheduler::Start() {
  loop_ = std::thread([this] {
    NameThisThread("scheduler");
    Loop();
  });
}

void Scheduler::Loop() {
  while (true) {
    const int64_t next = Tick();
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) return;
    const int64_t wait = std::clamp<int64_t>(next - env_->NowMicros(), 1000, kSecond);
    cv_.wait_for(lock, std::chrono::microseconds(wait));
    if (stopping_) return;
  }
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return running_ == 0; });
}

bool Scheduler::Settle(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    Tick();
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_until(lock, deadline, [this] { return running_ == 0; })) return false;
    bool triggered = false;
    for (const auto& [name, s] : states_) triggered |= s.triggered;
    if (!triggered) return true;
  }
}

}  // namespace sluice
