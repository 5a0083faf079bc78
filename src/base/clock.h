// Wall-clock time in UTC, in the warehouse's timestamp format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace sluice {

// Microseconds since 1970-01-01 00:00:00 UTC.
int64_t NowMicros();

// "YYYY-MM-DD HH:MM:SS.ffffff": the fixed-width form every timestamp takes in
// the warehouse, so that text order is time order.
std::string FormatTimestamp(int64_t micros_since_epoch);
inline constexpr size_t kTimestampLength = 26;
// The same into `out`, without allocating (the merge's hot path).
void FormatTimestampTo(int64_t micros_since_epoch, char out[kTimestampLength]);

// Splits microseconds since the epoch into whole days since 1970-01-01 and
// the microseconds into that day (also before 1970).
void SplitDays(int64_t micros, int64_t* days, int64_t* micros_of_day);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

}  // namespace sluice
