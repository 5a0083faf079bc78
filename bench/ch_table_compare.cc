#include "ch_table_compare.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "base/text.h"
#include "bench_db.h"
#include "warehouse/clickhouse/ch_tsv.h"

namespace sluice::bench {
namespace {

constexpr size_t kDifferencesShown = 6;

std::optional<std::string> SqliteText(sqlite3_stmt* s, int i) {
  if (sqlite3_column_type(s, i) == SQLITE_NULL) return std::nullopt;
  const unsigned char* t = sqlite3_column_text(s, i);
  return std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s, i)));
}

// Orders one key column's values as both engines do: integers as numbers,
// everything else byte by byte (ClickHouse's String and SQLite's BINARY).
int CompareKeyValue(const ColumnType& type, const std::string& ch, sqlite3_stmt* s, int i) {
  if (type.kind == TypeKind::kInt) {
    const long long a = std::strtoll(ch.c_str(), nullptr, 10);
    const long long b = sqlite3_column_int64(s, i);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const std::optional<std::string> b = SqliteText(s, i);
  const int c = ch.compare(b.value_or(""));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

bool SameValue(const ColumnType& type, const std::optional<std::string>& ch, sqlite3_stmt* s, int i) {
  const bool sqlite_null = sqlite3_column_type(s, i) == SQLITE_NULL;
  if (!ch || sqlite_null) return !ch && sqlite_null;
  switch (type.kind) {
    case TypeKind::kDecimal: {
      const double unit = std::pow(10.0, type.scale);
      return std::llround(std::strtod(ch->c_str(), nullptr) * unit) == std::llround(sqlite3_column_double(s, i) * unit);
    }
    case TypeKind::kDouble: {
      const double a = std::strtod(ch->c_str(), nullptr), b = sqlite3_column_double(s, i);
      return a == b || std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
    }
    case TypeKind::kInt:
    case TypeKind::kBoolean: return std::strtoll(ch->c_str(), nullptr, 10) == sqlite3_column_int64(s, i);
    default: return *ch == SqliteText(s, i);
  }
}

}  // namespace

Result<TableComparison> CompareChWithSqlite(ChDb& db, const std::string& database, const EventSpec& event,
                                            const std::string& sqlite_path) {
  std::vector<std::string> ch_cols, sqlite_cols, ch_key, sqlite_key;
  std::vector<int> key_at;  // each key column's place among the columns
  for (const auto& c : event.columns) {
    ch_cols.push_back(ChIdent(c.name));
    sqlite_cols.push_back(QuoteIdent(c.name));
  }
  for (const auto& k : event.key) {
    const auto it =
        std::find_if(event.columns.begin(), event.columns.end(), [&](const auto& c) { return c.name == k; });
    if (it == event.columns.end()) return Status::InvalidArgument(fmt::format("key column {} is not a column", k));
    key_at.push_back(static_cast<int>(it - event.columns.begin()));
    ch_key.push_back(ChIdent(k));
    sqlite_key.push_back(QuoteIdent(k));
  }
  if (key_at.empty()) return Status::InvalidArgument(fmt::format("{} has no key to compare rows by", event.name));

  ASSIGN_OR_RETURN(BenchDb sqlite, BenchDb::Open(sqlite_path, false));
  Statement stmt;
  RETURN_IF_ERROR(stmt.Prepare(sqlite, fmt::format("SELECT {} FROM {} ORDER BY {}", Join(sqlite_cols, ", "),
                                                   QuoteIdent(event.table), Join(sqlite_key, ", "))));
  sqlite3_stmt* s = stmt.get();
  const auto step = [&]() -> Result<bool> {
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return sqlite.Error("reading " + event.table);
  };
  const auto sqlite_key_text = [&] {
    std::string t;
    for (int i : key_at) t += (t.empty() ? "" : " / ") + SqliteText(s, i).value_or("NULL");
    return t;
  };

  TableComparison r;
  const auto note = [&](std::string what) {
    if (r.differences.size() < kDifferencesShown) r.differences.push_back(std::move(what));
  };
  ASSIGN_OR_RETURN(bool sqlite_has, step());
  const size_t width = event.columns.size();
  TsvRows rows([&](const TsvRows::Row& ch) -> Status {
    if (ch.size() != width)
      return Status::Internal(fmt::format("a row of {} fields from ClickHouse, not {}", ch.size(), width));
    ++r.left_rows;
    std::string ch_key_text;
    for (int i : key_at)
      ch_key_text += (ch_key_text.empty() ? "" : " / ") + ch[static_cast<size_t>(i)].value_or("NULL");
    while (sqlite_has) {
      int c = 0;
      for (size_t k = 0; k < key_at.size() && c == 0; ++k) {
        const int i = key_at[k];
        c = CompareKeyValue(event.columns[static_cast<size_t>(i)].type, ch[static_cast<size_t>(i)].value_or(""), s, i);
      }
      if (c < 0) break;  // SQLite is past this key: the row is ClickHouse's only
      ++r.right_rows;
      if (c > 0) {
        note(sqlite_key_text() + " (only in SQLite)");
      } else {
        bool same = true;
        for (size_t i = 0; i < width && same; ++i)
          same = SameValue(event.columns[i].type, ch[i], s, static_cast<int>(i));
        if (same) ++r.equal_rows;
        else note(ch_key_text + " (the rows differ)");
      }
      ASSIGN_OR_RETURN(sqlite_has, step());
      if (c == 0) return Status::Ok();
    }
    note(ch_key_text + " (only in ClickHouse)");
    return Status::Ok();
  });
  RETURN_IF_ERROR(db.Stream(fmt::format("SELECT {} FROM {}.{} ORDER BY {} FORMAT TabSeparated", Join(ch_cols, ", "),
                                        ChIdent(database), ChIdent(event.table), Join(ch_key, ", ")),
                            [&](std::string_view bytes) { return rows.Feed(bytes); }));
  RETURN_IF_ERROR(rows.Finish());
  while (sqlite_has) {
    ++r.right_rows;
    note(sqlite_key_text() + " (only in SQLite)");
    ASSIGN_OR_RETURN(sqlite_has, step());
  }
  return r;
}

}  // namespace sluice::bench
