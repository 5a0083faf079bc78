// One way alerts go out (the webhook, or email): a bounded queue and a
// thread of its own that hands each alert to a delivery function, logs the
// outcome and counts it in sluice_alerts_sent_total / sluice_alerts_failed_total
// {channel=NAME}.
//
// Push never blocks on delivery. When `max_queued` alerts wait, the oldest
// is dropped (logged, counted as failed). Stop(deadline) stops accepting,
// lets the queue drain until `deadline`, then counts what is left as failed
// and joins; a delivery in flight sees the deadline through Deadline() and
// Pause(), and must not run much past it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/metrics.h"
#include "base/status.h"
#include "tasks/alerter.h"

namespace sluice {

class AlertChannel {
 public:
  using Clock = std::chrono::steady_clock;
  // Delivers one alert; a non-ok Status is a failed delivery, its message the reason.
  using Deliver = std::function<Status(const Alert&, AlertChannel&)>;

  AlertChannel(std::string name, Deliver deliver, MetricsRegistry* metrics, size_t max_queued);
  ~AlertChannel();  // Stop(now): whatever is queued is dropped
  AlertChannel(const AlertChannel&) = delete;
  AlertChannel& operator=(const AlertChannel&) = delete;

  void Push(Alert alert);
  // True once the queue is empty and no delivery is in flight; false at `deadline`.
  bool WaitIdle(Clock::time_point deadline);
  // Stops accepting and sets the deadline deliveries see; does not wait.
  void BeginStop(Clock::time_point deadline);
  // BeginStop (if not yet), then joins. Idempotent.
  void Stop(Clock::time_point deadline);

  // For delivery functions: when they must give up (Clock::time_point::max()
  // until Stop), and a wait that ends early at that deadline (false then).
  Clock::time_point Deadline();
  bool Pause(std::chrono::milliseconds wait);

  const std::string& name() const { return name_; }

 private:
  void Loop();
  void CountFailure(const Alert& alert, const std::string& why);

  const std::string name_;
  Deliver deliver_;
  const size_t max_queued_;
  Counter& sent_;
  Counter& failed_;

  std::mutex mu_;
  std::condition_variable cv_;       // work arrived, or stopping
  std::condition_variable idle_cv_;  // a delivery finished
  std::deque<Alert> queue_;
  bool in_flight_ = false;
  bool stopping_ = false;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace sluice
