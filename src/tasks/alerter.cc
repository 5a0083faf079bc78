#include "tasks/alerter.h"

#include <unistd.h>

#include <algorithm>

#include "base/log.h"
#include "tasks/alert_channel.h"
#include "tasks/alert_message.h"
#include "tasks/alert_sendmail.h"
#include "tasks/alert_webhook.h"

namespace sluice {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace

class Alerter::Impl {
 public:
  Impl(const AlertsConfig& config, Env* env, MetricsRegistry* metrics, RetryPolicy retry, AlertTimeouts timeouts)
      : config_(config),
        env_(env),
        retry_(retry),
        timeouts_(timeouts),
        host_(HostName()),
        recipients_(SplitRecipients(config.email_to)) {
    retry_.attempts = std::max(1, retry_.attempts);
    if (!config_.webhook.empty()) {
      auto url = ParseWebhookUrl(config_.webhook);
      if (url.ok()) {
        poster_ = std::make_unique<WebhookPoster>(std::move(url).value(), env_);
      } else {
        bad_url_ = url.status();
        Log("alerts")->error("no webhook alerts will go out: {}", bad_url_.message());
      }
      webhook_ = std::make_unique<AlertChannel>(
          "webhook", [this](const Alert& alert, AlertChannel& channel) { return PostWebhook(alert, channel); },
          env_, metrics, kMaxQueued);
    }
    if (!config_.email_to.empty()) {
      email_ = std::make_unique<AlertChannel>(
          "email", [this](const Alert& alert, AlertChannel& channel) { return SendEmail(alert, channel); }, env_,
          metrics, kMaxQueued);
    }
  }

  ~Impl() {
    // Both channels drain at once, towards the same deadline.
    const MonotonicTime deadline = env_->MonotonicNow() + timeouts_.drain;
    for (AlertChannel* channel : {webhook_.get(), email_.get()})
      if (channel) channel->BeginStop(deadline);
    for (AlertChannel* channel : {webhook_.get(), email_.get()})
      if (channel) channel->Stop(deadline);
  }

  void Send(Alert alert) {
    if (webhook_ && email_) webhook_->Push(alert);
    else if (webhook_) webhook_->Push(std::move(alert));
    if (email_) email_->Push(std::move(alert));
  }

  bool WaitIdle(std::chrono::milliseconds timeout) {
    const MonotonicTime deadline = env_->MonotonicNow() + timeout;
    for (AlertChannel* channel : {webhook_.get(), email_.get()})
      if (channel && !channel->WaitIdle(deadline)) return false;
    return true;
  }

 private:
  Status PostWebhook(const Alert& alert, AlertChannel& channel) {
    if (!poster_) return bad_url_;
    const std::string json = AlertJson(alert, host_);
    std::chrono::milliseconds backoff = retry_.backoff;
    for (int attempt = 1;; ++attempt) {
      const Status posted = poster_->Post(json, timeouts_.network, [&channel] { return channel.Deadline(); });
      if (posted.ok()) return posted;
      if (posted.code() == StatusCode::kInvalidArgument)
        return Status::InvalidArgument(posted.message() + " (not retried: asking again will not change a 4xx)");
      if (attempt >= retry_.attempts)
        return Status::Unavailable(fmt::format("{} {} failed, the last: {}", attempt, attempt == 1 ? "try" : "tries",
                                               posted.message()));
      Log("alerts")->warn("webhook alert {} for task {} (run {}): try {} of {} failed: {}; trying again in {} ms",
                          AlertEventName(alert.kind), alert.task, alert.run_id, attempt, retry_.attempts,
                          posted.message(), backoff.count());
      if (!channel.Pause(backoff))
        return Status::Unavailable(fmt::format("{} (sluice stopped before try {} of {})", posted.message(),
                                               attempt + 1, retry_.attempts));
      backoff = std::min(backoff * 2, retry_.max_backoff);
    }
  }

  Status SendEmail(const Alert& alert, AlertChannel& channel) {
    if (recipients_.empty())
      return Status::InvalidArgument(fmt::format("alerts.email.to '{}' holds no address", config_.email_to));
    const std::string message = AlertEmail(alert, host_, config_.email_to, env_->NowMicros());
    const MonotonicTime own_deadline = env_->MonotonicNow() + timeouts_.sendmail;
    return RunSendmail(env_, config_.sendmail, recipients_, message,
                       [&] { return std::min(own_deadline, channel.Deadline()); });
  }

  const AlertsConfig config_;
  Env* const env_;
  RetryPolicy retry_;
  const AlertTimeouts timeouts_;
  const std::string host_;
  const std::vector<std::string> recipients_;
  std::unique_ptr<WebhookPoster> poster_;
  Status bad_url_;
  // Last: their threads use everything above.
  std::unique_ptr<AlertChannel> webhook_;
  std::unique_ptr<AlertChannel> email_;
};

Alerter::Alerter(const AlertsConfig& config, Env* env, MetricsRegistry* metrics, RetryPolicy retry,
                 AlertTimeouts timeouts)
    : impl_(std::make_unique<Impl>(config, env, metrics, retry, timeouts)) {}

Alerter::~Alerter() = default;

void Alerter::Send(Alert alert) { impl_->Send(std::move(alert)); }

bool Alerter::WaitIdle(std::chrono::milliseconds timeout) { return impl_->WaitIdle(timeout); }

}  // namespace sluice
