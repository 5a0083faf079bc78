// sluice's tables, described once, for every backend's Dialect to render:
// its own tables (sluice_load_history …), and each event type's staging and
// final tables. A description says what a column holds (a portable type, or
// the catalog's type for an event's column), not how a backend spells it.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "catalog/column_type.h"
#include "catalog/event_spec.h"

namespace sluice {

// The types of sluice's own columns.
enum class SystemType {
  kText,
  kInteger,    // small counts and flags (32 bits are plenty)
  kBigInt,     // seqs, line numbers, row counts
  kTimestamp,  // UTC, microseconds
  kJson,       // a JSON document (an event)
  kIdentity,   // a 64-bit number the table assigns, ascending, never reused; the table's key
};

struct ColumnDef {
  std::string name;
  std::variant<SystemType, ColumnType> type;  // sluice's own column, or an event's (catalog) column
  bool not_null = false;
  std::optional<std::string> default_value;  // an SQL literal every backend reads the same ("0")
  std::string comment;
};

struct IndexDef {
  std::string name;
  std::vector<std::string> columns;
};

struct TableDef {
  std::string name;
  std::string comment;
  std::vector<ColumnDef> columns;
  std::vector<std::string> primary_key;  // empty: none besides an identity column
  std::vector<IndexDef> indexes;
  // An event's final table: its column names are the user's (quoted when
  // rendered), and its rows are best stored in key order where a backend
  // can (SQLite's WITHOUT ROWID).
  bool final_table = false;
};

// sluice's own tables, in the order they are created.
const std::vector<TableDef>& SystemTables();

// The event type's final table: its catalog columns, keyed by its key.
TableDef FinalTableDef(const EventSpec& event);

// The event type's staging table: the raw events in arrival order.
TableDef StagingTableDef(const EventSpec& event);

}  // namespace sluice
