// How a backend spells sluice's tables (table_def.h) in its SQL, and what
// `sluice ddl --dialect NAME` prints. Each backend's folder has its dialect;
// a dialect may also stand alone (snowflake: DDL for a team that keeps its
// warehouse elsewhere). Dialects are immutable: thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

#include "catalog/event_spec.h"
#include "warehouse/table_def.h"

namespace sluice {

class Dialect {
 public:
  virtual ~Dialect() = default;
  // Everything sluice would create for `catalog`, as SQL text.
  virtual std::string CatalogDdl(const Catalog& catalog) const = 0;
};

// The dialect of a warehouse sluice runs itself: its DDL is rendered from
// the table descriptions, the same way for every backend, from the few
// things a backend spells its own way.
class SqlDialect : public Dialect {
 public:
  // An event column's type, e.g. numeric(9,2).
  virtual std::string TypeName(const ColumnType& type) const = 0;
  // One of sluice's own column types; for kIdentity, everything that
  // follows the column's name (the column is the table's key).
  virtual std::string TypeName(SystemType type) const = 0;
  // `table` as statements write it: quoted, qualified where the backend has schemas.
  virtual std::string TableName(std::string_view table) const = 0;
  // What comes before every table, e.g. a CREATE SCHEMA; ends with a newline or is empty.
  virtual std::string Preamble() const { return ""; }

  // dbt's cross-database macros (`dbt.date_trunc(…)` in a model), spelled
  // for this warehouse. Arguments are SQL expressions; `part` is a date part
  // name: year, quarter, month, week (weeks start on Monday), day, hour,
  // minute, second (InvalidArgument for another). Timestamps are written as
  // the warehouse stores them, so results compare with stored values.
  virtual Result<std::string> DateTrunc(std::string_view part, std::string_view expr) const = 0;
  virtual Result<std::string> DateAdd(std::string_view part, std::string_view amount, std::string_view expr) const = 0;
  // The number of `part` boundaries between `first` and `second` (second − first).
  virtual Result<std::string> DateDiff(std::string_view first, std::string_view second, std::string_view part) const = 0;
  // An md5 hex digest of the expression's text.
  virtual std::string Hash(std::string_view expr) const = 0;
  virtual std::string SafeCast(std::string_view expr, std::string_view type) const = 0;
  virtual std::string CurrentTimestamp() const = 0;
  // The type names dbt.type_string() … give.
  virtual std::string TypeString() const = 0;
  virtual std::string TypeInt() const = 0;
  virtual std::string TypeNumeric() const = 0;
  virtual std::string TypeTimestamp() const = 0;
  // Whether the warehouse takes WITH name AS (…) before a SELECT; without
  // it, a model's ephemeral models are inlined as subqueries.
  virtual bool HasCtes() const { return true; }
  // `a || b || …` (every backend sluice has spells it so).
  std::string Concat(const std::vector<std::string>& exprs) const;

  // CREATE TABLE IF NOT EXISTS, with the table's comment as a line before it.
  std::string CreateTable(const TableDef& table) const;
  // CREATE INDEX IF NOT EXISTS, one line per index.
  std::string CreateIndexes(const TableDef& table) const;
  std::string AddColumn(const TableDef& table, const ColumnDef& column) const;
  // Preamble, sluice's own tables, then each event type's final and staging tables.
  std::string CatalogDdl(const Catalog& catalog) const override;

 protected:
  // Added after a final table's closing parenthesis (SQLite: WITHOUT ROWID).
  virtual std::string FinalTableOptions(const TableDef& /*table*/) const { return ""; }

 private:
  std::string ColumnClause(const TableDef& table, const ColumnDef& column) const;
};

}  // namespace sluice
