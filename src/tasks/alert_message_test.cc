// The pure parts of alerting: what the messages say (dates, header safety,
// line limits). The alerter's delivery is tested in alerter_test.cc, its
// webhook URLs in base/webhook_url_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>

#include "base/clock.h"
#include "tasks/alert_message.h"
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
