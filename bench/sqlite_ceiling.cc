#include "sqlite_ceiling.h"

#include <algorithm>
#include <vector>

#include "bench_db.h"
#include "base/text.h"
#include "warehouse/sqlite/sqlite_dialect.h"
#include "phase_meter.h"

namespace sluice::bench {

Result<CeilingResult> RunSqliteCeiling(const EventSpec& event, const CastRows& rows, const std::string& db_path) {
  std::vector<int> field_of_column;
  std::string names, params, sets, keys;
  for (const auto& col : event.columns) {
    const int field = FieldForColumn(col.name);
    if (field < 0)
      return Status::InvalidArgument(fmt::format("the ceiling has no values for column '{}' of {}", col.name,
                                                 event.name));
    field_of_column.push_back(field);
    const std::string name = QuoteIdent(col.name);
    names += (names.empty() ? "" : ", ") + name;
    params += params.empty() ? "?" : ", ?";
    if (std::find(event.key.begin(), event.key.end(), col.name) == event.key.end())
      sets += fmt::format("{}{} = excluded.{}", sets.empty() ? "" : ", ", name, name);
  }
  for (const auto& k : event.key) keys += (keys.empty() ? "" : ", ") + QuoteIdent(k);
  const std::string table = QuoteIdent(event.table), version = QuoteIdent(event.version);
  const std::string upsert = fmt::format(
      "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {} WHERE excluded.{} > {}.{}", table, names,
      params, keys, sets, version, table, version);

  ASSIGN_OR_RETURN(BenchDb db, BenchDb::Open(db_path, true));
  RETURN_IF_ERROR(db.Exec(SqliteDialect().CreateTable(FinalTableDef(event))));
  Statement stmt;
  RETURN_IF_ERROR(stmt.Prepare(db, upsert));
  const int amount = static_cast<int>(FinalField::kAmount);

  CeilingResult result;
  PhaseMeter meter;
  RETURN_IF_ERROR(db.Exec("BEGIN"));
  for (size_t r = 0; r < rows.rows(); ++r) {
    for (size_t c = 0; c < field_of_column.size(); ++c) {
      const int field = field_of_column[c];
      const int param = static_cast<int>(c) + 1;
      if (field == amount) {
        sqlite3_bind_double(stmt.get(), param, rows.Amount(r));
      } else {
        const std::string_view text = rows.Text(r, field);
        sqlite3_bind_text(stmt.get(), param, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
      }
    }
    if (sqlite3_step(stmt.get()) != SQLITE_DONE) return db.Error("upsert");
    sqlite3_reset(stmt.get());
  }
  RETURN_IF_ERROR(db.Exec("COMMIT"));
  result.loop = meter.Stop();
  result.upserts = static_cast<int64_t>(rows.rows());
  ASSIGN_OR_RETURN(result.final_rows, db.QueryInt(fmt::format("SELECT count(*) FROM {}", table)));
  return result;
}

}  // namespace sluice::bench
