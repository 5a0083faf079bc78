#include "warehouse/postgres/pg_dialect.h"

#include <fmt/format.h>

#include "base/text.h"

namespace sluice {

std::string PgDialect::TypeName(const ColumnType& type) const {
  switch (type.kind) {
    case TypeKind::kString: return "text";
    case TypeKind::kVarchar: return fmt::format("varchar({})", type.length);
    case TypeKind::kInt: return "bigint";
    case TypeKind::kDecimal: return fmt::format("numeric({},{})", type.precision, type.scale);
    case TypeKind::kDouble: return "double precision";
    case TypeKind::kBoolean: return "boolean";
    case TypeKind::kDate: return "date";
    case TypeKind::kTimestamp: return "timestamp";
    case TypeKind::kJson: return "jsonb";
  }
  return "text";
}

std::string PgDialect::TypeName(SystemType type) const {
  switch (type) {
    case SystemType::kText: return "text";
    case SystemType::kInteger: return "integer";
    case SystemType::kBigInt: return "bigint";
    case SystemType::kTimestamp: return "timestamp";
    case SystemType::kJson: return "jsonb";
    case SystemType::kIdentity: return "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  }
  return "text";
}

std::string PgDialect::TableName(std::string_view table) const {
  return QuoteIdent(schema_) + "." + QuoteIdent(table);
}

std::string PgDialect::Preamble() const {
  return fmt::format("CREATE SCHEMA IF NOT EXISTS {};\n", QuoteIdent(schema_));
}

}  // namespace sluice
