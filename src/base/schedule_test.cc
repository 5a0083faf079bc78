#include "base/schedule.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <limits>
#include <vector>

namespace sluice {
namespace {

// Times are written as ISO strings and converted with <chrono>'s calendar,
// independently of the civil-date arithmetic inside schedule.cc.
constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

// "2025-03-02T10:00", "2025-03-02T10:00:00", "2025-03-02T09:59:59.999999" (all UTC).
int64_t T(const char* iso) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, n = 0;
  const int fields = std::sscanf(iso, "%d-%d-%dT%d:%d%n:%d%n", &y, &mo, &d, &h, &mi, &n, &s, &n);
  EXPECT_GE(fields, 5) << iso;
  int64_t micros = 0;
  if (iso[n] == '.') {
    int digits = 0;
    for (const char* p = iso + n + 1; *p >= '0' && *p <= '9'; ++p, ++digits) micros = micros * 10 + (*p - '0');
    for (; digits < 6; ++digits) micros *= 10;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  EXPECT_TRUE(ymd.ok()) << iso;
  const int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return days * kDay + h * kHour + mi * kMinute + s * kSecond + micros;
}

struct Civil {
  int year, month, day, hour, minute, second, weekday;  // weekday 0 = Sunday
  int64_t micros;                                     // within the second
};

Civil ToCivil(int64_t t) {
  const int64_t days = t >= 0 ? t / kDay : (t - kDay + 1) / kDay;
  const int64_t in_day = t - days * kDay;
  const std::chrono::sys_days sd{std::chrono::days{days}};
  const std::chrono::year_month_day ymd{sd};
  return {static_cast<int>(ymd.year()),
          static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())),
          static_cast<int>(in_day / kHour),
          static_cast<int>(in_day / kMinute % 60),
          static_cast<int>(in_day / kSecond % 60),
          static_cast<int>(std::chrono::weekday{sd}.c_encoding()),
          in_day % kSecond};
}

std::string Iso(int64_t t) {
  if (t == std::numeric_limits<int64_t>::max()) return "never";
  const Civil c = ToCivil(t);
  std::string out(64, '\0');
  out.resize(std::snprintf(out.data(), out.size(), "%04d-%02d-%02dT%02d:%02d:%02d", c.year, c.month, c.day, c.hour,
                           c.minute, c.second));
  if (c.micros != 0) out += "." + std::to_string(c.micros + 1'000'000).substr(1);
  return out;
}

Schedule MustParse(std::string_view text) {
  auto s = Schedule::Parse(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().message();
  if (!s.ok()) return std::move(Schedule::Parse("0 0 1 1 *")).value();
  return std::move(s).value();
}

struct NextCase {
  const char* after;
  const char* next;
};

// Checks each (after -> next) of one expression.
void ExpectNext(std::string_view text, const std::vector<NextCase>& cases, int64_t offset = 0) {
  const Schedule s = MustParse(text);
  for (const NextCase& c : cases) {
    EXPECT_EQ(Iso(s.NextAfter(T(c.after), offset)), Iso(T(c.next)))
        << "'" << text << "' after " << c.after << " (offset " << offset / kSecond << " s)";
  }
}

// ---------------------------------------------------------------- cron

TEST(ScheduleCron, SundayAtTenFiresOnTheSameSundayBeforeTenAndTheNextSundayFromTenOn) {
  // 2025-03-02 is a Sunday.
  ExpectNext("0 10 * * SUN", {
                                 {"2025-03-02T10:00:00", "2025-03-09T10:00"},  // exactly at a fire: the next one
                                 {"2025-03-02T09:59:59", "2025-03-02T10:00"},
                                 {"2025-03-02T09:59:59.999999", "2025-03-02T10:00"},
                                 {"2025-03-02T10:00:00.000001", "2025-03-09T10:00"},
                                 {"2025-03-01T23:59", "2025-03-02T10:00"},
                                 {"2025-03-03T00:00", "2025-03-09T10:00"},
                                 {"2025-03-30T10:00", "2025-04-06T10:00"},  // across a month end
                                 {"2025-12-28T10:00", "2026-01-04T10:00"},  // across a year end
                             });
  ExpectNext("0 10 * * sun", {{"2025-03-02T09:59:59", "2025-03-02T10:00"}});
}

TEST(ScheduleCron, EveryFiveMinutesFiresOnMultiplesOfFive) {
  ExpectNext("*/5 * * * *", {
                                {"2025-03-02T10:00", "2025-03-02T10:05"},
                                {"2025-03-02T10:02:30", "2025-03-02T10:05"},
                                {"2025-03-02T10:04:59.999999", "2025-03-02T10:05"},
                                {"2025-03-02T23:55", "2025-03-03T00:00"},
                                {"2025-02-28T23:58", "2025-03-01T00:00"},
                                {"2025-12-31T23:59:59", "2026-01-01T00:00"},
                            });
}

TEST(ScheduleCron, HourlyOnTheHour) {
  ExpectNext("0 * * * *", {
                              {"2025-03-02T10:00", "2025-03-02T11:00"},
                              {"2025-03-02T10:59:59", "2025-03-02T11:00"},
                              {"2024-02-28T23:00", "2024-02-29T00:00"},
                              {"2024-12-31T23:00", "2025-01-01T00:00"},
                          });
}

TEST(ScheduleCron, FirstOfTheMonthAtTwoThirty) {
  ExpectNext("30 2 1 * *", {
                               {"2025-01-01T02:29", "2025-01-01T02:30"},
                               {"2025-01-01T02:30", "2025-02-01T02:30"},
                               {"2025-01-15T00:00", "2025-02-01T02:30"},
                               {"2025-02-28T23:59", "2025-03-01T02:30"},
                               {"2025-12-01T02:30", "2026-01-01T02:30"},
                           });
}

TEST(ScheduleCron, February29WaitsForTheNextLeapYearAndSkips2100) {
  ExpectNext("0 0 29 2 *", {
                               {"2025-01-01T00:00", "2028-02-29T00:00"},
                               {"2024-02-28T23:59", "2024-02-29T00:00"},
                               {"2024-02-29T00:00", "2028-02-29T00:00"},
                               {"2096-03-01T00:00", "2104-02-29T00:00"},  // 2100 is not a leap year: 8 years
                               {"2099-12-31T23:59", "2104-02-29T00:00"},
                               {"2399-03-01T00:00", "2400-02-29T00:00"},  // 2400 is
                           });
}

TEST(ScheduleCron, The31stSkipsShortMonths) {
  ExpectNext("0 0 31 * *", {
                               {"2025-01-31T00:00", "2025-03-31T00:00"},
                               {"2025-03-31T00:00", "2025-05-31T00:00"},
                               {"2025-05-31T00:00", "2025-07-31T00:00"},
                               {"2025-07-31T00:00", "2025-08-31T00:00"},
                               {"2025-08-31T00:00", "2025-10-31T00:00"},
                               {"2025-10-31T00:00", "2025-12-31T00:00"},
                               {"2025-12-31T00:00", "2026-01-31T00:00"},
                           });
  ExpectNext("0 0 30 * *", {{"2025-01-30T00:00", "2025-03-30T00:00"}, {"2024-01-30T00:00", "2024-03-30T00:00"}});
}

TEST(ScheduleCron, LastMinuteOfTheYearRollsIntoTheNextYear) {
  ExpectNext("59 23 31 12 *", {
                                  {"2025-06-01T00:00", "2025-12-31T23:59"},
                                  {"2025-12-31T23:58:59", "2025-12-31T23:59"},
                                  {"2025-12-31T23:59", "2026-12-31T23:59"},
                              });
}

TEST(ScheduleCron, MonthNamesInAList) {
  const std::vector<NextCase> cases = {
      {"2025-01-01T00:00", "2025-07-01T00:00"},
      {"2025-03-15T00:00", "2025-07-01T00:00"},
      {"2025-07-01T00:00", "2026-01-01T00:00"},
  };
  ExpectNext("0 0 1 JAN,JUL *", cases);
  ExpectNext("0 0 1 jan,Jul *", cases);
  ExpectNext("0 0 1 1,7 *", cases);
}

TEST(ScheduleCron, BothDayFieldsRestrictedMatchEitherDay) {
  // 2025-03-01 is a Saturday, 2025-06-01 a Sunday: the 1st fires even on weekends.
  ExpectNext("15 14 1 * MON-FRI", {
                                      {"2025-02-28T14:15", "2025-03-01T14:15"},
                                      {"2025-03-01T14:15", "2025-03-03T14:15"},
                                      {"2025-03-07T14:15", "2025-03-10T14:15"},
                                      {"2025-06-01T00:00", "2025-06-01T14:15"},
                                      {"2025-06-01T14:15", "2025-06-02T14:15"},
                                  });
  // A step is a restriction too: the 1st, 11th, 21st, 31st, or a Monday.
  ExpectNext("0 0 */10 * MON", {
                                   {"2025-03-01T00:00", "2025-03-03T00:00"},
                                   {"2025-03-03T00:00", "2025-03-10T00:00"},
                                   {"2025-03-10T00:00", "2025-03-11T00:00"},
                               });
  // With February 30 impossible, Mondays in February still fire.
  ExpectNext("0 0 30 2 MON", {{"2025-01-01T00:00", "2025-02-03T00:00"}});
}

TEST(ScheduleCron, OneDayFieldAsStarMeansOnlyTheOtherCounts) {
  ExpectNext("15 14 * * MON-FRI", {{"2025-02-28T14:15", "2025-03-03T14:15"}});
  ExpectNext("15 14 1 * *", {{"2025-02-28T14:15", "2025-03-01T14:15"}, {"2025-03-01T14:15", "2025-04-01T14:15"}});
  ExpectNext("0 0 1 * */1", {{"2025-02-28T00:00", "2025-03-01T00:00"}, {"2025-03-01T00:00", "2025-04-01T00:00"}});
}

TEST(ScheduleCron, Macros) {
  ExpectNext("@hourly", {{"2025-03-02T10:30", "2025-03-02T11:00"}, {"2025-03-02T23:00", "2025-03-03T00:00"}});
  ExpectNext("@daily", {{"2025-03-02T00:00", "2025-03-03T00:00"}, {"2025-02-28T12:00", "2025-03-01T00:00"}});
  ExpectNext("@midnight", {{"2025-03-02T00:00", "2025-03-03T00:00"}});
  ExpectNext("@weekly", {{"2025-03-02T00:00", "2025-03-09T00:00"}, {"2025-03-04T08:00", "2025-03-09T00:00"}});
  ExpectNext("@monthly", {{"2025-01-31T12:00", "2025-02-01T00:00"}, {"2025-12-01T00:00", "2026-01-01T00:00"}});
  ExpectNext("@yearly", {{"2025-01-01T00:00", "2026-01-01T00:00"}, {"2024-12-31T23:59", "2025-01-01T00:00"}});
  ExpectNext("@annually", {{"2025-06-01T00:00", "2026-01-01T00:00"}});
  ExpectNext("@DAILY", {{"2025-03-02T00:00", "2025-03-03T00:00"}});
  ExpectNext("  @hourly  ", {{"2025-03-02T10:30", "2025-03-02T11:00"}});
}

TEST(ScheduleCron, SundayIsBothZeroAndSeven) {
  const Schedule zero = MustParse("0 0 * * 0"), seven = MustParse("0 0 * * 7"), sun = MustParse("0 0 * * SUN");
  EXPECT_EQ(zero.cron().days_of_week, seven.cron().days_of_week);
  int64_t t = T("2025-01-01T00:00");
  for (int i = 0; i < 500; ++i) {
    const int64_t next = zero.NextAfter(t);
    ASSERT_EQ(Iso(next), Iso(seven.NextAfter(t)));
    ASSERT_EQ(Iso(next), Iso(sun.NextAfter(t)));
    ASSERT_EQ(ToCivil(next).weekday, 0) << Iso(next);
    t = next;
  }
  // A range ending in 7 ends on Sunday: Friday, Saturday, Sunday.
  ExpectNext("0 0 * * 5-7", {
                                {"2025-03-05T00:00", "2025-03-07T00:00"},
                                {"2025-03-07T00:00", "2025-03-08T00:00"},
                                {"2025-03-08T00:00", "2025-03-09T00:00"},
                                {"2025-03-09T00:00", "2025-03-14T00:00"},
                            });
}

TEST(ScheduleCron, RangesAndStartsWithSteps) {
  ExpectNext("0-30/10 * * * *", {
                                    {"2025-03-02T10:00", "2025-03-02T10:10"},
                                    {"2025-03-02T10:25", "2025-03-02T10:30"},
                                    {"2025-03-02T10:30", "2025-03-02T11:00"},
                                });
  ExpectNext("5/15 * * * *", {
                                 {"2025-03-02T10:00", "2025-03-02T10:05"},
                                 {"2025-03-02T10:05", "2025-03-02T10:20"},
                                 {"2025-03-02T10:35", "2025-03-02T10:50"},
                                 {"2025-03-02T10:50", "2025-03-02T11:05"},
                             });
  ExpectNext("0 */6 * * *", {{"2025-03-02T06:00", "2025-03-02T12:00"}, {"2025-03-02T18:00", "2025-03-03T00:00"}});
  ExpectNext("0,30 9-17 * * MON-FRI", {
                                          {"2025-03-03T09:00", "2025-03-03T09:30"},
                                          {"2025-03-03T17:30", "2025-03-04T09:00"},
                                          {"2025-03-07T17:30", "2025-03-10T09:00"},
                                      });
  ExpectNext("0 0 * JAN-MAR/2 *", {{"2025-01-31T00:00", "2025-03-01T00:00"}, {"2025-03-31T00:00", "2026-01-01T00:00"}});
  // Day of week `*/2` is Sunday, Tuesday, Thursday, Saturday; `MON/2` Monday, Wednesday, Friday.
  ExpectNext("0 0 * * */2", {{"2025-03-02T00:00", "2025-03-04T00:00"}, {"2025-03-08T00:00", "2025-03-09T00:00"}});
  ExpectNext("0 0 * * MON/2", {{"2025-03-07T00:00", "2025-03-10T00:00"}});
}

TEST(ScheduleCron, ExtraWhitespaceAndTabsSeparateFields) {
  const Schedule s = MustParse("  0\t10  *  * SUN ");
  EXPECT_EQ(s.text(), "  0\t10  *  * SUN ");
  EXPECT_EQ(Iso(s.NextAfter(T("2025-03-02T09:00"))), "2025-03-02T10:00:00");
}

TEST(ScheduleCron, IsNotAnIntervalAndIgnoresTheOffset) {
  const Schedule s = MustParse("0 10 * * SUN");
  EXPECT_FALSE(s.is_interval());
  EXPECT_EQ(s.interval_micros(), 0);
  EXPECT_EQ(s.text(), "0 10 * * SUN");
  EXPECT_EQ(s.NextAfter(T("2025-03-02T09:00"), 17 * kMinute), T("2025-03-02T10:00"));
}

// ---------------------------------------------------------------- intervals

TEST(ScheduleInterval, ShortAndLongFormsMeanTheSameLength) {
  const struct {
    const char* text;
    int64_t micros;
  } cases[] = {
      {"30s", 30 * kSecond},          {"30 seconds", 30 * kSecond},   {"1 second", kSecond},
      {"1000ms", kSecond},            {"5m", 5 * kMinute},            {"5 minutes", 5 * kMinute},
      {"1 minute", kMinute},          {"5min", 5 * kMinute},          {"every 5 minutes", 5 * kMinute},
      {"Every 5 Minutes", 5 * kMinute}, {"every 5m", 5 * kMinute},    {"every minute", kMinute},
      {"every hour", kHour},          {"2h", 2 * kHour},              {"2 hours", 2 * kHour},
      {"1 hour", kHour},              {"1d", kDay},                   {"1 day", kDay},
      {"7 days", 7 * kDay},           {"90m", 90 * kMinute},          {"365d", 365 * kDay},
      {" 5m ", 5 * kMinute},          {"1s", kSecond},
  };
  for (const auto& c : cases) {
    const Schedule s = MustParse(c.text);
    EXPECT_TRUE(s.is_interval()) << c.text;
    EXPECT_EQ(s.interval_micros(), c.micros) << c.text;
    EXPECT_EQ(s.text(), c.text);
  }
}

TEST(ScheduleInterval, FiresOnMultiplesOfItsLengthFromTheEpoch) {
  ExpectNext("30s", {
                        {"2025-03-02T10:00:00", "2025-03-02T10:00:30"},
                        {"2025-03-02T10:00:29.999999", "2025-03-02T10:00:30"},
                        {"2025-03-02T10:00:30", "2025-03-02T10:01:00"},
                    });
  for (const char* five : {"5m", "5 minutes", "every 5 minutes"}) {
    ExpectNext(five, {{"2025-03-02T10:02", "2025-03-02T10:05"}, {"2025-03-02T10:05", "2025-03-02T10:10"}});
  }
  ExpectNext("2h", {{"2025-03-02T01:00", "2025-03-02T02:00"}, {"2025-03-02T02:00", "2025-03-02T04:00"}});
  ExpectNext("1d", {{"2025-03-02T10:00", "2025-03-03T00:00"}});
  ExpectNext("1 day", {{"2025-03-02T00:00", "2025-03-03T00:00"}});
  ExpectNext("7d", {{"1970-01-01T00:00", "1970-01-08T00:00"}});
}

TEST(ScheduleInterval, AnOffsetShiftsEveryFire) {
  const std::vector<NextCase> at_17 = {
      {"2025-03-02T10:00", "2025-03-02T10:17"},
      {"2025-03-02T10:16:59.999999", "2025-03-02T10:17"},
      {"2025-03-02T10:17", "2025-03-02T11:17"},
      {"2025-03-02T10:17:00.000001", "2025-03-02T11:17"},
      {"2025-03-02T23:30", "2025-03-03T00:17"},
  };
  ExpectNext("1h", at_17, 17 * kMinute);
  ExpectNext("1 hour", at_17, 17 * kMinute);
  ExpectNext("1h", at_17, 77 * kMinute);   // taken modulo the interval
  ExpectNext("1h", at_17, -43 * kMinute);  // and may be negative
  ExpectNext("5m", {{"2025-03-02T10:00", "2025-03-02T10:00:30"}, {"2025-03-02T10:00:30", "2025-03-02T10:05:30"}},
             30 * kSecond);
  ExpectNext("1d", {{"2025-03-02T04:00", "2025-03-03T03:00"}, {"2025-03-02T02:00", "2025-03-02T03:00"}}, 3 * kHour);
}

// ---------------------------------------------------------------- errors

struct ErrorCase {
  const char* text;
  const char* message;
  int column;
};

void ExpectErrors(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    ScheduleError error;
    error.column = -1;
    auto s = ParseSchedule(c.text, &error);
    ASSERT_FALSE(s.ok()) << "'" << c.text << "' parsed";
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(s.status().message(), c.message) << "'" << c.text << "'";
    EXPECT_EQ(error.message, s.status().message()) << c.text;
    EXPECT_EQ(error.column, c.column) << "'" << c.text << "': " << error.message;
    auto plain = Schedule::Parse(c.text);
    ASSERT_FALSE(plain.ok()) << c.text;
    EXPECT_EQ(plain.status().message(), c.message);
  }
}

TEST(ScheduleErrors, WrongFieldCountSaysHowManyWereFound) {
  ExpectErrors({
      {"0 10 * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 4", 1},
      {"0", "expected 5 fields (minute hour day-of-month month day-of-week), found 1", 1},
      {"0 10 * * SUN extra", "column 14: expected 5 fields (minute hour day-of-month month day-of-week), found 6", 14},
      {"0 0 1 1 * 2025", "column 11: expected 5 fields (minute hour day-of-month month day-of-week), found 6", 11},
      {"", "the schedule is empty", 1},
      {"   ", "the schedule is empty", 1},
  });
}

TEST(ScheduleErrors, OutOfRangeValuesNameTheFieldAndItsRange) {
  ExpectErrors({
      {"60 * * * *", "column 1: minute 60 is out of range (0-59)", 1},
      {"0 24 * * *", "column 3: hour 24 is out of range (0-23)", 3},
      {"0 0 0 * *", "column 5: day-of-month 0 is out of range (1-31)", 5},
      {"0 0 32 * *", "column 5: day-of-month 32 is out of range (1-31)", 5},
      {"0 0 * 13 *", "column 7: month 13 is out of range (1-12)", 7},
      {"0 0 * 0 *", "column 7: month 0 is out of range (1-12)", 7},
      {"0 0 * * 8", "column 9: day-of-week 8 is out of range (0-7)", 9},
      {"0 1-24 * * *", "column 5: hour 24 is out of range (0-23)", 5},
      {"0,5,60 * * * *", "column 5: minute 60 is out of range (0-59)", 5},
      {"99999999999 * * * *", "column 1: minute 99999999999 is out of range (0-59)", 1},
      {"  60 * * * *", "column 3: minute 60 is out of range (0-59)", 3},  // columns count from the text as given
  });
}

TEST(ScheduleErrors, BadNames) {
  ExpectErrors({
      {"0 0 * * SUNN", "column 9: 'SUNN' in the day-of-week field is not a day (SUN-SAT or 0-7)", 9},
      {"0 0 * * JAN", "column 9: 'JAN' in the day-of-week field is not a day (SUN-SAT or 0-7)", 9},
      {"0 0 * JANUARY *", "column 7: 'JANUARY' in the month field is not a month (JAN-DEC or 1-12)", 7},
      {"0 0 * MON *", "column 7: 'MON' in the month field is not a month (JAN-DEC or 1-12)", 7},
      {"abc * * * *", "column 1: 'abc' in the minute field is not a number (0-59)", 1},
      {"0 noon * * *", "column 3: 'noon' in the hour field is not a number (0-23)", 3},
      {"0 0 L * *", "column 5: 'L' in the day-of-month field is not a number (1-31)", 5},
      {"0 0 * * MON-FRY", "column 13: 'FRY' in the day-of-week field is not a day (SUN-SAT or 0-7)", 13},
  });
}

TEST(ScheduleErrors, BadSteps) {
  ExpectErrors({
      {"*/0 * * * *", "column 3: the step 0 in the minute field is out of range (1-60)", 3},
      {"*/61 * * * *", "column 3: the step 61 in the minute field is out of range (1-60)", 3},
      {"0 */25 * * *", "column 5: the step 25 in the hour field is out of range (1-24)", 5},
      {"0 0 * * */8", "column 11: the step 8 in the day-of-week field is out of range (1-7)", 11},
      {"*/ * * * *", "column 2: the step in the minute field is missing after '/'", 2},
      {"*/x * * * *", "column 3: the step in the minute field must be a number, found 'x'", 3},
      {"1-5/ * * * *", "column 4: the step in the minute field is missing after '/'", 4},
      {"*/5/2 * * * *", "column 4: unexpected '/' in the minute field", 4},
  });
}

TEST(ScheduleErrors, ReversedRangesDoNotWrapAround) {
  ExpectErrors({
      {"30-10 * * * *",
       "column 1: the range 30-10 in the minute field is reversed (ranges run from low to high and do not wrap "
       "around)",
       1},
      {"0 0 * * FRI-MON",
       "column 9: the range FRI-MON in the day-of-week field is reversed (ranges run from low to high and do not "
       "wrap around)",
       9},
      {"0,40-20/5 * * * *",
       "column 3: the range 40-20/5 in the minute field is reversed (ranges run from low to high and do not wrap "
       "around)",
       3},
  });
}

TEST(ScheduleErrors, EmptyListItemsAndStrayCharacters) {
  ExpectErrors({
      {"1,,2 * * * *", "column 3: empty item in the minute field's list", 3},
      {"1, * * * *", "column 2: empty item in the minute field's list", 2},
      {",1 * * * *", "column 1: empty item in the minute field's list", 1},
      {"0 0 * JAN, *", "column 10: empty item in the month field's list", 10},
      {"5x * * * *", "column 2: unexpected 'x' in the minute field", 2},
      {"0 0 * * SUN;", "column 12: unexpected ';' in the day-of-week field", 12},
      {"-5 * * * *", "column 1: unexpected '-' in the minute field", 1},
      {"1- * * * *", "column 2: expected the end of the range in the minute field after '-'", 2},
      {"1-,3 * * * *", "column 2: expected the end of the range in the minute field after '-'", 2},
      {"1-2-3 * * * *", "column 4: unexpected '-' in the minute field", 4},
      {"*-5 * * * *", "column 2: unexpected '-' in the minute field", 2},
      {"? * * * *", "column 1: unexpected '?' in the minute field", 1},
  });
}

TEST(ScheduleErrors, DatesThatNeverComeAreRefused) {
  ExpectErrors({
      {"0 0 30 2 *", "column 5: never fires: February has no day 30", 5},
      {"0 0 31 4 *", "column 5: never fires: April has no day 31", 5},
      {"0 0 30,31 2 *", "column 5: never fires: February has no day 30", 5},
      {"0 0 31 2,4,6,9,11 *", "column 5: never fires: February, April, June, September and November have no day 31",
       5},
      {"0 0 31 APR,JUN *", "column 5: never fires: April and June have no day 31", 5},
  });
  // One possible month or the OR rule is enough.
  EXPECT_TRUE(Schedule::Parse("0 0 31 2,3 *").ok());
  EXPECT_TRUE(Schedule::Parse("0 0 30 2 MON").ok());
  EXPECT_TRUE(Schedule::Parse("0 0 29 2 *").ok());
}

TEST(ScheduleErrors, Macros) {
  ExpectErrors({
      {"@fortnightly",
       "column 1: unknown macro '@fortnightly' (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight "
       "or @hourly)",
       1},
      {"@reboot",
       "column 1: unknown macro '@reboot' (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or "
       "@hourly)",
       1},
      {"@daily 5", "column 8: unexpected '5' after @daily", 8},
  });
}

TEST(ScheduleErrors, IntervalsMustBeWholeSecondsOrLonger) {
  ExpectErrors({
      {"500ms", "column 1: the interval '500ms' is shorter than the minimum of 1 s", 1},
      {"999 milliseconds", "column 1: the interval '999 milliseconds' is shorter than the minimum of 1 s", 1},
      {"0s", "column 1: the interval '0s' is shorter than the minimum of 1 s", 1},
      {"0 minutes", "column 1: the interval '0 minutes' is shorter than the minimum of 1 s", 1},
      {"every 0 minutes", "column 7: the interval '0 minutes' is shorter than the minimum of 1 s", 7},
      {"400d", "column 1: the interval '400d' is longer than the maximum of 365 days", 1},
      {"every 99999999999999999999 days",
       "column 7: the interval '99999999999999999999 days' is longer than the maximum of 365 days", 7},
      {"5 fortnights", "column 3: 'fortnights' is not a unit of time (s, m, h, d or seconds, minutes, hours, days)",
       3},
      {"1.5h", "column 2: an interval is a whole number and a unit (write '90m', not '1.5h')", 2},
      {"every 5", "column 8: the interval '5' has no unit (s, m, h, d or seconds, minutes, hours, days)", 8},
      {"every", "column 6: 'every' needs a length, e.g. 'every 5 minutes'", 6},
      {"every *", "column 7: unexpected '*' in the interval", 7},
      {"5 minutes later", "column 11: unexpected 'later' after the interval", 11},
      {"5m!", "column 3: unexpected '!' after the interval", 3},
      {"5m5", "column 3: unexpected '5' after the interval", 3},
  });
}

// ---------------------------------------------------------------- properties

// Iterates NextAfter from `start` and checks each fire against `matches`, an
// independent statement of the expression over <chrono>'s calendar.
void ExpectIncreasingFiresThatMatch(std::string_view text, const char* start, int count,
                                    const std::function<bool(const Civil&)>& matches) {
  const Schedule s = MustParse(text);
  int64_t t = T(start);
  for (int i = 0; i < count; ++i) {
    const int64_t next = s.NextAfter(t);
    ASSERT_GT(next, t) << text << " after " << Iso(t);
    ASSERT_EQ(next % kMinute, 0) << text << ": " << Iso(next);
    ASSERT_TRUE(matches(ToCivil(next))) << text << ": " << Iso(next) << " does not match";
    t = next;
  }
}

bool Weekday(const Civil& c) { return c.weekday >= 1 && c.weekday <= 5; }

TEST(ScheduleProperties, TenThousandFiresIncreaseAndMatchTheirExpression) {
  ExpectIncreasingFiresThatMatch("0 10 * * SUN", "2025-03-02T10:00", 10'000,
                                 [](const Civil& c) { return c.minute == 0 && c.hour == 10 && c.weekday == 0; });
  ExpectIncreasingFiresThatMatch("*/5 * * * *", "2025-01-01T00:00", 10'000,
                                 [](const Civil& c) { return c.minute % 5 == 0; });
  ExpectIncreasingFiresThatMatch("15 14 1 * MON-FRI", "2024-12-31T00:00", 10'000, [](const Civil& c) {
    return c.minute == 15 && c.hour == 14 && (c.day == 1 || Weekday(c));
  });
  ExpectIncreasingFiresThatMatch("0 0 31 * *", "2025-01-01T00:00", 10'000,
                                 [](const Civil& c) { return c.minute == 0 && c.hour == 0 && c.day == 31; });
  ExpectIncreasingFiresThatMatch("5/15 9-17 * JAN,JUL *", "2025-01-01T00:00", 10'000, [](const Civil& c) {
    return c.minute % 15 == 5 && c.hour >= 9 && c.hour <= 17 && (c.month == 1 || c.month == 7);
  });
  ExpectIncreasingFiresThatMatch("59 23 31 12 *", "2025-01-01T00:00", 10'000, [](const Civil& c) {
    return c.minute == 59 && c.hour == 23 && c.day == 31 && c.month == 12;
  });
  // 5,000 leap days reach the year ~22,000; <chrono>'s calendar stops at 32,767.
  ExpectIncreasingFiresThatMatch("0 0 29 2 *", "2000-01-01T00:00", 5'000,
                                 [](const Civil& c) { return c.minute == 0 && c.hour == 0 && c.day == 29 && c.month == 2; });
}

TEST(ScheduleProperties, LeapDaysCome97TimesIn400Years) {
  const Schedule s = MustParse("0 0 29 2 *");
  int64_t t = T("2000-01-01T00:00");
  for (int i = 0; i < 97; ++i) {
    const int64_t next = s.NextAfter(t);
    const int gap_years = ToCivil(next).year - ToCivil(t).year;
    EXPECT_TRUE(i == 0 || gap_years == 4 || gap_years == 8) << Iso(t) << " -> " << Iso(next);
    t = next;
  }
  EXPECT_EQ(Iso(t), "2396-02-29T00:00:00");
  EXPECT_EQ(Iso(s.NextAfter(t)), "2400-02-29T00:00:00");
}

// Every fire in a whole year, minute by minute, against NextAfter's sequence:
// nothing skipped, nothing extra.
void ExpectSameFiresAsAMinuteByMinuteScan(std::string_view text, const std::function<bool(const Civil&)>& matches) {
  const Schedule s = MustParse(text);
  const int64_t begin = T("2024-01-01T00:00"), end = T("2025-01-01T00:00");  // a leap year
  std::vector<int64_t> scanned, walked;
  for (int64_t t = begin; t < end; t += kMinute) {
    if (matches(ToCivil(t))) scanned.push_back(t);
  }
  for (int64_t t = s.NextAfter(begin - 1); t < end; t = s.NextAfter(t)) walked.push_back(t);
  ASSERT_EQ(walked.size(), scanned.size()) << text;
  for (size_t i = 0; i < walked.size(); ++i) ASSERT_EQ(Iso(walked[i]), Iso(scanned[i])) << text;
}

TEST(ScheduleProperties, AYearOfFiresEqualsAMinuteByMinuteScan) {
  ExpectSameFiresAsAMinuteByMinuteScan("15 14 1 * MON-FRI", [](const Civil& c) {
    return c.minute == 15 && c.hour == 14 && (c.day == 1 || Weekday(c));
  });
  ExpectSameFiresAsAMinuteByMinuteScan("0 0 29 2 *", [](const Civil& c) {
    return c.minute == 0 && c.hour == 0 && c.day == 29 && c.month == 2;
  });
  ExpectSameFiresAsAMinuteByMinuteScan("*/7 */5 */10 * *", [](const Civil& c) {
    return c.minute % 7 == 0 && c.hour % 5 == 0 && c.day % 10 == 1;
  });
  ExpectSameFiresAsAMinuteByMinuteScan("0,30 9-17 * * MON-FRI", [](const Civil& c) {
    return c.minute % 30 == 0 && c.hour >= 9 && c.hour <= 17 && Weekday(c);
  });
  ExpectSameFiresAsAMinuteByMinuteScan("0 0 13 * FRI", [](const Civil& c) {
    return c.minute == 0 && c.hour == 0 && (c.day == 13 || c.weekday == 5);
  });
  ExpectSameFiresAsAMinuteByMinuteScan("59 23 28-31 2,12 *", [](const Civil& c) {
    return c.minute == 59 && c.hour == 23 && c.day >= 28 && (c.month == 2 || c.month == 12);
  });
  ExpectSameFiresAsAMinuteByMinuteScan("*/5 * * * *", [](const Civil& c) { return c.minute % 5 == 0; });
}

TEST(ScheduleProperties, IntervalFiresAreEvenlySpaced) {
  const Schedule s = MustParse("every 7 minutes");
  int64_t t = T("2025-03-02T10:00:01");
  int64_t previous = s.NextAfter(t, 3 * kSecond);
  for (int i = 0; i < 10'000; ++i) {
    const int64_t next = s.NextAfter(previous, 3 * kSecond);
    ASSERT_EQ(next - previous, 7 * kMinute);
    ASSERT_EQ((next - 3 * kSecond) % (7 * kMinute), 0);
    previous = next;
  }
}

TEST(ScheduleProperties, TheEndOfTimeIsNeverNotAnOverflow) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(MustParse("1h").NextAfter(kMax - 1), kMax);
  EXPECT_EQ(MustParse("1h").NextAfter(kMax - 1, 59 * kMinute), kMax);
  EXPECT_EQ(MustParse("0 0 29 2 *").NextAfter(kMax - 1), kMax);
}

}  // namespace
}  // namespace sluice
