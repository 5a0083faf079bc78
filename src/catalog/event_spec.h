// The catalog: what each business event type looks like and where it goes.
//
// An EventSpec is one entry under `events:` in sluice.yaml. It is plain data,
// checked by config/ (names, paths, key and version columns) before anything
// else sees it, so code downstream may rely on its invariants:
//   - every column name is a valid SQL identifier, unique within the event;
//   - `key` and `version` name columns of the event;
//   - paths relative to `item` appear only when `flatten` is set.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/column_type.h"
#include "catalog/path.h"

namespace sluice {

// Where a column's value comes from: the payload (at `path`), or sluice.
enum class ColumnSource : uint8_t {
  kPayload,
  kEventId,       // sluice_event_id: the event's id (merge/event_id.h)
  kElementIndex,  // sluice_item: the index of the flattened element
};

struct ColumnSpec {
  std::string name;  // SQL column name in the final table
  Path path;         // empty unless the source is the payload
  ColumnType type;
  ColumnSource source = ColumnSource::kPayload;
};

// The columns sluice adds to an append-only type with an id: its key.
inline constexpr const char* kEventIdColumn = "sluice_event_id";
inline constexpr const char* kElementIndexColumn = "sluice_item";

struct EventSpec {
  std::string name;   // the business event's name, e.g. "Accounting"
  std::string table;  // final table; staging is `<table>_stg`
  std::optional<Path> flatten;
  // Column names, in primary-key order. Empty for an append-only type
  // without id: every row is kept. An append-only type with an id gets
  // sluice_event_id (and sluice_item with flatten) as its key.
  std::vector<std::string> key;
  std::string version;  // column name: newest version wins; empty for an append-only type (first delivery wins)
  std::optional<Path> tenant;    // partitions landed files
  // Paths (in the event, not the element) whose values identify one event:
  // the handle corrections, dedupe and replay use. Empty: events have no id.
  std::vector<Path> id;
  std::vector<ColumnSpec> columns;
  // events.<name>.indexes: extra indexes of the final table, each a list of
  // its columns (what models' incremental filters and queries look up by).
  std::vector<std::vector<std::string>> indexes;
  // Its built-in tasks. The merge runs continuously after each load
  // unless `merge_schedule` is set; retention 0 keeps everything.
  std::string merge_schedule;             // events.<name>.merge.every: a cron or interval schedule
  int64_t staging_retention_micros = 0;   // merged staging rows older than this are deleted
  int64_t landing_retention_micros = 0;   // loaded landed files older than this are deleted

  std::string staging_table() const { return table + "_stg"; }
  // Index of the named column in `columns`, or -1.
  int ColumnIndex(std::string_view column) const;
  std::vector<int> KeyIndexes() const;
  int VersionIndex() const { return version.empty() ? -1 : ColumnIndex(version); }
  // No key in the catalog: an event log, one row per event (or element).
  bool append_only() const { return version.empty(); }
};

struct Catalog {
  std::vector<EventSpec> events;

  const EventSpec* Find(std::string_view event_name) const;
};

}  // namespace sluice
