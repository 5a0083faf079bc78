#include "warehouse/sqlite/sqlite_dialect.h"

#include <fmt/format.h>

#include "base/text.h"

namespace sluice {

std::string SqliteDialect::TypeName(const ColumnType& type) const {
  switch (type.kind) {
    case TypeKind::kString: return "TEXT";
    case TypeKind::kVarchar: return fmt::format("VARCHAR({})", type.length);
    case TypeKind::kInt: return "BIGINT";
    case TypeKind::kDecimal: return "REAL";
    case TypeKind::kDouble: return "DOUBLE";
    case TypeKind::kBoolean: return "BOOLEAN";
    case TypeKind::kDate: return "DATE";
    case TypeKind::kTimestamp: return "TIMESTAMP";
    case TypeKind::kJson: return "TEXT";
  }
  return "TEXT";
}

std::string SqliteDialect::TypeName(SystemType type) const {
  switch (type) {
    case SystemType::kText: return "TEXT";
    case SystemType::kInteger: return "INTEGER";
    case SystemType::kBigInt: return "INTEGER";
    case SystemType::kTimestamp: return "TEXT";
    case SystemType::kJson: return "TEXT";
    case SystemType::kIdentity: return "INTEGER PRIMARY KEY AUTOINCREMENT";
  }
  return "TEXT";
}

std::string SqliteDialect::TableName(std::string_view table) const { return QuoteIdent(table); }

std::string SqliteDialect::FinalTableOptions(const TableDef& table) const {
  return table.primary_key.empty() ? "" : " WITHOUT ROWID";
}

}  // namespace sluice

// dbt's cross-database macros. SQLite keeps timestamps as text
// "YYYY-MM-DD HH:MM:SS.ffffff" (UTC), so date arithmetic goes through
// strftime and julianday and writes that form back.
namespace sluice {
namespace {

constexpr std::string_view kParts = "year, quarter, month, week, day, hour, minute or second";

Status UnknownPart(std::string_view part) {
  return Status::InvalidArgument(fmt::format("unknown date part '{}' (expected {})", part, kParts));
}

}  // namespace

Result<std::string> SqliteDialect::DateTrunc(std::string_view part, std::string_view expr) const {
  const std::string p = AsciiLower(part);
  if (p == "year") return fmt::format("strftime('%Y-01-01 00:00:00.000000', {})", expr);
  if (p == "quarter")
    return fmt::format("printf('%s-%02d-01 00:00:00.000000', strftime('%Y', {0}), "
                       "((CAST(strftime('%m', {0}) AS INTEGER) - 1) / 3) * 3 + 1)",
                       expr);
  if (p == "month") return fmt::format("strftime('%Y-%m-01 00:00:00.000000', {})", expr);
  if (p == "week") return fmt::format("strftime('%Y-%m-%d 00:00:00.000000', {}, '-6 days', 'weekday 1')", expr);
  if (p == "day") return fmt::format("strftime('%Y-%m-%d 00:00:00.000000', {})", expr);
  if (p == "hour") return fmt::format("strftime('%Y-%m-%d %H:00:00.000000', {})", expr);
  if (p == "minute") return fmt::format("strftime('%Y-%m-%d %H:%M:00.000000', {})", expr);
  if (p == "second") return fmt::format("strftime('%Y-%m-%d %H:%M:%S.000000', {})", expr);
  return UnknownPart(part);
}

Result<std::string> SqliteDialect::DateAdd(std::string_view part, std::string_view amount,
                                           std::string_view expr) const {
  const std::string p = AsciiLower(part);
  std::string modifier;
  if (p == "year" || p == "month" || p == "day" || p == "hour" || p == "minute" || p == "second")
    modifier = fmt::format("(({}) || ' {}s')", amount, p);
  else if (p == "quarter") modifier = fmt::format("((({}) * 3) || ' months')", amount);
  else if (p == "week") modifier = fmt::format("((({}) * 7) || ' days')", amount);
  else return UnknownPart(part);
  // The fraction of a second is carried over as it was written.
  return fmt::format("(strftime('%Y-%m-%d %H:%M:%S', {0}, {1}) || coalesce(nullif(substr({0}, 20), ''), '.000000'))",
                     expr, modifier);
}

Result<std::string> SqliteDialect::DateDiff(std::string_view first, std::string_view second,
                                            std::string_view part) const {
  const std::string p = AsciiLower(part);
  const auto months = [](std::string_view e) {
    return fmt::format("(CAST(strftime('%Y', {0}) AS INTEGER) * 12 + CAST(strftime('%m', {0}) AS INTEGER))", e);
  };
  const auto units = [&](const char* format, int per_day) {
    return fmt::format("CAST(round((julianday(strftime('{0}', {2})) - julianday(strftime('{0}', {1}))) * {3}) AS INTEGER)",
                       format, first, second, per_day);
  };
  if (p == "year") return fmt::format("(CAST(strftime('%Y', {1}) AS INTEGER) - CAST(strftime('%Y', {0}) AS INTEGER))", first, second);
  if (p == "quarter") return fmt::format("(({1} - 1) / 3 - ({0} - 1) / 3)", months(first), months(second));
  if (p == "month") return fmt::format("({1} - {0})", months(first), months(second));
  if (p == "week")
    return fmt::format("CAST(round((julianday(date({1}, '-6 days', 'weekday 1')) - "
                       "julianday(date({0}, '-6 days', 'weekday 1'))) / 7) AS INTEGER)",
                       first, second);
  if (p == "day") return units("%Y-%m-%d", 1);
  if (p == "hour") return units("%Y-%m-%d %H:00:00", 24);
  if (p == "minute") return units("%Y-%m-%d %H:%M:00", 24 * 60);
  if (p == "second") return units("%Y-%m-%d %H:%M:%S", 24 * 60 * 60);
  return UnknownPart(part);
}

// md5() is registered on every connection sluice opens (sqlite_db.h).
std::string SqliteDialect::Hash(std::string_view expr) const { return fmt::format("md5(CAST({} AS TEXT))", expr); }
std::string SqliteDialect::SafeCast(std::string_view expr, std::string_view type) const {
  return fmt::format("CAST({} AS {})", expr, type);
}
std::string SqliteDialect::CurrentTimestamp() const { return "(strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')"; }
std::string SqliteDialect::TypeString() const { return "TEXT"; }
std::string SqliteDialect::TypeInt() const { return "BIGINT"; }
// REAL, not NUMERIC: SQLite keeps a NUMERIC integer an integer, so
// cast(x as numeric) / 100 would divide as integers where other backends do not.
std::string SqliteDialect::TypeNumeric() const { return "REAL"; }
std::string SqliteDialect::TypeTimestamp() const { return "TIMESTAMP"; }

}  // namespace sluice
