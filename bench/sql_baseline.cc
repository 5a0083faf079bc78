#include "sql_baseline.h"
#include "base/text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "bench_db.h"
#include "base/text.h"
#include "warehouse/sqlite/sqlite_dialect.h"
#include "phase_meter.h"

namespace sluice::bench {
namespace {


// A catalog path as a SQLite JSON path: Customer."Zip Code"[0] → $.Customer."Zip Code"[0]
std::string JsonPath(const Path& path) {
  std::string out = "$";
  for (const auto& seg : path.segments) {
    if (seg.is_index) {
      out += fmt::format("[{}]", seg.index);
      continue;
    }
    const bool plain = !seg.field.empty() && std::all_of(seg.field.begin(), seg.field.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '_';
    });
    out += plain ? "." + seg.field : ".\"" + seg.field + "\"";
  }
  return out;
}

std::string Extract(const Path& path) {
  const char* doc = path.relative_to_item ? "item.value" : "stg.payload";
  if (path.relative_to_item && path.segments.empty()) return doc;
  return fmt::format("json_extract({}, {})", doc, SqlLiteral(JsonPath(path)));
}

std::string CastExpression(const ColumnSpec& col) {
  const std::string v = Extract(col.path);
  switch (col.type.kind) {
    case TypeKind::kInt: return fmt::format("CAST({} AS INTEGER)", v);
    case TypeKind::kDecimal: return fmt::format("ROUND(CAST({} AS REAL), {})", v, col.type.scale);
    case TypeKind::kDouble: return fmt::format("CAST({} AS REAL)", v);
    case TypeKind::kDate: return fmt::format("date({})", v);
    // sluice writes "YYYY-MM-DD HH:MM:SS.ffffff" in UTC; strftime converts
    // offsets to UTC but stops at milliseconds.
    case TypeKind::kTimestamp: return fmt::format("strftime('%Y-%m-%d %H:%M:%f', {}) || '000'", v);
    default: return v;
  }
}


// The whole content of `path`.
Result<std::string> ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("cannot open '{}'", path));
  struct stat st {};
  std::string data;
  if (::fstat(fd, &st) == 0) data.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < data.size()) {
    const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got != data.size()) return Status::IOError(fmt::format("cannot read '{}'", path));
  return data;
}

}  // namespace

std::string SqlBaselineMergeStatement(const EventSpec& event) {
  std::vector<std::string> names, exprs, keys, not_null, sets;
  for (const auto& col : event.columns) {
    const std::string name = QuoteIdent(col.name);
    names.push_back(name);
    exprs.push_back(fmt::format("{} AS {}", CastExpression(col), name));
    if (std::find(event.key.begin(), event.key.end(), col.name) == event.key.end())
      sets.push_back(fmt::format("{} = excluded.{}", name, name));
  }
  for (const auto& k : event.key) {
    keys.push_back(QuoteIdent(k));
    not_null.push_back(QuoteIdent(k) + " IS NOT NULL");
  }
  const std::string table = QuoteIdent(event.table);
  const std::string version = QuoteIdent(event.version);
  std::string from = "stg";
  if (event.flatten)
    from += fmt::format(", json_each(stg.payload, {}) AS item", SqlLiteral(JsonPath(*event.flatten)));
  // Window functions cannot see the aliases of their own SELECT, hence the
  // innermost subquery.
  return fmt::format(
      "INSERT INTO {table} ({names})\n"
      "SELECT {names} FROM (\n"
      "  SELECT *, ROW_NUMBER() OVER (PARTITION BY {keys} ORDER BY {version} DESC) AS rn FROM (\n"
      "    SELECT {exprs}\n"
      "    FROM {from})\n"
      "  WHERE {not_null})\n"
      "WHERE rn = 1\n"
      "ON CONFLICT ({keys}) DO UPDATE SET {sets}\n"
      "WHERE excluded.{version} > {table}.{version}",
      fmt::arg("table", table), fmt::arg("names", Join(names, ", ")), fmt::arg("keys", Join(keys, ", ")),
      fmt::arg("version", version), fmt::arg("exprs", Join(exprs, ",\n           ")), fmt::arg("from", from),
      fmt::arg("not_null", Join(not_null, " AND ")), fmt::arg("sets", Join(sets, ", ")));
}

Result<SqlBaselineResult> RunSqlBaseline(const EventSpec& event, const std::vector<std::string>& files,
                                         const std::string& db_path) {
  ASSIGN_OR_RETURN(BenchDb db, BenchDb::Open(db_path, true));
  RETURN_IF_ERROR(db.Exec("CREATE TABLE stg (payload TEXT);"));
  RETURN_IF_ERROR(db.Exec(SqliteDialect().CreateTable(FinalTableDef(event))));
  SqlBaselineResult result;

  PhaseMeter load_meter;
  {
    RETURN_IF_ERROR(db.Exec("BEGIN"));
    Statement insert;
    RETURN_IF_ERROR(insert.Prepare(db, "INSERT INTO stg (payload) VALUES (?)"));
    for (const auto& file : files) {
      ASSIGN_OR_RETURN(std::string data, ReadFile(file));
      size_t pos = 0;
      while (pos < data.size()) {
        size_t end = data.find('\n', pos);
        if (end == std::string::npos) end = data.size();
        if (end > pos) {
          sqlite3_bind_text(insert.get(), 1, data.data() + pos, static_cast<int>(end - pos), SQLITE_STATIC);
          if (sqlite3_step(insert.get()) != SQLITE_DONE) return db.Error("insert into stg");
          sqlite3_reset(insert.get());
          ++result.staged_lines;
        }
        pos = end + 1;
      }
    }
    RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  result.load = load_meter.Stop();

  const std::string merge = SqlBaselineMergeStatement(event);
  PhaseMeter merge_meter;
  RETURN_IF_ERROR(db.Exec("BEGIN"));
  RETURN_IF_ERROR(db.Exec(merge));
  RETURN_IF_ERROR(db.Exec("COMMIT"));
  result.merge = merge_meter.Stop();

  ASSIGN_OR_RETURN(result.final_rows, db.QueryInt(fmt::format("SELECT count(*) FROM {}", QuoteIdent(event.table))));
  return result;
}

}  // namespace sluice::bench
