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

struct ColumnSpec {
  std::string name;  // SQL column name in the final table
  Path path;
  ColumnType type;
};

struct EventSpec {
  std::string name;   // the business event's name, e.g. "Accounting"
  std::string table;  // final table; staging is `<table>_stg`
  std::optional<Path> flatten;
  std::vector<std::string> key;  // column names, in primary-key order
  std::string version;           // column name: newest version wins
  std::optional<Path> tenant;    // partitions landed files
  std::vector<ColumnSpec> columns;
  // Its built-in tasks (issue 5). The merge runs continuously after each load
  // unless `merge_schedule` is set; retention 0 keeps everything.
  std::string merge_schedule;             // events.<name>.merge.every: a cron or interval schedule
  int64_t staging_retention_micros = 0;   // merged staging rows older than this are deleted
  int64_t landing_retention_micros = 0;   // loaded landed files older than this are deleted

  std::string staging_table() const { return table + "_stg"; }
  // Index of the named column in `columns`, or -1.
  int ColumnIndex(std::string_view column) const;
  std::vector<int> KeyIndexes() const;
  int VersionIndex() const { return ColumnIndex(version); }
};

struct Catalog {
  std::vector<EventSpec> events;

  const EventSpec* Find(std::string_view event_name) const;
};

}  // namespace sluice
