#include "warehouse/sqlite/sqlite_dialect.h"

#include <fmt/format.h>

#include "base/text.h"

namespace sluice {

std::string SqliteDialect::TypeName(const ColumnType& type) const {
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

std::string SqliteDialect::TypeName(SystemType type) const {
  switch (type) {
    case SystemType::kText: return "TEXT";
    case SystemType::kInteger: return "INTEGER";
    case SystemType::kBigInt: return "INTEGER";
    case SystemType::kTimestamp: return "TEXT";
    case SystemType::kJson: return "TEXT";
    case SystemType::kIdentity: return "INTEGER PRIMARY KEY AUTOINCREMENT";
  }
  return "TEXT";
}

std::string SqliteDialect::TableName(std::string_view table) const { return QuoteIdent(table); }

std::string SqliteDialect::FinalTableOptions(const TableDef& table) const {
  return table.primary_key.empty() ? "" : " WITHOUT ROWID";
}

}  // namespace sluice
