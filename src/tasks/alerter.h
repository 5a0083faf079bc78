// Alerts on task failures and recoveries: a webhook POST and an email.
//
// Send() never blocks the scheduler: it queues and returns. Each configured
// channel (webhook, email) has a queue and a thread of its own, so a dead
// webhook receiver does not hold up the email, and neither holds up Send.
//
//   webhook  POST application/json (tasks/alert_message.h has the fields) to
//            alerts.webhook, http or https (TLS verified against the
//            system's trust store, with SNI). A 2xx answer is success.
//            Connect, TLS handshake, write and read each time out after
//            `timeouts.network`; failures are retried `retry.attempts`
//            times in all, waiting `retry.backoff`, then twice that, ….
//            A 4xx other than 408/429 is not retried: asking again will not
//            change the answer. Redirects are not followed.
//   email    an RFC 5322 message piped into `<sendmail> -i -- <to…>` (one
//            argument per comma-separated address of alerts.email.to); a
//            missing program, a non-zero exit, or no exit within
//            `timeouts.sendmail` (the program's process group is killed)
//            is a failed delivery. One attempt: sendmail queues and retries
//            mail itself.
//
// Every outcome is logged (component "alerts") and counted:
// sluice_alerts_sent_total{channel} and sluice_alerts_failed_total{channel},
// channel = "webhook" | "email". Nothing throws. Logs name the webhook's
// origin only, never its path (paths often hold a secret token).
//
// At most `kMaxQueued` alerts wait per channel; past that the oldest is
// dropped (logged, counted as failed), so a flood of failures while a
// receiver is down cannot grow memory without bound, and the newest state
// (a recovery) is the one kept.
//
// Thread safety: Send and WaitIdle from any thread. The destructor stops
// accepting, gives queued alerts until `timeouts.drain` to go out (waits
// and time-outs in flight are cut short at that deadline), counts what is
// left as failed, and joins.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/env.h"
#include "base/metrics.h"
#include "base/status.h"
#include "config/config.h"

namespace sluice {

struct Alert {
  enum class Kind { kFailure, kRecovery };  // a run failed; the first success after a failure
  Kind kind = Kind::kFailure;
  std::string task;
  int64_t run_id = 0;           // sluice_task_runs row
  std::string error;            // empty for a recovery
  int64_t scheduled_for_micros = 0, finished_micros = 0;  // UTC micros; 0: unknown
  int attempts = 0;             // how many tries the failed run took
};

// Webhook retries. The defaults: 3 tries, 1 s then 2 s apart.
struct RetryPolicy {
  int attempts = 3;                                // tries per alert, the first included; at least 1
  std::chrono::milliseconds backoff{1000};         // before the second try; doubles for each further one
  std::chrono::milliseconds max_backoff{60'000};
};

struct AlertTimeouts {
  std::chrono::milliseconds network{5000};    // each of: connect, TLS handshake, write, read the answer
  std::chrono::milliseconds sendmail{30'000};  // from start to exit
  std::chrono::milliseconds drain{10'000};    // the destructor's wait for queued alerts
};

class Alerter {
 public:
  static constexpr size_t kMaxQueued = 1000;  // per channel

  // `env` (the clock) and `metrics` must outlive the alerter. A channel is on
  // when its setting is non-empty (alerts.webhook, alerts.email_to). A webhook URL that does not
  // parse (the config parser refuses it first) fails every webhook delivery
  // with the parse error.
  Alerter(const AlertsConfig& config, Env* env, MetricsRegistry* metrics, RetryPolicy retry = {},
          AlertTimeouts timeouts = {});
  ~Alerter();
  Alerter(const Alerter&) = delete;
  Alerter& operator=(const Alerter&) = delete;

  // Queues `alert` on every channel and returns.
  void Send(Alert alert);
  // For tests: blocks until every queue is empty and nothing is in flight;
  // false if `timeout` passes first.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
