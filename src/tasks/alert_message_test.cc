// The pure parts of alerting: webhook URLs taken apart and refused, and
// what the messages say (dates, header safety, line limits). The alerter's
// delivery is tested in alerter_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>

#include "base/clock.h"
#include "tasks/alert_message.h"
#include "tasks/alert_webhook_url.h"
#include "tasks/alerter.h"

namespace sluice {
namespace {

constexpr int64_t kSecond = 1'000'000;

int64_t At(int hour, int minute, int second) {
  return ((DaysFromCivil(2026, 11, 24) * 24 + hour) * 60 + minute) * 60 * kSecond + second * kSecond;
}

Alert FailedRun() {
  Alert alert;
  alert.task = "accounting_daily_totals";
  alert.run_id = 42;
  alert.error = "no such table: accounting_daily";
  alert.scheduled_for_micros = At(10, 0, 0);
  alert.finished_micros = At(10, 0, 3);
  alert.attempts = 3;
  return alert;
}

// ---- the webhook URL ----

TEST(CheckWebhookUrl, AcceptsHttpAndHttpsWithTheSchemesDefaultPortAndPath) {
  struct Case {
    std::string url, host, target, host_header;
    bool tls;
    int port;
  };
  const Case cases[] = {
      {"http://127.0.0.1:9000/hooks/sluice", "127.0.0.1", "/hooks/sluice", "127.0.0.1:9000", false, 9000},
      {"https://hooks.example.com", "hooks.example.com", "/", "hooks.example.com", true, 443},
      {"HTTP://Example.COM?team=data", "example.com", "/?team=data", "example.com", false, 80},
      {"https://example.com:8443/a/b?c=d#frag", "example.com", "/a/b?c=d", "example.com:8443", true, 8443},
      {"http://[::1]:9000/x", "::1", "/x", "[::1]:9000", false, 9000},
      {"http://example.com:80/", "example.com", "/", "example.com", false, 80},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(Alerter::CheckWebhookUrl(c.url).ok()) << c.url;
    auto url = ParseWebhookUrl(c.url);
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    EXPECT_EQ(url->host, c.host) << c.url;
    EXPECT_EQ(url->target, c.target) << c.url;
    EXPECT_EQ(url->HostHeader(), c.host_header) << c.url;
    EXPECT_EQ(url->tls, c.tls) << c.url;
    EXPECT_EQ(url->port, c.port) << c.url;
  }
}

TEST(CheckWebhookUrl, RefusesBadUrlsNamingTheUrlAndWhatIsWrong) {
  const std::pair<std::string, std::string> cases[] = {
      {"ftp://example.com/x", "webhook URL 'ftp://example.com/x' must be an http:// or https:// URL"},
      {"example.com/hook", "webhook URL 'example.com/hook' must be an http:// or https:// URL"},
      {"http:///hook", "webhook URL 'http:///hook' has no host"},
      {"http://example.com:/x", "has an empty port after ':'"},
      {"http://example.com:0/x", "has a bad port '0' (1 to 65535)"},
      {"http://example.com:65536/x", "has a bad port '65536' (1 to 65535)"},
      {"http://example.com:80a/x", "has a bad port '80a' (1 to 65535)"},
      {"http://example.com/a b", "contains a space or a control character"},
      {"http://user:secret@example.com/x", "has user info"},
      {"http://exa$mple.com/x", "has a bad character '$' in its host"},
      {"http://::1:9000/x", "write an IPv6 address in brackets"},
      {"http://[::1/x", "without its closing ']'"},
      {"http://caf\xC3\xA9.example/x", "non-ASCII host"},
      {"", "webhook URL is empty"},
  };
  for (const auto& [url, message] : cases) {
    const Status st = Alerter::CheckWebhookUrl(url);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << url;
    EXPECT_NE(st.message().find(message), std::string::npos) << url << " → " << st.message();
  }
}

// ---- what the messages say ----

TEST(AlertMessage, EmailDateIsRfc5322InEnglishAndUtc) {
  EXPECT_EQ(EmailDate(At(10, 0, 3) + 999'999), "Tue, 24 Nov 2026 10:00:03 +0000");
  EXPECT_EQ(EmailDate(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(IsoTimestamp(At(10, 0, 3) + 500'000), "2026-11-24T10:00:03.500000Z");
}

TEST(AlertMessage, NothingInATaskNameOrAddressCanStartAHeaderOfItsOwn) {
  Alert alert = FailedRun();
  alert.task = "evil\r\nBcc: victim@example.com";
  const std::string email = AlertEmail(alert, "host", "team@example.com\nBcc: other@example.com", At(10, 0, 0));
  const std::string headers = email.substr(0, email.find("\n\n") + 1);
  EXPECT_EQ(headers.find("\nBcc:"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Subject: [sluice] task evil  Bcc: victim@example.com failed\n"), std::string::npos)
      << headers;
}

TEST(AlertMessage, LongErrorLinesAreCutBelowTheMailLineLimit) {
  Alert alert = FailedRun();
  alert.error = std::string(5000, 'x');
  const std::string email = AlertEmail(alert, "host", "team@example.com", At(10, 0, 0));
  std::istringstream lines(email);
  size_t xs = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_LE(line.size(), 998u);
    xs += static_cast<size_t>(std::count(line.begin(), line.end(), 'x'));
  }
  EXPECT_GE(xs, 5000u);  // nothing lost
}

}  // namespace
}  // namespace sluice
