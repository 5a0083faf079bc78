#include "base/clock.h"

#include <chrono>

#include <fmt/format.h>

namespace sluice {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for every
// proleptic Gregorian date, no time zone database involved.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

void SplitDays(int64_t micros, int64_t* days, int64_t* micros_of_day) {
  constexpr int64_t kMicrosPerDay = 86'400'000'000;
  *days = micros / kMicrosPerDay;
  *micros_of_day = micros % kMicrosPerDay;
  if (*micros_of_day < 0) {
    *micros_of_day += kMicrosPerDay;
    --*days;
  }
}

void FormatTimestampTo(int64_t micros, char out[kTimestampLength]) {
  int64_t days, rem;
  SplitDays(micros, &days, &rem);
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  const int64_t secs = rem / 1'000'000;
  const auto put = [&](size_t pos, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) out[pos + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(0, y, 4);
  out[4] = '-';
  put(5, m, 2);
  out[7] = '-';
  put(8, d, 2);
  out[10] = ' ';
  put(11, secs / 3600, 2);
  out[13] = ':';
  put(14, (secs / 60) % 60, 2);
  out[16] = ':';
  put(17, secs % 60, 2);
  out[19] = '.';
  put(20, rem % 1'000'000, 6);
}

std::string FormatTimestamp(int64_t micros) {
  char buf[kTimestampLength];
  FormatTimestampTo(micros, buf);
  return std::string(buf, kTimestampLength);
}

}  // namespace sluice
