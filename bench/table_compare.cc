#include "table_compare.h"

#include "bench_db.h"
#include "base/text.h"

namespace sluice::bench {

Result<TableComparison> CompareFinalTables(const EventSpec& event, const std::string& left_db,
                                           const std::string& right_db) {
  ASSIGN_OR_RETURN(BenchDb db, BenchDb::Open(left_db, false));
  {
    Statement attach;
    RETURN_IF_ERROR(attach.Prepare(db, "ATTACH ? AS other"));
    sqlite3_bind_text(attach.get(), 1, right_db.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(attach.get()) != SQLITE_DONE) return db.Error("attach " + right_db);
  }
  const std::string table = QuoteIdent(event.table);
  std::string on, same, key_text;
  for (const auto& k : event.key) {
    on += fmt::format("{}a.{} = b.{}", on.empty() ? "" : " AND ", QuoteIdent(k), QuoteIdent(k));
    key_text += fmt::format("{}a.{}", key_text.empty() ? "" : " || ' / ' || ", QuoteIdent(k));
  }
  for (const auto& c : event.columns)
    same += fmt::format("{}a.{} IS b.{}", same.empty() ? "" : " AND ", QuoteIdent(c.name), QuoteIdent(c.name));

  TableComparison result;
  ASSIGN_OR_RETURN(result.left_rows, db.QueryInt(fmt::format("SELECT count(*) FROM main.{}", table)));
  ASSIGN_OR_RETURN(result.right_rows, db.QueryInt(fmt::format("SELECT count(*) FROM other.{}", table)));
  ASSIGN_OR_RETURN(result.equal_rows,
                   db.QueryInt(fmt::format("SELECT count(*) FROM main.{} a JOIN other.{} b ON {} WHERE {}", table,
                                           table, on, same)));
  if (!result.identical()) {
    Statement sample;
    RETURN_IF_ERROR(sample.Prepare(
        db, fmt::format("SELECT {} FROM main.{} a LEFT JOIN other.{} b ON {} WHERE NOT ({}) LIMIT 3", key_text,
                        table, table, on, same)));
    while (sqlite3_step(sample.get()) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(sample.get(), 0);
      result.differences.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
  }
  return result;
}

}  // namespace sluice::bench
