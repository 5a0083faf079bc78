#include "warehouse/table_def.h"

#include <fmt/format.h>

#include "base/digest.h"
#include "base/text.h"

namespace sluice {
namespace {

ColumnDef Col(std::string name, SystemType type, std::string comment = "") {
  return ColumnDef{std::move(name), type, false, std::nullopt, std::move(comment)};
}

ColumnDef NotNull(std::string name, SystemType type, std::string comment = "") {
  return ColumnDef{std::move(name), type, true, std::nullopt, std::move(comment)};
}

ColumnDef NotNullDefault(std::string name, SystemType type, std::string value, std::string comment = "") {
  return ColumnDef{std::move(name), type, true, std::move(value), std::move(comment)};
}

TableDef Table(std::string name, std::string comment, std::vector<ColumnDef> columns,
               std::vector<std::string> primary_key = {}, std::vector<IndexDef> indexes = {}) {
  TableDef table;
  table.name = std::move(name);
  table.comment = std::move(comment);
  table.columns = std::move(columns);
  table.primary_key = std::move(primary_key);
  table.indexes = std::move(indexes);
  return table;
}

// Who removed a correction, when and why: NULL while it is in force.
void AddRemoval(std::vector<ColumnDef>* columns) {
  columns->push_back(Col("removed_by", SystemType::kText, "NULL while in force"));
  columns->push_back(Col("removed_at", SystemType::kTimestamp));
  columns->push_back(Col("removed_reason", SystemType::kText));
}

std::vector<TableDef> MakeSystemTables() {
  using T = SystemType;
  std::vector<TableDef> tables;
  tables.push_back(Table("sluice_load_history",
                    "every file loaded, once",
                    {NotNull("path", T::kText, "the file as given to sluice load"),
                     NotNull("checksum", T::kText, "XXH3-128 of the uncompressed content"),
                     NotNull("event_type", T::kText), NotNull("rows", T::kBigInt), NotNull("errors", T::kBigInt),
                     NotNull("loaded_at", T::kTimestamp),
                     NotNull("landed_as", T::kText, "the permanent copy in the landing zone")},
                    {"event_type", "landed_as"},
                    {{"sluice_load_history_by_content", {"event_type", "checksum"}}}));
  tables.push_back(Table("sluice_load_errors",
                    "lines that did not load, and messages a source refused",
                    {NotNull("event_type", T::kText), NotNull("file", T::kText, "the file as given to sluice load"),
                     NotNull("line", T::kBigInt), Col("landed_as", T::kText, "its permanent copy in the landing zone"),
                     NotNull("error", T::kText), Col("raw", T::kText), NotNull("at", T::kTimestamp)}));
  tables.push_back(Table("sluice_merge_errors",
                    "values the merge rejected",
                    {NotNull("event_type", T::kText), NotNull("seq", T::kBigInt),
                     Col("item_index", T::kBigInt, "element of the flattened array; NULL without flatten"),
                     NotNull("column_name", T::kText), Col("value", T::kText), NotNull("error", T::kText),
                     NotNull("at", T::kTimestamp)}));
  tables.push_back(Table("sluice_streams",
                    "each staging table's merge position",
                    {NotNull("staging_table", T::kText), NotNull("event_type", T::kText),
                     NotNullDefault("position", T::kBigInt, "0", "seq of the last merged staging row"),
                     Col("merged_at", T::kTimestamp)},
                    {"staging_table"}));
  tables.push_back(Table("sluice_columns",
                    "the catalog as last applied",
                    {NotNull("table_name", T::kText), NotNull("column_name", T::kText), NotNull("type", T::kText),
                     Col("key_position", T::kInteger, "1-based position in the primary key; NULL if not a key column")},
                    {"table_name", "column_name"}));
  tables.push_back(Table("sluice_task_runs",
                    "every finished run of a task, and every skipped fire",
                    {Col("id", T::kIdentity), NotNull("task", T::kText),
                     NotNull("scheduled_for", T::kTimestamp, "the fire time (or when `sluice tasks run` asked)"),
                     Col("started", T::kTimestamp, "NULL for a skipped fire"), Col("finished", T::kTimestamp),
                     NotNull("status", T::kText, "succeeded, failed or skipped"),
                     Col("rows", T::kBigInt, "rows the task changed"), Col("error", T::kText),
                     NotNullDefault("attempts", T::kInteger, "0")},
                    {},
                    {{"sluice_task_runs_by_task", {"task", "id"}}}));
  tables.push_back(Table("sluice_task_state",
                    "what `sluice tasks suspend|resume` persisted",
                    {NotNull("task", T::kText), NotNullDefault("suspended", T::kInteger, "0"),
                     Col("changed_at", T::kTimestamp)},
                    {"task"}));
  TableDef exceptions = Table("sluice_exceptions",
                      "corrected copies of events (sluice exceptions add)",
                      {Col("id", T::kIdentity), NotNull("event_type", T::kText),
                       NotNull("event_id", T::kText, "the values of the event's id: paths (one, or a JSON array)"),
                       NotNull("payload", T::kJson, "the corrected event, which replaces every delivery of the id"),
                       Col("arrived_after", T::kBigInt,
                           "a backfill (its event was never delivered) arrives after this staging seq"),
                       NotNull("reason", T::kText), NotNull("added_by", T::kText), NotNull("added_at", T::kTimestamp)},
                      {},
                      {{"sluice_exceptions_by_event", {"event_type", "event_id"}}});
  AddRemoval(&exceptions.columns);
  tables.push_back(std::move(exceptions));
  TableDef exclusions = Table("sluice_exclusions",
                      "events removed from the final tables (sluice exclusions add)",
                      {Col("id", T::kIdentity), NotNull("event_type", T::kText), NotNull("event_id", T::kText),
                       Col("seq", T::kBigInt,
                           "one delivery only (staging seq), as dedupe excludes; NULL: every delivery"),
                       Col("delivery", T::kText, "that delivery's landed file and line, LANDED_AS:LINE"),
                       NotNull("reason", T::kText), NotNull("added_by", T::kText), NotNull("added_at", T::kTimestamp)},
                      {},
                      {{"sluice_exclusions_by_event", {"event_type", "event_id"}}});
  AddRemoval(&exclusions.columns);
  tables.push_back(std::move(exclusions));
  tables.push_back(Table("sluice_corrections_pending",
                    "ids whose corrections changed since the last merge",
                    {Col("change", T::kIdentity), NotNull("event_type", T::kText), NotNull("event_id", T::kText)}));
  tables.push_back(Table("sluice_load_error_fixes",
                    "lines that failed to load, fixed (sluice load-errors import)",
                    {NotNull("event_type", T::kText),
                     NotNull("landed_as", T::kText,
                             "the line's landed file and line number, as in sluice_load_errors"),
                     NotNull("line", T::kBigInt), NotNull("payload", T::kText, "the fixed line"),
                     NotNull("imported_by", T::kText), NotNull("imported_at", T::kTimestamp),
                     Col("replayed_at", T::kTimestamp, "NULL until sluice replay --load-errors loads it")}));
  tables.push_back(Table("sluice_model_runs",
                         "every node `sluice models` ran, as it finished",
                         {Col("id", T::kIdentity), NotNull("invocation", T::kText, "one id per command or scheduled build"),
                          NotNull("model", T::kText, "the node's id: model.PROJECT.NAME, seed.…, test.…"),
                          NotNull("status", T::kText, "success, error or skipped; tests: pass, warn, fail or error"),
                          Col("started", T::kTimestamp), Col("finished", T::kTimestamp),
                          Col("rows", T::kBigInt, "rows built, or a test's failing rows"), Col("error", T::kText),
                          Col("sql_hash", T::kText, "XXH3 of the compiled SQL")},
                         {},
                         {{"sluice_model_runs_by_model", {"model", "id"}}}));
  return tables;
}

// What a column is read from, for the DDL's comments.
std::string ColumnOrigin(const ColumnSpec& col) {
  switch (col.source) {
    case ColumnSource::kPayload: return col.path.text;
    case ColumnSource::kEventId: return "the event's id (sluice)";
    case ColumnSource::kElementIndex: return "the element's index (sluice)";
  }
  return col.path.text;
}

}  // namespace

const std::vector<TableDef>& SystemTables() {
  static const std::vector<TableDef> kTables = MakeSystemTables();
  return kTables;
}

TableDef FinalTableDef(const EventSpec& event) {
  TableDef table;
  table.name = event.table;
  table.comment = fmt::format("{}: the final table", event.name);
  table.final_table = true;
  for (const auto& col : event.columns)
    table.columns.push_back(ColumnDef{col.name, col.type, false, std::nullopt,
                                      fmt::format("{} from {}", col.type.ToString(), ColumnOrigin(col))});
  table.primary_key = event.key;
  for (const auto& columns : event.indexes) {
    // Index names share the schema's namespace and PostgreSQL's 63 bytes.
    std::string name = fmt::format("{}_by_{}", event.table, Join(columns, "_"));
    if (name.size() > 63) name = fmt::format("{}_by_{}", event.table.substr(0, 40), Xxh3Hex(Join(columns, ",")));
    table.indexes.push_back(IndexDef{name, columns});
  }
  return table;
}

TableDef StagingTableDef(const EventSpec& event) {
  using T = SystemType;
  return Table(event.staging_table(),
                  fmt::format("{}: the raw events, in arrival order", event.name),
                  {Col("seq", T::kIdentity, "arrival order, never reused"),
                   NotNull("payload", T::kJson, "the raw JSON line"),
                   NotNull("source", T::kText, "the landed file it came from"), NotNull("line", T::kBigInt),
                   NotNull("loaded_at", T::kTimestamp)});
}

}  // namespace sluice
