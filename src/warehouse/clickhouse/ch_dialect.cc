#include "warehouse/clickhouse/ch_dialect.h"

#include <fmt/format.h>

#include "base/text.h"
#include "warehouse/clickhouse/ch_tsv.h"

namespace sluice {
namespace {

bool IsKey(const EventSpec& event, std::string_view column) {
  for (const auto& k : event.key)
    if (k == column) return true;
  return false;
}

std::string KeyList(const std::vector<std::string>& key) {
  std::vector<std::string> quoted;
  for (const auto& k : key) quoted.push_back(ChIdent(k));
  return quoted.size() == 1 ? quoted[0] : "(" + Join(quoted, ", ") + ")";
}

}  // namespace

std::string ChDialect::TypeName(const ColumnType& type) const {
  switch (type.kind) {
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kJson:
    case TypeKind::kDate:
    case TypeKind::kTimestamp: return "String";
    case TypeKind::kInt: return "Int64";
    case TypeKind::kDecimal: return fmt::format("Decimal({},{})", type.precision, type.scale);
    case TypeKind::kDouble: return "Float64";
    case TypeKind::kBoolean: return "UInt8";
  }
  return "String";
}

std::string ChDialect::TypeName(SystemType type) const {
  switch (type) {
    case SystemType::kText:
    case SystemType::kJson:
    case SystemType::kTimestamp: return "String";
    case SystemType::kInteger: return "Int32";
    case SystemType::kBigInt:
    case SystemType::kIdentity: return "Int64";
  }
  return "String";
}

std::string ChDialect::TableName(std::string_view table) const {
  return ChIdent(options_.database) + "." + ChIdent(table);
}

std::string ChDialect::Preamble() const { return CreateDatabase() + ";\n"; }

std::vector<std::string> ChDialect::StorageKey(const EventSpec& event) {
  if (event.key.empty()) return {kChRowColumn};
  return event.key;
}

std::string ChDialect::ColumnTypeOf(const EventSpec& event, const ColumnSpec& column) const {
  const std::string type = TypeName(column.type);
  return IsKey(event, column.name) ? type : fmt::format("Nullable({})", type);
}

std::string ChDialect::CreateDatabase() const {
  return fmt::format("CREATE DATABASE IF NOT EXISTS {}", ChIdent(options_.database));
}

std::string ChDialect::CreateStaging(const EventSpec& event) const {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (\n"
      "  seq Int64,        -- arrival order; rows past the committed seq are a dead load's\n"
      "  source String,    -- the landed file\n"
      "  line Int64,\n"
      "  payload String,\n"
      "  loaded_at String\n"
      ") ENGINE = MergeTree ORDER BY seq",
      TableName(event.staging_table()));
}

std::string ChDialect::CreateLocal(const EventSpec& event) const {
  std::vector<std::string> columns;
  for (const auto& c : event.columns) columns.push_back(fmt::format("  {} {}", ChIdent(c.name), ColumnTypeOf(event, c)));
  if (event.key.empty()) columns.push_back(fmt::format("  {} Int64", kChRowColumn));
  columns.push_back(fmt::format("  {} UInt64", kChVersionColumn));
  columns.push_back(fmt::format("  {} UInt8", kChDeletedColumn));
  columns.push_back(fmt::format("  {} UInt64", kChShardColumn));
  return fmt::format("CREATE TABLE IF NOT EXISTS {} (\n{}\n) ENGINE = ReplacingMergeTree({}) ORDER BY {}",
                     TableName(LocalTable(event)), Join(columns, ",\n"), kChVersionColumn,
                     KeyList(StorageKey(event)));
}

std::string ChDialect::CreateDistributed(const EventSpec& event, std::string_view as) const {
  return fmt::format("CREATE TABLE IF NOT EXISTS {} AS {} ENGINE = Distributed({}, {}, {}, {})",
                     TableName(as.empty() ? DistributedTable(event) : std::string(as)), TableName(LocalTable(event)), ChIdent(options_.cluster),
                     ChIdent(options_.database), ChIdent(LocalTable(event)), kChShardColumn);
}

std::string ChDialect::CreateView(const EventSpec& event, std::string_view as) const {
  std::vector<std::string> columns;
  for (const auto& c : event.columns) columns.push_back(ChIdent(c.name));
  return fmt::format("CREATE VIEW IF NOT EXISTS {} AS SELECT {} FROM {} FINAL WHERE {} = 0",
                     TableName(as.empty() ? event.table : std::string(as)),
                     Join(columns, ", "), TableName(RowsTable(event)), kChDeletedColumn);
}

std::string ChDialect::AddColumn(std::string_view table, const EventSpec& event, const ColumnSpec& column) const {
  return fmt::format("ALTER TABLE {} ADD COLUMN {} {}", TableName(table), ChIdent(column.name),
                     ColumnTypeOf(event, column));
}

std::string ChDialect::CatalogDdl(const Catalog& catalog) const {
  std::string out = fmt::format(
      "-- ClickHouse: sluice's own tables (load history, errors, positions, tasks, corrections)\n"
      "-- live in the bookkeeping store ({}), created as that backend creates them.\n{}",
      options_.bookkeeping, Preamble());
  for (const auto& event : catalog.events) {
    out += fmt::format("\n-- {}: staging, on {}\n{};\n", event.name, options_.url.empty() ? "the server" : options_.url,
                       CreateStaging(event));
    out += fmt::format("-- {}: the rows{}\n{};\n", event.name, options_.distributed() ? ", on every shard" : "",
                       CreateLocal(event));
    if (options_.distributed()) out += CreateDistributed(event) + ";\n";
    out += fmt::format("-- {}: one row per key, as queried\n{};\n", event.name, CreateView(event));
  }
  return out;
}

}  // namespace sluice

// dbt's cross-database macros on ClickHouse. Timestamps are text
// ("YYYY-MM-DD HH:MM:SS.ffffff"), so truncation cuts the text and arithmetic
// goes through DateTime (seconds, 1970-2105), keeping the fraction.
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

std::string AsDateTime(std::string_view expr) {
  return fmt::format("toDateTime(substring(toString({}), 1, 19), 'UTC')", expr);
}

// A DateTime back as sluice's text, with zero microseconds.
std::string AsText(const std::string& datetime) {
  return fmt::format("concat(toString({}), '.000000')", datetime);
}

}  // namespace

Result<std::string> ChDialect::DateTrunc(std::string_view part, std::string_view expr) const {
  const std::string p = AsciiLower(part);
  const std::string e = fmt::format("toString({})", expr);
  if (p == "year") return fmt::format("concat(substring({}, 1, 4), '-01-01 00:00:00.000000')", e);
  if (p == "quarter")
    return fmt::format("concat(substring({0}, 1, 5), ['01','01','01','04','04','04','07','07','07','10','10','10']"
                       "[toUInt8(substring({0}, 6, 2))], '-01 00:00:00.000000')",
                       e);
  if (p == "month") return fmt::format("concat(substring({}, 1, 7), '-01 00:00:00.000000')", e);
  if (p == "week") return AsText(fmt::format("toDateTime(toMonday(toDate(substring({}, 1, 10))), 'UTC')", e));
  if (p == "day") return fmt::format("concat(substring({}, 1, 10), ' 00:00:00.000000')", e);
  if (p == "hour") return fmt::format("concat(substring({}, 1, 13), ':00:00.000000')", e);
  if (p == "minute") return fmt::format("concat(substring({}, 1, 16), ':00.000000')", e);
  if (p == "second") return fmt::format("concat(substring({}, 1, 19), '.000000')", e);
  return UnknownPart(part);
}

Result<std::string> ChDialect::DateAdd(std::string_view part, std::string_view amount, std::string_view expr) const {
  const std::string p = AsciiLower(part);
  if (!KnownPart(p)) return UnknownPart(part);
  const std::string function = p == "year" ? "addYears" : p == "quarter" ? "addQuarters" : p == "month" ? "addMonths"
                               : p == "week" ? "addWeeks" : p == "day" ? "addDays" : p == "hour" ? "addHours"
                               : p == "minute" ? "addMinutes" : "addSeconds";
  return fmt::format("concat(toString({}({}, toInt64({}))), substring(concat(toString({}), '.000000'), 20, 7))", function,
                     AsDateTime(expr), amount, expr);
}

Result<std::string> ChDialect::DateDiff(std::string_view first, std::string_view second, std::string_view part) const {
  const std::string p = AsciiLower(part);
  if (!KnownPart(p)) return UnknownPart(part);
  if (p == "week")
    return fmt::format("intDiv(toInt64(toMonday(toDate({1}))) - toInt64(toMonday(toDate({0}))), 7)", AsDateTime(first),
                       AsDateTime(second));
  return fmt::format("dateDiff('{}', {}, {})", p, AsDateTime(first), AsDateTime(second));
}

std::string ChDialect::Hash(std::string_view expr) const { return fmt::format("lower(hex(MD5(toString({}))))", expr); }
std::string ChDialect::SafeCast(std::string_view expr, std::string_view type) const {
  return fmt::format("CAST({} AS {})", expr, type);
}
std::string ChDialect::CurrentTimestamp() const { return AsText("now()"); }
std::string ChDialect::TypeString() const { return "String"; }
std::string ChDialect::TypeInt() const { return "Int64"; }
std::string ChDialect::TypeNumeric() const { return "Decimal(28,6)"; }
std::string ChDialect::TypeTimestamp() const { return "String"; }

}  // namespace sluice
