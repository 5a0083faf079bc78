#include "base/schedule.h"

#include <array>
#include <cctype>
#include <limits>
#include <vector>

#include "base/clock.h"
#include "base/text.h"

namespace sluice {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerDay = 24 * 60 * kMicrosPerMinute;
constexpr int64_t kMinutesPerDay = 24 * 60;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kMaxIntervalDays = 365;

// The longest wait between two fires of an expression Parse accepts. With the
// day-of-week field restricted, every week offers a day, so the month field
// alone bounds the wait (under a year). With it unrestricted, the days come from
// the day-of-month field, and Parse has checked that some chosen month has the
// earliest chosen day; the rarest such date is February 29, and leap years can
// be 8 years apart (2096 -> 2104: 2100 is not a leap year).
constexpr int64_t kMaxYearsBetweenFires = 8;

bool IsLeapYear(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int DaysInMonth(int64_t y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// 0 = Sunday; 1970-01-01 was a Thursday.
int WeekdayFromDays(int64_t z) { return static_cast<int>(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6); }

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t ClampToInt64(__int128 v) {
  return v > std::numeric_limits<int64_t>::max() ? kNever : static_cast<int64_t>(v);
}

// The lowest set bit at or after `from`, or -1.
template <size_t N>
int NextSetBit(const std::bitset<N>& bits, int from) {
  for (int i = from; i < static_cast<int>(N); ++i) {
    if (bits.test(i)) return i;
  }
  return -1;
}

constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 12> kMonthFullNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// How one cron field is written and stored.
struct FieldRule {
  std::string_view name;  // as in messages: "day-of-week"
  int min, max;           // values as written (day-of-week 7 is Sunday again)
  int star_max;           // the end of `*` and of `a/n`: day-of-week stops at 6
  int first_bit_value;    // the value stored in bit 0
  const std::string_view* names;  // names[i] has value i + names_base; null when the field has none
  int name_count, names_base;
  std::string_view kind;  // "a day (SUN-SAT or 0-7)"
  bool seven_is_sunday;   // day-of-week: 7 is stored as 0
};

constexpr std::array<FieldRule, 5> kFields = {{
    {"minute", 0, 59, 59, 0, nullptr, 0, 0, "a number (0-59)", false},
    {"hour", 0, 23, 23, 0, nullptr, 0, 0, "a number (0-23)", false},
    {"day-of-month", 1, 31, 31, 1, nullptr, 0, 0, "a number (1-31)", false},
    {"month", 1, 12, 12, 1, kMonthNames.data(), 12, 1, "a month (JAN-DEC or 1-12)", false},
    {"day-of-week", 0, 7, 6, 0, kDayNames.data(), 7, 0, "a day (SUN-SAT or 0-7)", true},
}};

struct Macro {
  std::string_view name, expansion;
};
constexpr std::array<Macro, 7> kMacros = {{{"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"},
                                           {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
                                           {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
                                           {"@hourly", "0 * * * *"}}};

struct TimeUnit {
  std::string_view name;
  int64_t micros;
};
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr std::array<TimeUnit, 21> kUnits = {{
    {"ms", 1000}, {"millisecond", 1000}, {"milliseconds", 1000},  // so "500ms" is "too short"
    {"s", kMicrosPerSecond}, {"sec", kMicrosPerSecond}, {"secs", kMicrosPerSecond},
    {"second", kMicrosPerSecond}, {"seconds", kMicrosPerSecond},
    {"m", kMicrosPerMinute}, {"min", kMicrosPerMinute}, {"mins", kMicrosPerMinute},
    {"minute", kMicrosPerMinute}, {"minutes", kMicrosPerMinute},
    {"h", kMicrosPerHour}, {"hr", kMicrosPerHour}, {"hrs", kMicrosPerHour},
    {"hour", kMicrosPerHour}, {"hours", kMicrosPerHour},
    {"d", kMicrosPerDay}, {"day", kMicrosPerDay}, {"days", kMicrosPerDay},
}};
constexpr std::string_view kUnitList = "s, m, h, d or seconds, minutes, hours, days";

struct Token {
  size_t begin, end;  // offsets into the text
};

std::vector<Token> SplitOnWhitespace(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    const size_t begin = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    tokens.push_back({begin, i});
  }
  return tokens;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// Parses one schedule text; on failure leaves the reason in error().
class ScheduleParser {
 public:
  explicit ScheduleParser(std::string_view text) : text_(text) {}

  const ScheduleError& error() const { return error_; }

  // Fills *interval_micros for an interval, *cron otherwise.
  bool Parse(int64_t* interval_micros, CronFields* cron) {
    const std::vector<Token> tokens = SplitOnWhitespace(text_);
    if (tokens.empty()) return FailNowhere("the schedule is empty");
    const std::string_view first = Slice(tokens[0]);
    if (first[0] == '@') return ParseMacro(tokens, cron);
    if (LooksLikeInterval(tokens)) return ParseInterval(tokens, interval_micros);
    return ParseCron(tokens, cron);
  }

 private:
  std::string_view Slice(Token t) const { return text_.substr(t.begin, t.end - t.begin); }

  bool Fail(size_t pos, std::string what) {
    error_.column = static_cast<int>(pos) + 1;
    error_.message = fmt::format("column {}: {}", error_.column, what);
    return false;
  }
  bool FailNowhere(std::string what) {
    error_.column = 1;
    error_.message = std::move(what);
    return false;
  }

  // "every …" (any length), or up to 3 words starting with a number whose unit
  // is glued on or is the next word: "30s", "1.5h", "5 minutes", "5 minutes later".
  // Everything else is read as cron, whose errors then explain the field count.
  bool LooksLikeInterval(const std::vector<Token>& tokens) const {
    const std::string_view first = Slice(tokens[0]);
    if (AsciiLower(first) == "every") return true;
    if (tokens.size() > 3) return false;
    if (!IsDigit(first[0])) return false;
    for (char c : first) {
      if (IsAlpha(c)) return true;
    }
    return tokens.size() > 1 && IsAlpha(text_[tokens[1].begin]);
  }

  bool ParseMacro(const std::vector<Token>& tokens, CronFields* cron) {
    const std::string name = AsciiLower(Slice(tokens[0]));
    for (const Macro& macro : kMacros) {
      if (macro.name != name) continue;
      if (tokens.size() > 1) {
        return Fail(tokens[1].begin, fmt::format("unexpected '{}' after {}", Slice(tokens[1]), Slice(tokens[0])));
      }
      ScheduleParser expansion(macro.expansion);
      const bool ok = expansion.ParseCron(SplitOnWhitespace(macro.expansion), cron);
      assert(ok);
      return ok;
    }
    return Fail(tokens[0].begin, fmt::format("unknown macro '{}' (expected @yearly, @annually, @monthly, @weekly, "
                                             "@daily, @midnight or @hourly)",
                                             Slice(tokens[0])));
  }

  bool ParseInterval(const std::vector<Token>& tokens, int64_t* interval_micros) {
    size_t pos = tokens[0].begin;
    const size_t end = tokens.back().end;
    if (AsciiLower(Slice(tokens[0])) == "every") {
      pos = tokens[0].end;
      while (pos < end && std::isspace(static_cast<unsigned char>(text_[pos]))) ++pos;
      if (pos == end) return Fail(pos, "'every' needs a length, e.g. 'every 5 minutes'");
    }
    const size_t number_begin = pos;
    int64_t count = 1;  // "every minute"
    if (IsDigit(text_[pos])) {
      count = 0;
      for (; pos < end && IsDigit(text_[pos]); ++pos) {
        count = std::min<int64_t>(count * 10 + (text_[pos] - '0'), 1'000'000'000'000);
      }
      if (pos < end && (text_[pos] == '.' || text_[pos] == ',')) {
        return Fail(pos, "an interval is a whole number and a unit (write '90m', not '1.5h')");
      }
      while (pos < end && std::isspace(static_cast<unsigned char>(text_[pos]))) ++pos;
    }
    const size_t unit_begin = pos;
    while (pos < end && IsAlpha(text_[pos])) ++pos;
    const std::string_view unit_text = text_.substr(unit_begin, pos - unit_begin);
    if (unit_text.empty()) {
      if (pos == end) {
        return Fail(pos, fmt::format("the interval '{}' has no unit ({})",
                                     text_.substr(number_begin, end - number_begin), kUnitList));
      }
      return Fail(pos, fmt::format("unexpected '{}' in the interval", text_[pos]));
    }
    const std::string unit_name = AsciiLower(unit_text);
    const TimeUnit* unit = nullptr;
    for (const TimeUnit& u : kUnits) {
      if (u.name == unit_name) unit = &u;
    }
    if (unit == nullptr) return Fail(unit_begin, fmt::format("'{}' is not a unit of time ({})", unit_text, kUnitList));
    if (pos < end) {
      size_t rest = pos;
      while (std::isspace(static_cast<unsigned char>(text_[rest]))) ++rest;
      return Fail(rest, fmt::format("unexpected '{}' after the interval", text_.substr(rest, end - rest)));
    }
    const std::string_view written = text_.substr(number_begin, pos - number_begin);
    const __int128 micros = static_cast<__int128>(count) * unit->micros;
    if (micros < kMicrosPerSecond) {
      return Fail(number_begin, fmt::format("the interval '{}' is shorter than the minimum of 1 s", written));
    }
    if (micros > static_cast<__int128>(kMaxIntervalDays) * kMicrosPerDay) {
      return Fail(number_begin, fmt::format("the interval '{}' is longer than the maximum of {} days", written,
                                            kMaxIntervalDays));
    }
    *interval_micros = static_cast<int64_t>(micros);
    return true;
  }

  bool ParseCron(const std::vector<Token>& tokens, CronFields* cron) {
    if (tokens.size() != kFields.size()) {
      const std::string what = fmt::format(
          "expected 5 fields (minute hour day-of-month month day-of-week), found {}", tokens.size());
      // Too many: the first extra field is where it goes wrong. Too few: no one place.
      return tokens.size() > kFields.size() ? Fail(tokens[kFields.size()].begin, what) : FailNowhere(what);
    }
    std::array<uint64_t, 5> bits{};
    std::array<bool, 5> any{};
    for (size_t f = 0; f < kFields.size(); ++f) {
      if (!ParseField(kFields[f], tokens[f], &bits[f], &any[f])) return false;
    }
    cron->minutes = std::bitset<60>(bits[0]);
    cron->hours = std::bitset<24>(bits[1]);
    cron->days_of_month = std::bitset<31>(bits[2]);
    cron->months = std::bitset<12>(bits[3]);
    cron->days_of_week = std::bitset<7>(bits[4]);
    cron->any_day_of_month = any[2];
    cron->any_day_of_week = any[4];
    return CheckCanFire(*cron, tokens[2]);
  }

  // When the day-of-week field is restricted, every month has every weekday,
  // so the expression fires (alone under the OR rule, or with a `*` day of
  // month). Otherwise the days come from the day-of-month field alone, and it
  // fires iff some chosen month is long enough (in some year) for the earliest
  // chosen day.
  bool CheckCanFire(const CronFields& cron, Token day_of_month) {
    if (!cron.any_day_of_week) return true;
    const int earliest_day = NextSetBit(cron.days_of_month, 0) + 1;
    std::vector<std::string_view> too_short;
    for (int m = 1; m <= 12; ++m) {
      if (!cron.months.test(m - 1)) continue;
      if (earliest_day <= DaysInMonth(2000, m)) return true;  // 2000 is a leap year: February has 29
      too_short.push_back(kMonthFullNames[m - 1]);
    }
    std::string months;
    for (size_t i = 0; i < too_short.size(); ++i) {
      if (i > 0) months += i + 1 == too_short.size() ? " and " : ", ";
      months += too_short[i];
    }
    return Fail(day_of_month.begin, fmt::format("never fires: {} {} no day {}", months,
                                                too_short.size() == 1 ? "has" : "have", earliest_day));
  }

  // One field: a comma list of `*`, `v`, `a-b`, each optionally `/step`.
  bool ParseField(const FieldRule& rule, Token token, uint64_t* bits, bool* any) {
    const size_t end = token.end;
    size_t pos = token.begin;
    const auto at = [&](size_t i) { return i < end ? text_[i] : '\0'; };
    *any = false;
    while (true) {
      const size_t item_begin = pos;
      if (at(pos) == ',') return Fail(pos, fmt::format("empty item in the {} field's list", rule.name));
      bool star = false, range = false;
      int lo = 0, hi = 0, step = 1;
      if (at(pos) == '*') {
        star = true;
        lo = rule.first_bit_value;
        hi = rule.star_max;
        ++pos;
      } else {
        if (!ParseValue(rule, &pos, end, "a value", &lo)) return false;
        hi = lo;
        if (at(pos) == '-') {
          range = true;
          ++pos;
          if (!ParseValue(rule, &pos, end, "the end of the range", &hi)) return false;
        }
      }
      if (at(pos) == '/') {
        ++pos;
        if (!ParseStep(rule, &pos, end, &step)) return false;
        if (!star && !range) {
          // `a/n` runs to the end of the field; day-of-week 7 starts the week over as Sunday.
          if (rule.seven_is_sunday && lo == 7) lo = 0;
          hi = rule.star_max;
        }
      }
      if (lo > hi) {
        return Fail(item_begin, fmt::format("the range {} in the {} field is reversed (ranges run from low to high "
                                            "and do not wrap around)",
                                            text_.substr(item_begin, pos - item_begin), rule.name));
      }
      for (int v = lo; v <= hi; v += step) {
        const int bit = rule.seven_is_sunday && v == 7 ? 0 : v - rule.first_bit_value;
        *bits |= uint64_t{1} << bit;
      }
      if (star && step == 1 && item_begin == token.begin && pos == end) *any = true;
      if (pos == end) return true;
      if (at(pos) != ',') return Fail(pos, fmt::format("unexpected '{}' in the {} field", at(pos), rule.name));
      ++pos;
      if (pos == end) return Fail(pos - 1, fmt::format("empty item in the {} field's list", rule.name));
    }
  }

  // A number or (for months and days) a name, at *pos.
  bool ParseValue(const FieldRule& rule, size_t* pos, size_t end, std::string_view expected, int* value) {
    const size_t begin = *pos;
    if (begin == end || text_[begin] == ',') {  // only after '-': an item never starts empty here
      return Fail(begin - 1, fmt::format("expected {} in the {} field after '{}'", expected, rule.name,
                                         text_[begin - 1]));
    }
    if (!IsDigit(text_[begin]) && !IsAlpha(text_[begin])) {
      return Fail(begin, fmt::format("unexpected '{}' in the {} field", text_[begin], rule.name));
    }
    if (IsDigit(text_[begin])) {
      int64_t v = 0;
      while (*pos < end && IsDigit(text_[*pos])) v = std::min<int64_t>(v * 10 + (text_[(*pos)++] - '0'), 1'000'000);
      if (v < rule.min || v > rule.max) {
        return Fail(begin, fmt::format("{} {} is out of range ({}-{})", rule.name,
                                       text_.substr(begin, *pos - begin), rule.min, rule.max));
      }
      *value = static_cast<int>(v);
      return true;
    }
    while (*pos < end && IsAlpha(text_[*pos])) ++*pos;
    const std::string_view word = text_.substr(begin, *pos - begin);
    const std::string lower = AsciiLower(word);
    for (int i = 0; i < rule.name_count; ++i) {
      if (rule.names[i] == lower) {
        *value = i + rule.names_base;
        return true;
      }
    }
    return Fail(begin, fmt::format("'{}' in the {} field is not {}", word, rule.name, rule.kind));
  }

  bool ParseStep(const FieldRule& rule, size_t* pos, size_t end, int* step) {
    const size_t begin = *pos;
    if (begin == end || !IsDigit(text_[begin])) {
      if (begin < end && text_[begin] != ',') {
        return Fail(begin, fmt::format("the step in the {} field must be a number, found '{}'", rule.name,
                                       text_[begin]));
      }
      return Fail(begin - 1, fmt::format("the step in the {} field is missing after '/'", rule.name));
    }
    int64_t v = 0;
    while (*pos < end && IsDigit(text_[*pos])) v = std::min<int64_t>(v * 10 + (text_[(*pos)++] - '0'), 1'000'000);
    const int span = rule.star_max - rule.first_bit_value + 1;
    if (v < 1 || v > span) {
      return Fail(begin, fmt::format("the step {} in the {} field is out of range (1-{})",
                                     text_.substr(begin, *pos - begin), rule.name, span));
    }
    *step = static_cast<int>(v);
    return true;
  }

  std::string_view text_;
  ScheduleError error_;
};

}  // namespace

Result<Schedule> Schedule::Parse(std::string_view text) { return ParseSchedule(text, nullptr); }

Result<Schedule> ParseSchedule(std::string_view text, ScheduleError* error) {
  ScheduleParser parser(text);
  int64_t interval_micros = 0;
  CronFields cron;
  if (!parser.Parse(&interval_micros, &cron)) {
    if (error != nullptr) *error = parser.error();
    return Status::InvalidArgument(parser.error().message);
  }
  return Schedule(std::string(text), interval_micros, cron);
}

int64_t Schedule::NextAfter(int64_t after_micros, int64_t offset_micros) const {
  if (!is_interval()) return NextCronAfter(after_micros);
  const int64_t length = interval_micros_;
  int64_t offset = offset_micros % length;
  if (offset < 0) offset += length;
  // The fires are k * length + offset; the first one past `after` has k = floor((after - offset) / length) + 1.
  const __int128 since_first = static_cast<__int128>(after_micros) - offset;
  __int128 k = since_first / length;
  if (since_first % length != 0 && since_first < 0) --k;
  return ClampToInt64((k + 1) * length + offset);
}

bool Schedule::DayMatches(int64_t days_since_epoch, int day_of_month) const {
  const bool dom = cron_.days_of_month.test(day_of_month - 1);
  const bool dow = cron_.days_of_week.test(WeekdayFromDays(days_since_epoch));
  if (cron_.any_day_of_month || cron_.any_day_of_week) return dom && dow;
  return dom || dow;
}

// Walks forward field by field, largest first: a month that does not match is
// skipped whole, then a day, then an hour, so even the rarest expression takes
// a few hundred steps, not a step per minute.
int64_t Schedule::NextCronAfter(int64_t after_micros) const {
  const int64_t first_minute = FloorDiv(after_micros, kMicrosPerMinute) + 1;  // strictly after
  const int64_t first_day = FloorDiv(first_minute, kMinutesPerDay);
  const int minute_of_day = static_cast<int>(first_minute - first_day * kMinutesPerDay);
  int64_t year = 0;
  unsigned start_month = 0, start_day = 0;
  CivilFromDays(first_day, &year, &start_month, &start_day);
  int month = static_cast<int>(start_month), day = static_cast<int>(start_day);
  int hour = minute_of_day / 60, minute = minute_of_day % 60;
  const int64_t last_year = year + kMaxYearsBetweenFires;

  const auto next_month = [&] {
    day = 1, hour = 0, minute = 0;
    if (++month > 12) month = 1, ++year;
  };
  const auto next_day = [&] { ++day, hour = 0, minute = 0; };

  while (year <= last_year) {
    if (!cron_.months.test(month - 1)) {
      next_month();
      continue;
    }
    if (day > DaysInMonth(year, month)) {
      next_month();
      continue;
    }
    const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    if (!DayMatches(days, day)) {
      next_day();
      continue;
    }
    const int h = NextSetBit(cron_.hours, hour);
    if (h < 0) {
      next_day();
      continue;
    }
    if (h != hour) hour = h, minute = 0;
    const int m = NextSetBit(cron_.minutes, minute);
    if (m < 0) {
      ++hour, minute = 0;
      if (hour == 24) next_day();
      continue;
    }
    const __int128 minutes = static_cast<__int128>(days) * kMinutesPerDay + hour * 60 + m;
    return ClampToInt64(minutes * kMicrosPerMinute);
  }
  return kNever;  // unreachable for a Schedule that Parse accepted (see kMaxYearsBetweenFires)
}

}  // namespace sluice
