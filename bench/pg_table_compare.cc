#include "pg_table_compare.h"

#include "base/text.h"

namespace sluice::bench {

Result<TableComparison> ComparePgTables(PgDb& db, const EventSpec& event, const std::string& left_schema,
                                        const std::string& right_schema) {
  std::string cols, key_text;
  for (const auto& c : event.columns) cols += (cols.empty() ? "" : ", ") + QuoteIdent(c.name);
  for (const auto& k : event.key) key_text += (key_text.empty() ? "" : " || ' / ' || ") + QuoteIdent(k);
  const auto table = [&](const std::string& schema) { return QuoteIdent(schema) + "." + QuoteIdent(event.table); };
  // The rows of `a` that `b` does not have, as many times as they are missing.
  const auto only_in = [&](const std::string& a, const std::string& b) {
    return fmt::format("(SELECT {0} FROM {1} EXCEPT ALL SELECT {0} FROM {2}) AS d", cols, table(a), table(b));
  };

  TableComparison result;
  ASSIGN_OR_RETURN(result.left_rows, db.QueryInt(fmt::format("SELECT count(*) FROM {}", table(left_schema))));
  ASSIGN_OR_RETURN(result.right_rows, db.QueryInt(fmt::format("SELECT count(*) FROM {}", table(right_schema))));
  ASSIGN_OR_RETURN(int64_t left_only,
                   db.QueryInt(fmt::format("SELECT count(*) FROM {}", only_in(left_schema, right_schema))));
  ASSIGN_OR_RETURN(int64_t right_only,
                   db.QueryInt(fmt::format("SELECT count(*) FROM {}", only_in(right_schema, left_schema))));
  result.equal_rows = result.left_rows - left_only;
  if (left_only == 0 && right_only == 0) return result;
  for (const auto& [a, b] : {std::pair(left_schema, right_schema), std::pair(right_schema, left_schema)}) {
    ASSIGN_OR_RETURN(std::vector<std::string> keys,
                     db.QueryTexts(fmt::format("SELECT {} FROM {} LIMIT 3", key_text, only_in(a, b))));
    for (const auto& k : keys) result.differences.push_back(fmt::format("{} (only in {})", k, a));
  }
  return result;
}

}  // namespace sluice::bench
