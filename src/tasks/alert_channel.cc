#include "tasks/alert_channel.h"

#include <algorithm>
#include <optional>

#include "base/log.h"
#include "base/thread_name.h"
#include "tasks/alert_message.h"

namespace sluice {
namespace {

std::string Describe(const std::string& channel, const Alert& alert) {
  return fmt::format("{} alert {} for task {} (run {})", channel, AlertEventName(alert.kind), alert.task,
                     alert.run_id);
}

}  // namespace

AlertChannel::AlertChannel(std::string name, Deliver deliver, Env* env, MetricsRegistry* metrics,
                           size_t max_queued)
    : name_(std::move(name)),
      deliver_(std::move(deliver)),
      env_(env),
      max_queued_(std::max<size_t>(1, max_queued)),
      sent_(metrics->GetCounter("sluice_alerts_sent_total", "task alerts delivered, by channel",
                                {{"channel", name_}})),
      failed_(metrics->GetCounter("sluice_alerts_failed_total",
                                  "task alerts that could not be delivered (after retries), by channel",
                                  {{"channel", name_}})),
      thread_([this] {
        NameThisThread("alerts");
        Loop();
      }) {}

AlertChannel::~AlertChannel() { Stop(env_->MonotonicNow()); }

void AlertChannel::Push(Alert alert) {
  std::optional<Alert> dropped;
  std::string why;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      dropped = std::move(alert);
      why = "sluice is stopping";
    } else {
      if (queue_.size() >= max_queued_) {
        dropped = std::move(queue_.front());
        queue_.pop_front();
        why = fmt::format("dropped unsent: {} newer alerts are waiting", max_queued_);
      }
      queue_.push_back(std::move(alert));
    }
  }
  cv_.notify_all();
  if (dropped) CountFailure(*dropped, why);
}

bool AlertChannel::WaitIdle(MonotonicTime deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_until(lock, deadline, [this] { return queue_.empty() && !in_flight_; });
}

void AlertChannel::BeginStop(MonotonicTime deadline) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    deadline_ = std::min(deadline_, deadline);
  }
  cv_.notify_all();
}

void AlertChannel::Stop(MonotonicTime deadline) {
  BeginStop(deadline);
  if (thread_.joinable()) thread_.join();
}

MonotonicTime AlertChannel::Deadline() {
  std::lock_guard<std::mutex> lock(mu_);
  return deadline_;
}

bool AlertChannel::Pause(std::chrono::milliseconds wait) {
  const MonotonicTime until = env_->MonotonicNow() + wait;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    const MonotonicTime now = env_->MonotonicNow();
    if (now >= deadline_) return false;
    if (now >= until) return true;
    cv_.wait_until(lock, std::min(until, deadline_));
  }
}

void AlertChannel::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and all went out
    if (env_->MonotonicNow() >= deadline_) {
      std::deque<Alert> left = std::move(queue_);
      queue_.clear();
      lock.unlock();
      for (const Alert& alert : left) CountFailure(alert, "sluice stopped before it went out");
      lock.lock();
      break;
    }
    Alert alert = std::move(queue_.front());
    queue_.pop_front();
    in_flight_ = true;
    lock.unlock();

    const Status delivered = deliver_(alert, *this);
    if (delivered.ok()) {
      sent_.Add();
      Log("alerts")->info("{} delivered", Describe(name_, alert));
    } else {
      CountFailure(alert, delivered.message());
    }

    lock.lock();
    in_flight_ = false;
    idle_cv_.notify_all();
  }
  in_flight_ = false;
  idle_cv_.notify_all();
}

void AlertChannel::CountFailure(const Alert& alert, const std::string& why) {
  failed_.Add();
  Log("alerts")->error("{} not delivered: {}", Describe(name_, alert), why);
}

}  // namespace sluice
