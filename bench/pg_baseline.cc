#include "pg_baseline.h"
#include "base/text.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "base/text.h"
#include "warehouse/postgres/pg_dialect.h"
#include "phase_meter.h"

namespace sluice::bench {
namespace {



// A catalog path as jsonb operators, like the seed's EVENTPAYLOAD:TenantId:
// Customer."Zip Code"[0] → stg.payload->'Customer'->'Zip Code'->>0. The last
// step is ->> (text) unless `as_jsonb`.
std::string Extract(const Path& path, bool as_jsonb) {
  std::string out = path.relative_to_item ? "item" : "stg.payload";
  if (path.segments.empty()) return as_jsonb ? out : "(" + out + " #>> '{}')";
  for (size_t i = 0; i < path.segments.size(); ++i) {
    const auto& seg = path.segments[i];
    const char* op = (!as_jsonb && i + 1 == path.segments.size()) ? "->>" : "->";
    out += seg.is_index ? fmt::format("{}{}", op, seg.index) : fmt::format("{}{}", op, SqlLiteral(seg.field));
  }
  return out;
}

std::string CastExpression(const ColumnSpec& col) {
  if (col.type.kind == TypeKind::kJson) return Extract(col.path, true);
  const std::string v = "(" + Extract(col.path, false) + ")";
  switch (col.type.kind) {
    case TypeKind::kString:
    case TypeKind::kVarchar: return v;  // the seed's ::STRING; the column's varchar(n) checks the length
    case TypeKind::kTimestamp: return fmt::format("({}::timestamptz AT TIME ZONE 'UTC')", v);
    default: return fmt::format("{}::{}", v, PgDialect("").TypeName(col.type));
  }
}

}  // namespace

std::string PgBaselineMergeStatement(const EventSpec& event, const std::string& schema) {
  std::vector<std::string> names, exprs, keys, not_null, on, sets, values;
  for (const auto& col : event.columns) {
    const std::string name = QuoteIdent(col.name);
    names.push_back(name);
    values.push_back("s." + name);
    exprs.push_back(fmt::format("{} AS {}", CastExpression(col), name));
    if (std::find(event.key.begin(), event.key.end(), col.name) == event.key.end())
      sets.push_back(fmt::format("{} = s.{}", name, name));
  }
  for (const auto& k : event.key) {
    keys.push_back(QuoteIdent(k));
    not_null.push_back(QuoteIdent(k) + " IS NOT NULL");
    on.push_back(fmt::format("t.{0} = s.{0}", QuoteIdent(k)));
  }
  const std::string version = QuoteIdent(event.version);
  const std::string stg = QuoteIdent(schema) + ".stg AS stg";
  std::string from = stg;
  if (event.flatten) from += fmt::format(", jsonb_array_elements({}) AS item", Extract(*event.flatten, true));
  const std::string when_matched =
      sets.empty() ? "" : fmt::format("WHEN MATCHED AND s.{0} > t.{0} THEN UPDATE SET {1}\n", version, Join(sets, ", "));
  // Window functions cannot see the aliases of their own SELECT, hence the
  // innermost subquery (the seed's QUALIFY in standard SQL).
  return fmt::format(
      "MERGE INTO {table} AS t\n"
      "USING (\n"
      "  SELECT {names} FROM (\n"
      "    SELECT *, ROW_NUMBER() OVER (PARTITION BY {keys} ORDER BY {version} DESC) AS rn FROM (\n"
      "      SELECT {exprs}\n"
      "      FROM {from}) AS flat\n"
      "    WHERE {not_null}) AS ranked\n"
      "  WHERE rn = 1) AS s\n"
      "ON {on}\n"
      "{when_matched}"
      "WHEN NOT MATCHED THEN INSERT ({names}) VALUES ({values})",
      fmt::arg("table", QuoteIdent(schema) + "." + QuoteIdent(event.table)), fmt::arg("names", Join(names, ", ")),
      fmt::arg("keys", Join(keys, ", ")), fmt::arg("version", version),
      fmt::arg("exprs", Join(exprs, ",\n             ")), fmt::arg("from", from),
      fmt::arg("not_null", Join(not_null, " AND ")), fmt::arg("on", Join(on, " AND ")),
      fmt::arg("when_matched", when_matched), fmt::arg("values", Join(values, ", ")));
}

Result<PgBaselineResult> RunPgBaseline(const EventSpec& event, const std::vector<std::string>& files,
                                       const std::string& schema, PgDb& db, const PgCluster& cluster) {
  const std::string s = QuoteIdent(schema);
  RETURN_IF_ERROR(db.Exec(fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}; "
                                      "CREATE TABLE {0}.stg (payload jsonb);",
                                      s)));
  RETURN_IF_ERROR(db.Exec(PgDialect(schema).CreateTable(FinalTableDef(event))));
  // Offsets in the data decide the UTC time; this only covers timestamps
  // without one, which sluice reads as UTC.
  RETURN_IF_ERROR(db.Exec("SET TimeZone = 'UTC'"));
  RETURN_IF_ERROR(db.Exec("CHECKPOINT"));
  PgBaselineResult result;

  ::sync();
  {
    ServerCpuMeter server(cluster);
    PhaseMeter meter;
    // One raw line per row: no byte of valid JSON is 0x01 or 0x02.
    RETURN_IF_ERROR(db.BeginCopy(fmt::format(
        "COPY {}.stg (payload) FROM STDIN WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')", s)));
    std::string buffer(1u << 20, '\0');
    Status st = Status::Ok();
    for (const auto& file : files) {
      const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        st = Status::IOError(fmt::format("cannot open '{}'", file));
        break;
      }
      ssize_t n;
      while (st.ok() && (n = ::read(fd, buffer.data(), buffer.size())) > 0)
        st = db.PutCopy(std::string_view(buffer.data(), static_cast<size_t>(n)));
      ::close(fd);
      if (!st.ok()) break;
    }
    Status ended = db.EndCopy();
    RETURN_IF_ERROR(st);
    RETURN_IF_ERROR(ended);
    const PhaseStats client = meter.Stop();
    ASSIGN_OR_RETURN(double server_cpu, server.Stop());
    result.load = WithServer(client.wall_seconds, client.cpu_seconds, client.other_cores, server_cpu);
  }
  ASSIGN_OR_RETURN(result.staged_lines, db.QueryInt(fmt::format("SELECT count(*) FROM {}.stg", s)));

  const std::string merge = PgBaselineMergeStatement(event, schema);
  RETURN_IF_ERROR(db.Exec("CHECKPOINT"));
  ::sync();
  {
    ServerCpuMeter server(cluster);
    PhaseMeter meter;
    RETURN_IF_ERROR(db.Exec(merge));  // one statement, committed on its own
    const PhaseStats client = meter.Stop();
    ASSIGN_OR_RETURN(double server_cpu, server.Stop());
    result.merge = WithServer(client.wall_seconds, client.cpu_seconds, client.other_cores, server_cpu);
  }
  ASSIGN_OR_RETURN(result.final_rows,
                   db.QueryInt(fmt::format("SELECT count(*) FROM {}.{}", s, QuoteIdent(event.table))));
  return result;
}

}  // namespace sluice::bench
