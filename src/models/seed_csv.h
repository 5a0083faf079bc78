// Seeds: a CSV file read as a table, with a type inferred for each column.
//
// The CSV is RFC 4180: fields separated by the delimiter (',' unless the
// seed's `delimiter` config says otherwise), quoted fields with `""` for a
// quote and with delimiters and line breaks inside, CRLF or LF (or a lone
// CR) line ends, the last line ended or not, a UTF-8 byte order mark
// skipped. The first record names the columns: each name as written, none
// empty and none twice (case-insensitively: the warehouse folds case).
// A blank line is skipped. An empty field, quoted or not, is NULL, as dbt
// reads it. A quote inside an unquoted field is kept as a character.
//
// Types, each the narrowest that fits every non-NULL value of the column:
//   boolean    true / false, any case
//   integer    fits int64, with no leading zero ("007" makes the column
//              text, so the zeros are kept)
//   numeric    a decimal without an exponent ("1e5" is text); the column's
//              precision and scale are the most digits seen before and
//              after the point, and integers and decimals mix into numeric
//   date       YYYY-MM-DD
//   timestamp  YYYY-MM-DD HH:MM:SS (or T), up to 6 fraction digits, and Z
//              or ±HH:MM; dates and timestamps mix into timestamp
//   text       anything else, and a column with no value at all
// `column_types` overrides a column's type with a type written for the
// warehouse's dialect to map; naming a column the file does not have is an
// error. Values stay exactly as written: the warehouse casts them.
//
// Errors name the file and the line, as "<file>:<line>: <message>": a
// quote never closed, text after a closing quote, a row of the wrong width
// (every such row, up to 20), and a file over the size limit.
//
// Thread-safe; never throws. Seeds are small: the whole file is in memory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/env.h"
#include "base/status.h"

namespace sluice::models {

struct Project;
struct Seed;

enum class SeedType { kBoolean, kInteger, kNumeric, kDate, kTimestamp, kText };
std::string_view SeedTypeName(SeedType type);  // "boolean", "integer", …

struct SeedColumn {
  std::string name;
  SeedType inferred = SeedType::kText;
  int precision = 0;  // integer and numeric: the most digits before the point plus the most after it
  int scale = 0;      // numeric: the most digits after the point
  std::optional<std::string> override_type;  // column_types' type for it, as written
};

struct SeedTable {
  std::vector<SeedColumn> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // NULL as nullopt, else the text as written
  std::vector<int> row_lines;  // the line each row starts on, for messages about its values
};

// Seeds are small tables; these bound the memory a hostile file can take
// (a value costs about 40 bytes beside its text).
inline constexpr size_t kMaxSeedBytes = 64u << 20;
inline constexpr size_t kMaxSeedColumns = 1600;    // PostgreSQL's limit on a table's columns
inline constexpr size_t kMaxSeedValues = 4'000'000;  // rows × columns

struct SeedOptions {
  char delimiter = ',';
  std::vector<std::pair<std::string, std::string>> column_types;  // column → type as written
  size_t max_bytes = kMaxSeedBytes;
};

// Parses the CSV `text` of `file` (the name used in messages).
Result<SeedTable> ParseSeedCsv(std::string_view text, const std::string& file, const SeedOptions& options);

// Reads and parses `path`; the size limit is checked before the file is read.
Result<SeedTable> ReadSeedCsv(Env* env, const std::string& path, const SeedOptions& options);

// Reads a project's seed with its resolved config (delimiter, column_types).
Result<SeedTable> ReadSeed(Env* env, const Project& project, const Seed& seed);

}  // namespace sluice::models
