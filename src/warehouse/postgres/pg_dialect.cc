#include "warehouse/postgres/pg_dialect.h"

#include <fmt/format.h>

#include "base/text.h"

namespace sluice {

std::string PgDialect::TypeName(const ColumnType& type) const {
  switch (type.kind) {
    case TypeKind::kString: return "text";
    case TypeKind::kVarchar: return fmt::format("varchar({})", type.length);
    case TypeKind::kInt: return "bigint";
    case TypeKind::kDecimal: return fmt::format("numeric({},{})", type.precision, type.scale);
    case TypeKind::kDouble: return "double precision";
    case TypeKind::kBoolean: return "boolean";
    case TypeKind::kDate: return "date";
    case TypeKind::kTimestamp: return "timestamp";
    case TypeKind::kJson: return "jsonb";
  }
  return "text";
}

std::string PgDialect::TypeName(SystemType type) const {
  switch (type) {
    case SystemType::kText: return "text";
    case SystemType::kInteger: return "integer";
    case SystemType::kBigInt: return "bigint";
    case SystemType::kTimestamp: return "timestamp";
    case SystemType::kJson: return "jsonb";
    case SystemType::kIdentity: return "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  }
  return "text";
}

std::string PgDialect::TableName(std::string_view table) const {
  return QuoteIdent(schema_) + "." + QuoteIdent(table);
}

std::string PgDialect::Preamble() const {
  return fmt::format("CREATE SCHEMA IF NOT EXISTS {};\n", QuoteIdent(schema_));
}

}  // namespace sluice

// dbt's cross-database macros, as dbt-postgres spells them.
namespace sluice {
namespace {

bool KnownPart(const std::string& p) {
  return p == "year" || p == "quarter" || p == "month" || p == "week" || p == "day" || p == "hour" ||
         p == "minute" || p == "second";
}

Status UnknownPart(std::string_view part) {
  return Status::InvalidArgument(fmt::format(
      "unknown date part '{}' (expected year, quarter, month, week, day, hour, minute or second)", part));
}

}  // namespace

Result<std::string> PgDialect::DateTrunc(std::string_view part, std::string_view expr) const {
  const std::string p = AsciiLower(part);
  if (!KnownPart(p)) return UnknownPart(part);
  return fmt::format("date_trunc('{}', {})", p, expr);
}

Result<std::string> PgDialect::DateAdd(std::string_view part, std::string_view amount, std::string_view expr) const {
  const std::string p = AsciiLower(part);
  if (!KnownPart(p)) return UnknownPart(part);
  if (p == "quarter") return fmt::format("(({}) + (({}) * interval '3 months'))", expr, amount);
  return fmt::format("(({}) + (({}) * interval '1 {}'))", expr, amount, p);
}

Result<std::string> PgDialect::DateDiff(std::string_view first, std::string_view second, std::string_view part) const {
  const std::string p = AsciiLower(part);
  const std::string a = fmt::format("({})::timestamp", first), b = fmt::format("({})::timestamp", second);
  const std::string days = fmt::format("((({})::date - ({})::date))", b, a);
  const auto field = [](const std::string& e, const char* name) { return fmt::format("date_part('{}', {})", name, e); };
  const std::string years = fmt::format("({} - {})", field(b, "year"), field(a, "year"));
  if (p == "year") return fmt::format("CAST({} AS bigint)", years);
  if (p == "quarter")
    return fmt::format("CAST({} * 4 + {} - {} AS bigint)", years, field(b, "quarter"), field(a, "quarter"));
  if (p == "month") return fmt::format("CAST({} * 12 + {} - {} AS bigint)", years, field(b, "month"), field(a, "month"));
  if (p == "week")
    return fmt::format("CAST((date_trunc('week', {})::date - date_trunc('week', {})::date) / 7 AS bigint)", b, a);
  if (p == "day") return fmt::format("CAST({} AS bigint)", days);
  const std::string hours = fmt::format("({} * 24 + {} - {})", days, field(b, "hour"), field(a, "hour"));
  if (p == "hour") return fmt::format("CAST({} AS bigint)", hours);
  const std::string minutes = fmt::format("({} * 60 + {} - {})", hours, field(b, "minute"), field(a, "minute"));
  if (p == "minute") return fmt::format("CAST({} AS bigint)", minutes);
  if (p == "second")
    return fmt::format("CAST({} * 60 + floor({}) - floor({}) AS bigint)", minutes, field(b, "second"), field(a, "second"));
  return UnknownPart(part);
}

std::string PgDialect::Hash(std::string_view expr) const { return fmt::format("md5(CAST({} AS text))", expr); }
std::string PgDialect::SafeCast(std::string_view expr, std::string_view type) const {
  return fmt::format("CAST({} AS {})", expr, type);
}
std::string PgDialect::CurrentTimestamp() const { return "(now() AT TIME ZONE 'utc')"; }
std::string PgDialect::TypeString() const { return "text"; }
std::string PgDialect::TypeInt() const { return "integer"; }
std::string PgDialect::TypeNumeric() const { return "numeric(28,6)"; }
std::string PgDialect::TypeTimestamp() const { return "timestamp"; }

}  // namespace sluice
