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

 protected:
  std::string FinalTableOptions(const TableDef& table) const override;
};

}  // namespace sluice
