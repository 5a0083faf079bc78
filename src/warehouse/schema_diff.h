// Judging a catalog change against what a final table was created from
// (sluice_columns), the same way on every backend: new columns are added; a
// dropped column, a changed type or a changed key would lose or corrupt data
// and is refused with a message naming each one.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"

namespace sluice {

struct AppliedColumn {
  std::string type;      // ColumnType::ToString() when it was applied
  int key_position = 0;  // 1-based position in the primary key; 0: not a key column
  bool operator==(const AppliedColumn&) const = default;
};

// 1-based position of `column` in the event's key; 0 when not a key column.
int KeyPosition(const EventSpec& event, const std::string& column);

// The event's columns as sluice_columns would record them.
std::map<std::string, AppliedColumn> WantedColumns(const EventSpec& event);

// Compares the catalog's `event` with `applied` (non-empty: the table
// exists). Appends a message per refused change to *refusals; returns the
// columns to add, in catalog order (empty when anything was refused).
std::vector<const ColumnSpec*> ColumnsToAdd(const EventSpec& event, const std::map<std::string, AppliedColumn>& applied,
                                            std::vector<std::string>* refusals);

// The refusals, one per line, as one InvalidArgument; Ok when there are none.
Status RefusalStatus(const std::vector<std::string>& refusals);

// "table 'x' of event 'X' already exists but was not created by sluice; …"
std::string ForeignTableRefusal(const EventSpec& event);

}  // namespace sluice
