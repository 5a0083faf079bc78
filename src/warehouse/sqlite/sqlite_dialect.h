// SQLite's spelling of sluice's tables.
//
// Types are chosen for the affinity each value needs: number(p,s) is REAL
// (SQLite has no exact decimal), timestamps and dates are fixed-width text
// (so text order is time order), sluice's own timestamps TEXT. A final
// table with a key is WITHOUT ROWID: its rows are stored in key order, which
// is how the merge finds them.
#pragma once

#include "warehouse/dialect.h"

namespace sluice {

class SqliteDialect final : public SqlDialect {
 public:
  std::string TypeName(const ColumnType& type) const override;
  std::string TypeName(SystemType type) const override;
  std::string TableName(std::string_view table) const override;
  Result<std::string> DateTrunc(std::string_view part, std::string_view expr) const override;
  Result<std::string> DateAdd(std::string_view part, std::string_view amount, std::string_view expr) const override;
  Result<std::string> DateDiff(std::string_view first, std::string_view second, std::string_view part) const override;
  std::string Hash(std::string_view expr) const override;
  std::string SafeCast(std::string_view expr, std::string_view type) const override;
  std::string CurrentTimestamp() const override;
  std::string TypeString() const override;
  std::string TypeInt() const override;
  std::string TypeNumeric() const override;
  std::string TypeTimestamp() const override;

 protected:
  std::string FinalTableOptions(const TableDef& table) const override;
};

}  // namespace sluice
