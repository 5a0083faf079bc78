// The column types of the catalog and how their names are written in sluice.yaml.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice {

enum class TypeKind : uint8_t {
  kString,     // unbounded text
  kVarchar,    // text of at most `length` characters (code points, not bytes)
  kInt,        // 64-bit signed integer
  kDecimal,    // number(p,s) / decimal(p,s): exact decimal rounding, stored per backend
  kDouble,     // IEEE double
  kBoolean,
  kDate,       // YYYY-MM-DD
  kTimestamp,  // no time zone (TIMESTAMP_NTZ), microseconds, stored as fixed-width text
  kJson,       // the sub-document as minified JSON text
};

struct ColumnType {
  TypeKind kind = TypeKind::kString;
  int length = 0;     // varchar(n)
  int precision = 0;  // number(p,s)
  int scale = 0;

  // The canonical spelling: "varchar(32)", "number(9,2)", "timestamp"…
  std::string ToString() const;
  bool operator==(const ColumnType&) const = default;
};

// Parses a type as written in the catalog. Case-insensitive; `decimal` is an
// alias of `number`, and `number` alone means number(38,0).
Result<ColumnType> ParseColumnType(std::string_view text);

}  // namespace sluice
