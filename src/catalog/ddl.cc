#include "catalog/ddl.h"

#include "base/text.h"

#include <algorithm>
#include <cctype>

namespace sluice {
namespace {

std::string SnowflakeType(const ColumnType& t) {
  switch (t.kind) {
    case TypeKind::kString: return "VARCHAR";
    case TypeKind::kVarchar: return fmt::format("VARCHAR({})", t.length);
    case TypeKind::kInt: return "NUMBER(38,0)";
    case TypeKind::kDecimal: return fmt::format("NUMBER({},{})", t.precision, t.scale);
    case TypeKind::kDouble: return "FLOAT";
    case TypeKind::kBoolean: return "BOOLEAN";
    case TypeKind::kDate: return "DATE";
    case TypeKind::kTimestamp: return "TIMESTAMP_NTZ(9)";
    case TypeKind::kJson: return "VARIANT";
  }
  return "VARCHAR";
}

// The cast a Snowflake SELECT applies to a VARIANT path, as the seed writes it.
std::string SnowflakeCast(const ColumnType& t) {
  switch (t.kind) {
    case TypeKind::kString:
    case TypeKind::kVarchar: return "::STRING";
    case TypeKind::kJson: return "";
    default: return "::" + SnowflakeType(t);
  }
}

// EVENTPAYLOAD:Customer.Address.Zip, VALUE:Amount, EVENTPAYLOAD:"Zip Code"
std::string SnowflakePath(const Path& path) {
  std::string out = path.relative_to_item ? "VALUE" : "EVENTPAYLOAD";
  bool first = true;
  for (const auto& seg : path.segments) {
    if (seg.is_index) {
      out += fmt::format("[{}]", seg.index);
    } else {
      out += first ? ":" : ".";
      const bool plain = std::all_of(seg.field.begin(), seg.field.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_';
      }) && !seg.field.empty() && !std::isdigit(static_cast<unsigned char>(seg.field[0]));
      if (plain) {
        out += seg.field;
      } else {
        std::string quoted;
        for (char c : seg.field) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        out += "\"" + quoted + "\"";
      }
    }
    first = false;
  }
  return out;
}


}  // namespace

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string SqliteColumnType(const ColumnType& type) {
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

std::string SqliteCreateFinalTable(const EventSpec& event) {
  std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {} (\n", QuoteIdent(event.table));
  for (const auto& col : event.columns) {
    sql += fmt::format("  {} {},", QuoteIdent(col.name), SqliteColumnType(col.type));
    sql += fmt::format("  -- {} from {}\n", col.type.ToString(), col.path.text);
  }
  std::vector<std::string> keys;
  for (const auto& k : event.key) keys.push_back(QuoteIdent(k));
  sql += fmt::format("  PRIMARY KEY ({})\n) WITHOUT ROWID;\n", Join(keys, ", "));
  return sql;
}

std::string SqliteCreateStagingTable(const EventSpec& event) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (\n"
      "  seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- arrival order, never reused\n"
      "  payload TEXT NOT NULL,                  -- the raw JSON line\n"
      "  source TEXT NOT NULL,                   -- the landed file it came from\n"
      "  line INTEGER NOT NULL,\n"
      "  loaded_at TEXT NOT NULL\n"
      ");\n",
      QuoteIdent(event.staging_table()));
}

std::string PostgresColumnType(const ColumnType& type) {
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

std::string PostgresCreateFinalTable(const EventSpec& event, const std::string& schema) {
  std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {}.{} (\n", QuoteIdent(schema), QuoteIdent(event.table));
  for (const auto& col : event.columns) {
    sql += fmt::format("  {} {},", QuoteIdent(col.name), PostgresColumnType(col.type));
    sql += fmt::format("  -- {} from {}\n", col.type.ToString(), col.path.text);
  }
  std::vector<std::string> keys;
  for (const auto& k : event.key) keys.push_back(QuoteIdent(k));
  sql += fmt::format("  PRIMARY KEY ({})\n);\n", Join(keys, ", "));
  return sql;
}

std::string PostgresCreateStagingTable(const EventSpec& event, const std::string& schema) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {}.{} (\n"
      "  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- arrival order, never reused\n"
      "  payload jsonb NOT NULL,                 -- the JSON line\n"
      "  source text NOT NULL,                   -- the landed file it came from\n"
      "  line bigint NOT NULL,\n"
      "  loaded_at timestamp NOT NULL\n"
      ");\n",
      QuoteIdent(schema), QuoteIdent(event.staging_table()));
}

std::string SnowflakeObjects(const EventSpec& event, const SnowflakeOptions& o) {
  const std::string schema = o.schema;
  const std::string name = AsciiUpper(event.table);
  const std::string fq = schema + "." + name;
  const std::string stg = fq + "_STG";
  const std::string stream = fq + "_STREAM_APPEND_ONLY";
  const std::string file_format = o.file_format.empty() ? schema + ".JSON_FILE_FORMAT" : o.file_format;
  std::string out = fmt::format("-- {}: Snowflake objects generated from sluice.yaml\n\n", event.name);

  out += fmt::format("-- Stage\ncreate or replace stage {} storage_integration = \"{}\" url = '{}{}/' file_format = {};\n\n",
                     fq, o.storage_integration, o.stage_url, event.name, file_format);
  out += fmt::format("-- Staging table (unstructured)\ncreate or replace TABLE {} ( EVENTPAYLOAD VARIANT );\n\n", stg);
  out += fmt::format("-- Snowpipe\ncreate or replace pipe {} auto_ingest=true as copy into {} from @{} "
                     "file_format = {} MATCH_BY_COLUMN_NAME = NONE;\n\n", fq, stg, fq, file_format);
  out += fmt::format("-- Stream on the staging table\ncreate or replace stream {} on table {} append_only = true;\n\n",
                     stream, stg);

  std::vector<std::string> col_defs, keys, selects, sets, insert_cols, insert_vals, on, not_null, partition;
  for (const auto& col : event.columns) {
    const std::string c = AsciiUpper(col.name);
    col_defs.push_back(c + " " + SnowflakeType(col.type));
    selects.push_back(SnowflakePath(col.path) + SnowflakeCast(col.type) + " AS " + c);
    insert_cols.push_back(c);
    insert_vals.push_back("stagingTable." + c);
    if (std::find(event.key.begin(), event.key.end(), col.name) == event.key.end())
      sets.push_back(c + "=stagingTable." + c);
  }
  for (const auto& k : event.key) {
    const std::string c = AsciiUpper(k);
    keys.push_back(c);
    on.push_back(fmt::format("{}.{} = stagingTable.{}", fq, c, c));
    not_null.push_back(c + " IS NOT NULL");
  }
  const std::string version = AsciiUpper(event.version);
  out += fmt::format("-- Final table (structured)\ncreate or replace TABLE {} ( {}, primary key ({}) );\n", fq,
                     Join(col_defs, ", "), Join(keys, ", "));
  if (!o.readonly_role.empty()) out += fmt::format("GRANT SELECT ON TABLE {} to ROLE {};\n", fq, o.readonly_role);
  out += "\n";

  std::string from = stream;
  if (event.flatten) from += fmt::format(", LATERAL FLATTEN(INPUT => {})", SnowflakePath(*event.flatten));
  out += fmt::format(
      "-- Merge task\ncreate or replace task {}_MERGE schedule='{}' as merge into {} using ( SELECT {} FROM {} "
      "WHERE {} QUALIFY ROW_NUMBER() OVER (PARTITION BY {} ORDER BY {} DESC) = 1 ) stagingTable on {} "
      "when matched and stagingTable.{} > {}.{} then update set {} "
      "when not matched then insert ( {} ) values ( {} );\n\n",
      fq, o.merge_schedule, fq, Join(selects, ", "), from, Join(not_null, " AND "), Join(keys, ","), version,
      Join(on, " AND "), version, fq, version, Join(sets, ", "), Join(insert_cols, ", "), Join(insert_vals, ", "));

  const auto& vcol = event.columns[event.VersionIndex()];
  out += fmt::format(
      "-- Cleanup task\ncreate or replace task {}_CLEANUP schedule='{}' as DELETE FROM {} WHERE {}{} <= "
      "DATEADD(day, -{}, current_timestamp());\n",
      fq, o.cleanup_schedule, stg, SnowflakePath(vcol.path), SnowflakeCast(vcol.type), o.cleanup_days);
  return out;
}

}  // namespace sluice
