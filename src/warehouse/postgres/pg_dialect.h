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

  const std::string& schema() const { return schema_; }
  std::string TypeName(const ColumnType& type) const override;
  std::string TypeName(SystemType type) const override;
  std::string TableName(std::string_view table) const override;
  std::string Preamble() const override;
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

 private:
  std::string schema_;
};

}  // namespace sluice
