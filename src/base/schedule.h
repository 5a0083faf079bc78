// When a task runs: a 5-field cron expression or a fixed interval, always in UTC.
//
// A Schedule is an immutable value: copyable, and safe to share between
// threads. Parse refuses anything it cannot run, including cron expressions
// that can never fire, so NextAfter on a parsed Schedule always has an answer.
// There are no time zones and therefore no DST gaps or repeats: every UTC
// minute exists exactly once.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice {

// The values a cron expression allows, field by field.
struct CronFields {
  std::bitset<60> minutes;        // bit i: minute i
  std::bitset<24> hours;          // bit i: hour i
  std::bitset<31> days_of_month;  // bit i: day i + 1
  std::bitset<12> months;         // bit i: month i + 1 (bit 0 is January)
  std::bitset<7> days_of_week;    // bit i: weekday i (bit 0 is Sunday; 7 in the text also lands here)
  // The field was written `*` (or `*/1`). Only then is it "unrestricted" for
  // the cron day rule: when both day fields are restricted, a day matches if
  // EITHER matches; otherwise both must (and the `*` one always does).
  bool any_day_of_month = false;
  bool any_day_of_week = false;
};

struct ScheduleError;

// A task's schedule, always in UTC: a 5-field cron expression or a fixed interval.
class Schedule {
 public:
  // Cron: "minute hour day-of-month month day-of-week", each field `*`, a number, a range `a-b`, a step `*/n` or
  // `a-b/n` or `a/n` (a up to the field's last value), or a comma list of those; months JAN-DEC and days SUN-SAT
  // by name (case-insensitive), day of week 0-7 with 0 and 7 both Sunday; macros @yearly/@annually, @monthly,
  // @weekly, @daily/@midnight, @hourly. Ranges do not wrap around (FRI-MON is refused).
  // Intervals: a whole number and a unit, "30s", "5m", "2h", "1d", "30 seconds", "1 minute", "2 hours",
  // "every 5 minutes", "every hour"; at least 1 s ("500ms" is refused), at most 365 days.
  // Errors are InvalidArgument, "column N: <what is wrong, naming the field>" with N the 1-based column of the
  // offending text within `text`; an error with no particular place (too few fields) has no prefix.
  static Result<Schedule> Parse(std::string_view text);

  // The first fire time strictly after `after_micros` (UTC microseconds since the epoch). Cron fires on whole
  // minutes and ignores `offset_micros`; an interval fires at multiples of its length counted from the epoch plus
  // `offset_micros` (so a 1 h interval with a 17 min offset fires at hh:17; the offset is taken modulo the
  // interval and may be negative). Never returns a time <= after_micros. Times before 1970 are not supported;
  // past the int64 range the answer is INT64_MAX.
  int64_t NextAfter(int64_t after_micros, int64_t offset_micros = 0) const;

  bool is_interval() const { return interval_micros_ > 0; }
  int64_t interval_micros() const { return interval_micros_; }  // 0 for cron
  const std::string& text() const { return text_; }             // as given
  const CronFields& cron() const { return cron_; }               // empty for an interval

 private:
  friend Result<Schedule> ParseSchedule(std::string_view text, ScheduleError* error);
  Schedule(std::string text, int64_t interval_micros, CronFields cron)
      : text_(std::move(text)), interval_micros_(interval_micros), cron_(cron) {}

  int64_t NextCronAfter(int64_t after_micros) const;
  bool DayMatches(int64_t days_since_epoch, int day_of_month) const;

  std::string text_;
  int64_t interval_micros_ = 0;
  CronFields cron_;
};

// For config errors: the 1-based column within the schedule text where Parse found the problem (1 when unknown).
// `message` is the same text as the Status's message.
struct ScheduleError {
  std::string message;
  int column = 1;
};

// Same as Schedule::Parse, also filling *error (when not null) on failure.
Result<Schedule> ParseSchedule(std::string_view text, ScheduleError* error);

}  // namespace sluice
