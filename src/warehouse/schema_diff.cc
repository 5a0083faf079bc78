#include "warehouse/schema_diff.h"

#include <fmt/format.h>

namespace sluice {

int KeyPosition(const EventSpec& event, const std::string& column) {
  for (size_t i = 0; i < event.key.size(); ++i)
    if (event.key[i] == column) return static_cast<int>(i) + 1;
  return 0;
}

std::map<std::string, AppliedColumn> WantedColumns(const EventSpec& event) {
  std::map<std::string, AppliedColumn> wanted;
  for (const auto& col : event.columns) wanted[col.name] = {col.type.ToString(), KeyPosition(event, col.name)};
  return wanted;
}

std::vector<const ColumnSpec*> ColumnsToAdd(const EventSpec& event, const std::map<std::string, AppliedColumn>& applied,
                                            std::vector<std::string>* refusals) {
  const size_t refused_before = refusals->size();
  for (const auto& [name, was] : applied) {
    if (event.ColumnIndex(name) < 0)
      refusals->push_back(fmt::format("column '{}' of table '{}' is no longer in the catalog; sluice does not drop "
                                      "columns (that would lose data): put it back, or drop it yourself",
                                      name, event.table));
  }
  for (const auto& col : event.columns) {
    auto it = applied.find(col.name);
    if (it == applied.end()) continue;
    if (it->second.type != col.type.ToString())
      refusals->push_back(fmt::format("column '{}' of table '{}' changed type from {} to {}; sluice does not "
                                      "change column types (stored values may not fit)",
                                      col.name, event.table, it->second.type, col.type.ToString()));
    if (it->second.key_position != KeyPosition(event, col.name))
      refusals->push_back(fmt::format("the key of table '{}' changed (column '{}'); sluice does not change primary "
                                      "keys (rows would collide or split): use a new table name",
                                      event.table, col.name));
  }
  for (const auto& col : event.columns) {
    if (applied.count(col.name) || KeyPosition(event, col.name) == 0) continue;
    // A new column that is part of the key is a key change.
    refusals->push_back(fmt::format("the key of table '{}' changed (column '{}' added to it); sluice does not "
                                    "change primary keys: use a new table name", event.table, col.name));
  }
  std::vector<const ColumnSpec*> to_add;
  if (refusals->size() != refused_before) return to_add;
  for (const auto& col : event.columns)
    if (!applied.count(col.name)) to_add.push_back(&col);
  return to_add;
}

Status RefusalStatus(const std::vector<std::string>& refusals) {
  if (refusals.empty()) return Status::Ok();
  std::string all;
  for (const auto& r : refusals) all += (all.empty() ? "" : "\n") + r;
  return Status::InvalidArgument(all);
}

std::string ForeignTableRefusal(const EventSpec& event) {
  return fmt::format("table '{}' of event '{}' already exists but was not created by sluice; "
                     "rename the table in the catalog or drop the existing one",
                     event.table, event.name);
}

}  // namespace sluice
