#include "warehouse/snowflake/snowflake_dialect.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "base/text.h"
#include "warehouse/registry.h"

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


// A column's value in the Snowflake merge's SELECT.
std::string SnowflakeColumnValue(const EventSpec& event, const ColumnSpec& col) {
  switch (col.source) {
    case ColumnSource::kEventId: {
      std::vector<std::string> parts;
      for (const auto& p : event.id) parts.push_back(SnowflakePath(p) + "::string");
      return parts.size() == 1 ? parts[0] : fmt::format("TO_JSON(ARRAY_CONSTRUCT({}))", Join(parts, ", "));
    }
    case ColumnSource::kElementIndex: return "INDEX";
    case ColumnSource::kPayload: break;
  }
  return SnowflakePath(col.path) + SnowflakeCast(col.type);
}

// An append-only type's task: every new row inserted; with an id, only the
// first delivery of each id (and element).
std::string SnowflakeAppendTask(const EventSpec& event, const SnowflakeOptions& o, const std::string& fq,
                                const std::string& from, const std::vector<std::string>& selects,
                                const std::vector<std::string>& cols, const std::vector<std::string>& keys,
                                const std::vector<std::string>& on) {
  if (keys.empty())
    return fmt::format("-- Load task (append-only)\ncreate or replace task {}_MERGE schedule='{}' as insert into {} "
                       "( {} ) SELECT {} FROM {};\n",
                       fq, o.merge_schedule, fq, Join(cols, ", "), Join(selects, ", "), from);
  std::vector<std::string> values;
  for (const auto& c : cols) values.push_back("stagingTable." + c);
  return fmt::format("-- Load task (append-only: the first delivery of an id wins)\ncreate or replace task {}_MERGE "
                     "schedule='{}' as merge into {} using ( SELECT {} FROM {} QUALIFY ROW_NUMBER() OVER "
                     "(PARTITION BY {} ORDER BY {}) = 1 ) stagingTable on {} when not matched then insert ( {} ) "
                     "values ( {} );\n-- {}: no cleanup task (append-only types have no version to age by)\n",
                     fq, o.merge_schedule, fq, Join(selects, ", "), from, Join(keys, ","), Join(keys, ","),
                     Join(on, " AND "), Join(cols, ", "), Join(values, ", "), event.name);
}

SnowflakeOptions FromFlags(const std::map<std::string, std::string>& flags) {
  SnowflakeOptions o;
  const auto set = [&](const char* name, std::string* target) {
    if (const auto it = flags.find(name); it != flags.end() && !it->second.empty()) *target = it->second;
  };
  set("schema", &o.schema);
  set("stage-url", &o.stage_url);
  set("storage-integration", &o.storage_integration);
  set("file-format", &o.file_format);
  set("readonly-role", &o.readonly_role);
  return o;
}

const bool kRegistered = RegisterDialect({
    .name = "snowflake",
    .summary = "the seed's Snowflake objects, for a team that keeps Snowflake",
    .flags = {{"schema", "snowflake: DATABASE.SCHEMA", SnowflakeOptions().schema},
              {"stage-url", "snowflake: stage URL prefix; the event name is appended", SnowflakeOptions().stage_url},
              {"storage-integration", "snowflake: storage integration", SnowflakeOptions().storage_integration},
              {"file-format", "snowflake: file format (default SCHEMA.JSON_FILE_FORMAT)", ""},
              {"readonly-role", "snowflake: role granted SELECT on final tables", ""}},
    .make = [](const std::map<std::string, std::string>& flags) {
      return std::unique_ptr<Dialect>(new SnowflakeDialect(FromFlags(flags)));
    },
});

}  // namespace

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
    selects.push_back(SnowflakeColumnValue(event, col) + " AS " + c);
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
  out += fmt::format("-- Final table (structured)\ncreate or replace TABLE {} ( {}{} );\n", fq, Join(col_defs, ", "),
                     keys.empty() ? "" : fmt::format(", primary key ({})", Join(keys, ", ")));
  if (!o.readonly_role.empty()) out += fmt::format("GRANT SELECT ON TABLE {} to ROLE {};\n", fq, o.readonly_role);
  out += "\n";

  std::string from = stream;
  if (event.flatten) from += fmt::format(", LATERAL FLATTEN(INPUT => {})", SnowflakePath(*event.flatten));
  if (event.append_only()) return out + SnowflakeAppendTask(event, o, fq, from, selects, insert_cols, keys, on);
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


std::string SnowflakeDialect::CatalogDdl(const Catalog& catalog) const {
  std::string out;
  for (size_t i = 0; i < catalog.events.size(); ++i)
    out += (i ? "\n" : "") + SnowflakeObjects(catalog.events[i], options_);
  return out;
}

}  // namespace sluice
