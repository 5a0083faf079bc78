// Strict casts from JSON values to column types.
//
// A value that does not fit its type is an error with a reason, never a
// silent NULL or truncation. Decimal arithmetic is done on the value's text
// (no binary floating point on the way); timestamps are normalised to UTC in
// the fixed-width form "YYYY-MM-DD HH:MM:SS.ffffff".
//
// Thread-safe; never throws; allocates only when an error message is built.
#pragma once

#include <string>
#include <string_view>

#include "catalog/column_type.h"
#include "catalog/value.h"

namespace sluice {

// The JSON value a path found, before casting. JSON null and missing paths
// never reach a cast: they are NULL.
struct JsonScalar {
  enum class Kind : uint8_t { kString, kNumber, kBoolean, kObject, kArray };
  Kind kind = Kind::kString;
  std::string_view text;  // strings: unescaped; numbers and booleans: as written
  std::string_view raw;   // the JSON text as written (quoted strings, whole objects)
};

// Casts `in` to `type`. On success stores the result in *out (text appended to
// *arena) and returns true; otherwise sets *error to the reason.
bool CastValue(const JsonScalar& in, const ColumnType& type, Value* out, std::string* arena,
               std::string* error);

// The pieces below are exposed for the casts' unit tests and for other parsers.

// Parses an ISO-8601 timestamp (T or space, 0-9 fraction digits, optional Z,
// ±HH:MM or ±HHMM offset, which is converted to UTC); a date alone is midnight.
// Returns microseconds since the epoch, rounded half up to the microsecond.
bool ParseTimestamp(std::string_view text, int64_t* micros, std::string* error);

// Rounds the decimal number written in `text` (JSON number syntax, also with a
// leading '+') to `scale` places, half away from zero, and checks it fits
// number(precision, scale). Writes the canonical text ("-12.50") to *out.
bool RoundDecimal(std::string_view text, int precision, int scale, std::string* out,
                  std::string* error);

}  // namespace sluice
