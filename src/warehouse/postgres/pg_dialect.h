// PostgreSQL's spelling of sluice's tables: native types (numeric(p,s),
// timestamp, varchar(n), bigint, boolean, date, jsonb), every table in the
// warehouse's schema.
#pragma once

#include <string>

#include "warehouse/dialect.h"

namespace sluice {

class PgDialect final : public SqlDialect {
 public:
  explicit PgDialect(std::string schema) : schema_(std::move(schema)) {}

  std::string TypeName(const ColumnType& type) const override;
  std::string TypeName(SystemType type) const override;
  std::string TableName(std::string_view table) const override;
  std::string Preamble() const override;

 private:
  std::string schema_;
};

}  // namespace sluice
