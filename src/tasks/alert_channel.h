// One way alerts go out (the webhook, or email): a bounded queue and a
// thread of its own that hands each alert to a delivery function, logs the
// outcome and counts it in sluice_alerts_sent_total / sluice_alerts_failed_total
// {channel=NAME}.
//
// Push never blocks on delivery. When `max_queued` alerts wait, the oldest
// is dropped (logged, counted as failed). Stop(deadline) stops accepting,
// lets the queue drain until `deadline`, then counts what is left as failed
// and joins; a delivery in flight sees the deadline through Deadline() and
// Pause(), and must not run much past it. Deadlines are on the Env's
// monotonic clock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/env.h"
#include "base/metrics.h"
#include "base/status.h"
#include "tasks/alerter.h"

namespace sluice {

class AlertChannel {
 public:
  // Delivers one alert; a non-ok Status is a failed delivery, its message the reason.
  using Deliver = std::function<Status(const Alert&, AlertChannel&)>;

  // `env` (the clock) and `metrics` must outlive the channel.
  AlertChannel(std::string name, Deliver deliver, Env* env, MetricsRegistry* metrics, size_t max_queued);
  ~AlertChannel();  // Stop(now): whatever is queued is dropped
  AlertChannel(const AlertChannel&) = delete;
  AlertChannel& operator=(const AlertChannel&) = delete;

  void Push(Alert alert);
  // True once the queue is empty and no delivery is in flight; false at `deadline`.
  bool WaitIdle(MonotonicTime deadline);
  // Stops accepting and sets the deadline deliveries see; does not wait.
  void BeginStop(MonotonicTime deadline);
  // BeginStop (if not yet), then joins. Idempotent.
  void Stop(MonotonicTime deadline);

  // For delivery functions: when they must give up (MonotonicTime::max()
  // until Stop), and a wait that ends early at that deadline (false then).
  MonotonicTime Deadline();
  bool Pause(std::chrono::milliseconds wait);

  const std::string& name() const { return name_; }

 private:
  void Loop();
  void CountFailure(const Alert& alert, const std::string& why);

  const std::string name_;
  Deliver deliver_;
  Env* const env_;
  const size_t max_queued_;
  Counter& sent_;
  Counter& failed_;

  std::mutex mu_;
  std::condition_variable cv_;       // work arrived, or stopping
  std::condition_variable idle_cv_;  // a delivery finished
  std::deque<Alert> queue_;
  bool in_flight_ = false;
  bool stopping_ = false;
  MonotonicTime deadline_ = MonotonicTime::max();
  std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace sluice
