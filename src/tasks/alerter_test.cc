// The alerter against real receivers: an HTTP(S) server on 127.0.0.1 in the
// test, and fake sendmail programs (shell scripts) that record what they
// are given. No mocks, no sleeps: tests wait with WaitIdle or poll with a
// deadline.
#include "tasks/alerter.h"

#include "base/poll_until.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <simdjson.h>
#include <sstream>
#include <thread>

#include "base/clock.h"
#include "tasks/alert_test_receiver.h"
#include "testing/files.h"
#include "testing/temp_dir.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;
using testing::ClosedPort;
using testing::LogCapture;
using testing::ReadFile;
using testing::WebhookReceiver;
using Clock = std::chrono::steady_clock;

constexpr int64_t kSecond = 1'000'000;

int64_t At(int hour, int minute, int second) {
  return ((DaysFromCivil(2026, 11, 24) * 24 + hour) * 60 + minute) * 60 * kSecond + second * kSecond;
}

std::string HostName() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// The error carries what JSON and mail must survive: quotes, a backslash,
// a newline, a tab, UTF-8, and a byte that is not UTF-8.
constexpr std::string_view kError = "no such table: accounting_daily\n\"quoted\" \\ tab\there, caf\xC3\xA9, bad \xFF.";
constexpr std::string_view kErrorAsUtf8 =
    "no such table: accounting_daily\n\"quoted\" \\ tab\there, caf\xC3\xA9, bad \xEF\xBF\xBD.";

Alert FailedRun(int64_t run_id = 42) {
  Alert alert;
  alert.kind = Alert::Kind::kFailure;
  alert.task = "accounting_daily_totals";
  alert.run_id = run_id;
  alert.error = std::string(kError);
  alert.scheduled_for_micros = At(10, 0, 0);
  alert.finished_micros = At(10, 0, 3) + 500'000;
  alert.attempts = 3;
  return alert;
}

Alert RecoveredRun() {
  Alert alert = FailedRun(43);
  alert.kind = Alert::Kind::kRecovery;
  alert.error.clear();
  alert.attempts = 1;
  return alert;
}

// Sets an environment variable for the scope of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class AlerterTest : public ::testing::Test {
 protected:
  static AlertsConfig Webhook(const std::string& url) {
    AlertsConfig config;
    config.webhook = url;
    return config;
  }
  AlertsConfig Email(const std::string& sendmail, const std::string& to = "data-team@example.com") {
    AlertsConfig config;
    config.email_to = to;
    config.sendmail = sendmail;
    return config;
  }
  std::string Url(int port, const std::string& path = "/hooks/sluice") {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  // Tests wait milliseconds, not seconds, between tries.
  static RetryPolicy QuickRetry(int attempts = 3) { return RetryPolicy{attempts, 10ms, 100ms}; }

  // A sendmail program: a shell script with `body` after its #! line.
  std::string WriteSendmail(const std::string& body) {
    const std::string path = dir_ + "/sendmail";
    testing::WriteFile(path, "#!/bin/sh\n" + body);
    chmod(path.c_str(), 0755);
    return path;
  }
  // One that saves its arguments (one a line) and its stdin next to itself.
  std::string RecordingSendmail() {
    return WriteSendmail("printf '%s\\n' \"$@\" > " + dir_ + "/argv\ncat > " + dir_ + "/stdin.tmp\nmv " + dir_ +
                         "/stdin.tmp " + dir_ + "/stdin\n");
  }

  int64_t Sent(const std::string& channel) {
    return metrics_.GetCounter("sluice_alerts_sent_total", "", {{"channel", channel}}).value();
  }
  int64_t Failed(const std::string& channel) {
    return metrics_.GetCounter("sluice_alerts_failed_total", "", {{"channel", channel}}).value();
  }

  const testing::TempDir tmp_{"sluice-alerter"};
  const std::string dir_ = tmp_.path();
  LogCapture log_{"alerts"};  // before any alerter: it outlives them
  MetricsRegistry metrics_;
};

// ---- the webhook ----

// Every field of the JSON body, as a receiver sees it.
void ExpectFailureJson(const std::string& body, int64_t run_id) {
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  ASSERT_EQ(parser.parse(body).get(doc), simdjson::SUCCESS) << body;
  std::string_view s;
  int64_t n = 0;
  EXPECT_EQ(doc.size(), 9u) << body;
  ASSERT_EQ(doc["event"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "task_failed");
  ASSERT_EQ(doc["task"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "accounting_daily_totals");
  ASSERT_EQ(doc["run_id"].get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, run_id);
  ASSERT_EQ(doc["error"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, kErrorAsUtf8);
  ASSERT_EQ(doc["scheduled_for"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "2026-11-24T10:00:00.000000Z");
  ASSERT_EQ(doc["finished"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "2026-11-24T10:00:03.500000Z");
  ASSERT_EQ(doc["attempts"].get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 3);
  ASSERT_EQ(doc["host"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, HostName());
  ASSERT_EQ(doc["text"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s.rfind("[sluice] task accounting_daily_totals failed on " + HostName() + ": no such table", 0), 0u) << s;
}

TEST_F(AlerterTest, WebhookPostCarriesEveryFactAsJson) {
  WebhookReceiver receiver({204});
  ASSERT_NE(receiver.port(), 0);
  {
    Alerter alerter(Webhook(Url(receiver.port(), "/hooks/sluice?team=data#ignored")), Env::Default(), &metrics_,
                    QuickRetry());
    alerter.Send(FailedRun());
    ASSERT_TRUE(alerter.WaitIdle(10s));
  }
  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/hooks/sluice?team=data");
  EXPECT_EQ(r.version, "HTTP/1.1");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("host"), "127.0.0.1:" + std::to_string(receiver.port()));
  EXPECT_EQ(r.Header("user-agent"), "sluice");
  ExpectFailureJson(r.body, 42);
  EXPECT_EQ(Sent("webhook"), 1);
  EXPECT_EQ(Failed("webhook"), 0);
  EXPECT_NE(metrics_.RenderPrometheus().find("sluice_alerts_sent_total{channel=\"webhook\"} 1\n"), std::string::npos);
  EXPECT_TRUE(log_.Contains("info: webhook alert task_failed for task accounting_daily_totals (run 42) delivered"))
      << log_.Text();
}

TEST_F(AlerterTest, RecoveryWebhookSaysTaskRecoveredWithAnEmptyError) {
  WebhookReceiver receiver({200});
  Alerter alerter(Webhook(Url(receiver.port())), Env::Default(), &metrics_, QuickRetry());
  alerter.Send(RecoveredRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 1u);
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  ASSERT_EQ(parser.parse(requests[0].body).get(doc), simdjson::SUCCESS);
  std::string_view s;
  int64_t n = 0;
  ASSERT_EQ(doc["event"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "task_recovered");
  ASSERT_EQ(doc["error"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "");
  ASSERT_EQ(doc["run_id"].get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 43);
  ASSERT_EQ(doc["attempts"].get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(Sent("webhook"), 1);
}

TEST_F(AlerterTest, UnknownTimesAreNullInTheJson) {
  WebhookReceiver receiver({204});
  Alerter alerter(Webhook(Url(receiver.port())), Env::Default(), &metrics_, QuickRetry());
  Alert alert = FailedRun();
  alert.scheduled_for_micros = 0;
  alerter.Send(alert);
  ASSERT_TRUE(alerter.WaitIdle(10s));
  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 1u);
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  ASSERT_EQ(parser.parse(requests[0].body).get(doc), simdjson::SUCCESS);
  EXPECT_TRUE(doc["scheduled_for"].is_null());
}

TEST_F(AlerterTest, WebhookIsRetriedAfterServerErrorsUntilA2xx) {
  WebhookReceiver receiver({500, 500, 204});
  Alerter alerter(Webhook(Url(receiver.port())), Env::Default(), &metrics_, QuickRetry(3));
  alerter.Send(FailedRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) ExpectFailureJson(r.body, 42);  // the same alert each time
  EXPECT_EQ(Sent("webhook"), 1);
  EXPECT_EQ(Failed("webhook"), 0);
  EXPECT_TRUE(log_.Contains("try 1 of 3 failed: http://127.0.0.1:" + std::to_string(receiver.port()) +
                            " answered 500 Internal Server Error: the receiver says no; trying again in 10 ms"))
      << log_.Text();
  EXPECT_TRUE(log_.Contains("try 2 of 3 failed")) << log_.Text();
  EXPECT_TRUE(log_.Contains("trying again in 20 ms")) << log_.Text();  // the back-off doubles
}

TEST_F(AlerterTest, WebhookThatKeepsFailingIsLoggedAndCountedAfterTheLastTry) {
  WebhookReceiver receiver({503});
  Alerter alerter(Webhook(Url(receiver.port())), Env::Default(), &metrics_, QuickRetry(3));
  alerter.Send(FailedRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  EXPECT_EQ(receiver.Requests().size(), 3u);
  EXPECT_EQ(Sent("webhook"), 0);
  EXPECT_EQ(Failed("webhook"), 1);
  EXPECT_TRUE(log_.Contains("error: webhook alert task_failed for task accounting_daily_totals (run 42) not "
                            "delivered: 3 tries failed, the last: http://127.0.0.1:"))
      << log_.Text();
  EXPECT_TRUE(log_.Contains("answered 503 Service Unavailable")) << log_.Text();
}

TEST_F(AlerterTest, A4xxAnswerIsNotRetried) {
  WebhookReceiver receiver({404, 204});
  Alerter alerter(Webhook(Url(receiver.port())), Env::Default(), &metrics_, QuickRetry(3));
  alerter.Send(FailedRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  EXPECT_EQ(receiver.Requests().size(), 1u);
  EXPECT_EQ(Failed("webhook"), 1);
  EXPECT_TRUE(log_.Contains("answered 404 Not Found: the receiver says no (not retried")) << log_.Text();
}

TEST_F(AlerterTest, ClosedPortIsAFailedDeliveryNamingTheReason) {
  Alerter alerter(Webhook(Url(ClosedPort())), Env::Default(), &metrics_, QuickRetry(2));
  alerter.Send(FailedRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  EXPECT_EQ(Failed("webhook"), 1);
  EXPECT_EQ(Sent("webhook"), 0);
  EXPECT_TRUE(log_.Contains("2 tries failed, the last: cannot connect to http://127.0.0.1:")) << log_.Text();
  EXPECT_TRUE(log_.Contains("Connection refused")) << log_.Text();
}

TEST_F(AlerterTest, SilentReceiverIsAFailedDeliveryAfterTheReadTimeout) {
  WebhookReceiver receiver({WebhookReceiver::kNeverAnswer});
  AlertTimeouts timeouts;
  timeouts.network = 200ms;
  Alerter alerter(Webhook(Url(receiver.port())), Env::Default(), &metrics_, QuickRetry(2), timeouts);
  alerter.Send(FailedRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  // The receiver records a request when it gets to read it, maybe after the client gave up.
  EXPECT_TRUE(receiver.WaitForRequests(2, 10s));
  EXPECT_EQ(receiver.Requests().size(), 2u);
  EXPECT_EQ(Failed("webhook"), 1);
  EXPECT_TRUE(log_.Contains("no answer from http://127.0.0.1:" + std::to_string(receiver.port()) +
                            ": timed out after 200 ms"))
      << log_.Text();
}

TEST_F(AlerterTest, SendReturnsAtOnceWhileTheReceiverHangsAndStoppingIsBounded) {
  WebhookReceiver receiver({WebhookReceiver::kNeverAnswer});
  AlertTimeouts timeouts;  // the 5 s network timeout: the delivery stays in flight
  timeouts.drain = 300ms;
  auto alerter =
      std::make_unique<Alerter>(Webhook(Url(receiver.port())), Env::Default(), &metrics_, QuickRetry(), timeouts);
  alerter->Send(FailedRun(1));
  ASSERT_TRUE(receiver.WaitForRequests(1, 10s));  // the receiver holds the first delivery

  const auto start = Clock::now();
  for (int i = 2; i <= 51; ++i) alerter->Send(FailedRun(i));
  EXPECT_LT(Clock::now() - start, 250ms);

  const auto stopping = Clock::now();
  alerter.reset();
  EXPECT_LT(Clock::now() - stopping, 3s);  // the drain deadline cuts the 5 s read short
  EXPECT_EQ(Failed("webhook"), 51);
  EXPECT_EQ(Sent("webhook"), 0);
  EXPECT_TRUE(log_.Contains("cut short: sluice is stopping")) << log_.Text();
  EXPECT_TRUE(log_.Contains("(run 51) not delivered: sluice stopped before it went out")) << log_.Text();
}

TEST_F(AlerterTest, DestructorDeliversWhatIsQueued) {
  WebhookReceiver receiver({204});
  {
    Alerter alerter(Webhook(Url(receiver.port())), Env::Default(), &metrics_, QuickRetry());
    for (int i = 1; i <= 3; ++i) alerter.Send(FailedRun(i));
  }
  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 3u);
  for (int i = 0; i < 3; ++i) ExpectFailureJson(requests[static_cast<size_t>(i)].body, i + 1);  // in order
  EXPECT_EQ(Sent("webhook"), 3);
}

TEST_F(AlerterTest, BadWebhookUrlFailsEachDeliveryWithTheReason) {
  Alerter alerter(Webhook("ftp://example.com/x"), Env::Default(), &metrics_, QuickRetry());
  alerter.Send(FailedRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  EXPECT_EQ(Failed("webhook"), 1);
  EXPECT_TRUE(log_.Contains("must be an http:// or https:// URL")) << log_.Text();
}

TEST_F(AlerterTest, HttpsWebhookIsVerifiedAgainstTheTrustStoreAndSendsSni) {
  const auto tls = testing::MakeTestCertificate(dir_);
  if (!tls) GTEST_SKIP() << "the openssl program could not make a certificate";
  ScopedEnv trust("SSL_CERT_FILE", tls->cert);  // OpenSSL's default verify paths honour it
  WebhookReceiver receiver({204}, &*tls);
  ASSERT_NE(receiver.port(), 0);
  Alerter alerter(Webhook("https://localhost:" + std::to_string(receiver.port()) + "/tls"), Env::Default(), &metrics_,
                  QuickRetry());
  alerter.Send(FailedRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 1u) << log_.Text();
  const auto& r = requests[0];
  EXPECT_EQ(r.server_name, "localhost");
  EXPECT_EQ(r.target, "/tls");
  EXPECT_EQ(r.Header("host"), "localhost:" + std::to_string(receiver.port()));
  ExpectFailureJson(r.body, 42);
  EXPECT_EQ(Sent("webhook"), 1);
}

TEST_F(AlerterTest, HttpsWebhookWithAnUntrustedCertificateIsAFailedDelivery) {
  const auto tls = testing::MakeTestCertificate(dir_);
  if (!tls) GTEST_SKIP() << "the openssl program could not make a certificate";
  ScopedEnv trust("SSL_CERT_FILE", dir_ + "/no-such-bundle.pem");
  ScopedEnv trust_dir("SSL_CERT_DIR", dir_);
  WebhookReceiver receiver({204}, &*tls);
  Alerter alerter(Webhook("https://127.0.0.1:" + std::to_string(receiver.port()) + "/tls"), Env::Default(), &metrics_,
                  QuickRetry(1));
  alerter.Send(FailedRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  EXPECT_EQ(receiver.Requests().size(), 0u);
  EXPECT_EQ(Failed("webhook"), 1);
  EXPECT_TRUE(log_.Contains("TLS handshake with https://127.0.0.1:" + std::to_string(receiver.port()) + " failed"))
      << log_.Text();
  EXPECT_TRUE(log_.Contains("certificate verify failed")) << log_.Text();
}

// ---- email ----

// "Name: value" lines before the first empty line, and the rest.
std::pair<std::map<std::string, std::string>, std::string> SplitMail(const std::string& mail) {
  std::map<std::string, std::string> headers;
  const size_t end = mail.find("\n\n");
  std::istringstream lines(mail.substr(0, end));
  for (std::string line; std::getline(lines, line);) {
    const size_t colon = line.find(": ");
    if (colon != std::string::npos) headers[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return {headers, end == std::string::npos ? "" : mail.substr(end + 2)};
}

TEST_F(AlerterTest, EmailGoesThroughSendmailWithHeadersAndBody) {
  Alerter alerter(Email(RecordingSendmail(), "data-team@example.com, oncall@example.com"), Env::Default(), &metrics_);
  alerter.Send(FailedRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  EXPECT_EQ(Sent("email"), 1) << log_.Text();
  EXPECT_EQ(ReadFile(dir_ + "/argv"), "-i\n--\ndata-team@example.com\noncall@example.com\n");

  const auto [headers, body] = SplitMail(ReadFile(dir_ + "/stdin"));
  EXPECT_EQ(headers.at("From"), "sluice@" + HostName());
  EXPECT_EQ(headers.at("To"), "data-team@example.com, oncall@example.com");
  EXPECT_EQ(headers.at("Subject"), "[sluice] task accounting_daily_totals failed");
  EXPECT_TRUE(std::regex_match(headers.at("Date"),
                               std::regex(R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000)")))
      << headers.at("Date");
  EXPECT_TRUE(std::regex_match(headers.at("Message-ID"), std::regex("<sluice\\.task_failed\\.42\\..*@.+>")))
      << headers.at("Message-ID");
  EXPECT_EQ(headers.at("MIME-Version"), "1.0");
  EXPECT_EQ(headers.at("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(headers.at("Auto-Submitted"), "auto-generated");

  const std::string expected_body =
      "Task accounting_daily_totals failed after 3 attempts.\n"
      "\n"
      "Task:          accounting_daily_totals\n"
      "Run id:        42\n"
      "Scheduled for: 2026-11-24T10:00:00.000000Z\n"
      "Finished:      2026-11-24T10:00:03.500000Z\n"
      "Attempts:      3\n"
      "Host:          " + HostName() + "\n"
      "\n"
      "Error:\n" + std::string(kErrorAsUtf8) + "\n"
      "\n"
      "Earlier runs: sluice tasks history accounting_daily_totals\n";
  EXPECT_EQ(body, expected_body);
}

TEST_F(AlerterTest, RecoveryEmailSaysRecoveredAndHasNoError) {
  Alerter alerter(Email(RecordingSendmail()), Env::Default(), &metrics_);
  alerter.Send(RecoveredRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  const auto [headers, body] = SplitMail(ReadFile(dir_ + "/stdin"));
  EXPECT_EQ(headers.at("Subject"), "[sluice] task accounting_daily_totals recovered");
  EXPECT_EQ(body.rfind("Task accounting_daily_totals recovered: run 43 succeeded after an earlier failure.\n", 0), 0u)
      << body;
  EXPECT_EQ(body.find("Error:"), std::string::npos) << body;
  EXPECT_EQ(Sent("email"), 1);
}

TEST_F(AlerterTest, SendmailExitingNonZeroIsAFailedDelivery) {
  // It exits without reading its input: writing to it must not kill sluice (SIGPIPE).
  const std::string sendmail = WriteSendmail("echo 'mail queue is full' >&2\nexit 1\n");
  Alerter alerter(Email(sendmail), Env::Default(), &metrics_);
  Alert alert = FailedRun();
  alert.error = std::string(1 << 20, 'e');  // more than a pipe holds
  alerter.Send(alert);
  ASSERT_TRUE(alerter.WaitIdle(10s));
  EXPECT_EQ(Failed("email"), 1);
  EXPECT_EQ(Sent("email"), 0);
  EXPECT_TRUE(log_.Contains("error: email alert task_failed for task accounting_daily_totals (run 42) not delivered: "
                            "sendmail program '" + sendmail + "' exited with status 1: mail queue is full"))
      << log_.Text();
}

TEST_F(AlerterTest, MissingSendmailIsAFailedDelivery) {
  const std::string sendmail = dir_ + "/no-such-sendmail";
  Alerter alerter(Email(sendmail), Env::Default(), &metrics_);
  alerter.Send(FailedRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  EXPECT_EQ(Failed("email"), 1);
  EXPECT_TRUE(log_.Contains("cannot run sendmail program '" + sendmail + "': No such file or directory"))
      << log_.Text();
}

TEST_F(AlerterTest, SendmailThatNeverExitsIsKilledAtItsTimeout) {
  // `sleep` runs as a child of the shell: the whole process group must go.
  const std::string sendmail = WriteSendmail("cat >/dev/null\nsleep 30\n");
  AlertTimeouts timeouts;
  timeouts.sendmail = 300ms;
  Alerter alerter(Email(sendmail), Env::Default(), &metrics_, RetryPolicy{}, timeouts);
  const auto start = Clock::now();
  alerter.Send(FailedRun());
  ASSERT_TRUE(alerter.WaitIdle(10s));
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(Failed("email"), 1);
  EXPECT_TRUE(log_.Contains("sendmail program '" + sendmail + "' did not exit in time; killed it")) << log_.Text();
}

// ---- both ----

TEST_F(AlerterTest, DeadWebhookDoesNotHoldUpEmail) {
  WebhookReceiver receiver({WebhookReceiver::kNeverAnswer});
  AlertsConfig config = Email(RecordingSendmail());
  config.webhook = Url(receiver.port());
  AlertTimeouts timeouts;
  timeouts.network = 60s;  // the webhook stays in flight for the whole test
  timeouts.drain = 200ms;
  Alerter alerter(config, Env::Default(), &metrics_, QuickRetry(), timeouts);
  alerter.Send(FailedRun());
  ASSERT_TRUE(receiver.WaitForRequests(1, 10s));
  ASSERT_TRUE(PollUntil([&] { return Sent("email") == 1; })) << log_.Text();
  EXPECT_EQ(Failed("webhook") + Sent("webhook"), 0);  // still waiting on the receiver
  EXPECT_NE(ReadFile(dir_ + "/stdin").find("Subject: [sluice] task accounting_daily_totals failed\n"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice
