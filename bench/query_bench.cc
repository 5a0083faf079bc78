#include "query_bench.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "bench_db.h"
#include "pg_cluster.h"
#include "pg_db.h"
#include "report.h"
#include "stopwatch.h"
#include "warehouse/clickhouse/ch_dialect.h"
#include "warehouse/postgres/pg_dialect.h"
#include "warehouse/sqlite/sqlite_dialect.h"

namespace fs = std::filesystem;

namespace sluice::bench {
namespace {

constexpr const char* kTable = "query_rows";
// 2026-11-20T00:00:00Z, the generator's first event (event_generator.cc).
constexpr int64_t kFirstSecond = 1'795'132'800;

// The three columns of the catalog's final table the query reads.
struct QueryColumns {
  ColumnType tenant, amount, at;
};

Result<QueryColumns> FindColumns(const EventSpec& event) {
  const auto find = [&](const char* name, std::initializer_list<TypeKind> kinds) -> Result<ColumnType> {
    for (const auto& c : event.columns)
      if (c.name == name) {
        if (std::find(kinds.begin(), kinds.end(), c.type.kind) == kinds.end()) break;
        return c.type;
      }
    return Status::InvalidArgument(fmt::format(
        "the analytical query needs {}'s table {} to have a column {} of the example's kind "
        "(tenantid varchar, amount number(p,2), eventdatetime timestamp)",
        event.name, event.table, name));
  };
  QueryColumns q;
  ASSIGN_OR_RETURN(q.tenant, find("tenantid", {TypeKind::kVarchar, TypeKind::kString}));
  ASSIGN_OR_RETURN(q.amount, find("amount", {TypeKind::kDecimal}));
  ASSIGN_OR_RETURN(q.at, find("eventdatetime", {TypeKind::kTimestamp}));
  if (q.amount.scale != 2 || q.amount.precision < 7)
    return Status::InvalidArgument("the analytical query needs amount as number(p,2) with p >= 7");
  return q;
}

std::string Describe(const std::string& tenant, const std::string& amount, const std::string& at) {
  return fmt::format("tenantid {}, amount {}, eventdatetime {}", tenant, amount, at);
}

int64_t Cents(double value) { return std::llround(value * 100.0); }
int64_t Cents(const std::string& text) { return Cents(std::strtod(text.c_str(), nullptr)); }

// Times `run_once` kQueryRuns times; it fills `sums` (cleared before each run).
Status TimeRuns(QueryRun* run, const std::function<Status()>& run_once) {
  for (int i = 0; i < kQueryRuns; ++i) {
    run->sums.clear();
    Stopwatch clock;
    RETURN_IF_ERROR(run_once());
    run->runs.push_back(clock.Seconds());
  }
  run->ran = true;
  return Status::Ok();
}

// The plan's top node, its estimate of the groups and its parallel workers:
// "HashAggregate, 10000115 rows estimated".
Result<std::string> PgPlan(PgDb& db, const std::string& query) {
  ASSIGN_OR_RETURN(std::vector<std::string> lines, db.QueryTexts("EXPLAIN " + query));
  if (lines.empty()) return std::string();
  std::string plan = lines[0].substr(0, lines[0].find("  (cost"));
  if (const size_t at = lines[0].find("rows="); at != std::string::npos)
    plan += fmt::format(", {} rows estimated", std::atoll(lines[0].c_str() + at + 5));
  for (const auto& line : lines)
    if (const size_t at = line.find("Workers Planned:"); at != std::string::npos) plan += ", " + line.substr(at);
  return plan;
}

}  // namespace

double QueryRun::best() const { return runs.empty() ? 0 : *std::min_element(runs.begin(), runs.end()); }

Result<QueryRun> RunChQuery(ChDb& db, const EventSpec& event, int64_t rows, ChLayout layout) {
  ASSIGN_OR_RETURN(QueryColumns c, FindColumns(event));
  QueryRun run;
  const ChDialect dialect{ChOptions{}};
  const bool sluice = layout == ChLayout::kSluice;
  ASSIGN_OR_RETURN(std::string version, db.Query("SELECT version()"));
  ASSIGN_OR_RETURN(int64_t threads, db.QueryInt("SELECT value FROM system.settings WHERE name = 'max_threads'"));
  while (!version.empty() && version.back() == '\n') version.pop_back();
  run.engine = fmt::format("ClickHouse {} (max_threads {}){}", version, threads,
                           sluice ? ", sluice's layout: the query reads a FINAL view" : "");
  const auto type = [&](const ColumnType& t) {
    return sluice ? fmt::format("Nullable({})", dialect.TypeName(t)) : dialect.TypeName(t);
  };
  // The rows' table, and what the query reads.
  const std::string table = fmt::format("default.{}{}", kTable, sluice ? "_local" : "");
  const std::string read = sluice ? fmt::format("default.{}_view", kTable) : table;
  const std::string us = "(500000 * number + (337 * number) % 500 * 1000)";
  Stopwatch generate;
  RETURN_IF_ERROR(db.Exec(fmt::format("DROP TABLE IF EXISTS {}", read)));
  RETURN_IF_ERROR(db.Exec(fmt::format("DROP TABLE IF EXISTS {}", table)));
  if (sluice) {
    // What ChDialect makes for a final table (its other columns left out): a
    // ReplacingMergeTree ordered by the key, the catalog's columns Nullable
    // but the key's, and a view of one row per key.
    RETURN_IF_ERROR(db.Exec(fmt::format(
        "CREATE TABLE {} (tenantid {}, amount {}, eventdatetime {}, eventitemid String, entryidentifier String, "
        "_sluice_version UInt64, _sluice_deleted UInt8) "
        "ENGINE = ReplacingMergeTree(_sluice_version) ORDER BY (eventitemid, entryidentifier)",
        table, type(c.tenant), type(c.amount), type(c.at))));
    RETURN_IF_ERROR(db.Exec(fmt::format("CREATE VIEW {} AS SELECT tenantid, amount, eventdatetime FROM {} FINAL "
                                        "WHERE _sluice_deleted = 0",
                                        read, table)));
  } else {
    RETURN_IF_ERROR(db.Exec(fmt::format("CREATE TABLE {} (tenantid {}, amount {}, eventdatetime {}) "
                                        "ENGINE = MergeTree ORDER BY tuple()",
                                        table, type(c.tenant), type(c.amount), type(c.at))));
  }
  RETURN_IF_ERROR(db.Exec(fmt::format(
      "INSERT INTO {0} SELECT concat('T', substring(toString(1000 + (5 * number + intDiv(number, 7)) % 8 + 1), 2, 3)), "
      "toDecimal32((7919 * number) % 100000 + 1, 2) / 100, "
      "concat(toString(toDateTime({1} + intDiv({2}, 1000000), 'UTC')), '.', "
      "substring(toString(1000000 + {2} % 1000000), 2, 6)){3} "
      "FROM numbers({4})",
      table, kFirstSecond, us,
      sluice ? ", concat('ITEM-', substring(toString(100000000 + intDiv(number, 2)), 2, 8)), "
               "concat('ENT-', toString(number % 2 + 1)), 1, 0"
             : "",
      rows)));
  // One part: no background merge while the query is timed.
  ASSIGN_OR_RETURN(bool settled, WaitNoMerges(db, 300));
  if (!settled) return Status::Internal("ClickHouse still merges the query's rows after 300 s");
  RETURN_IF_ERROR(db.Exec(fmt::format("OPTIMIZE TABLE {} FINAL", table)));
  ASSIGN_OR_RETURN(settled, WaitNoMerges(db, 300));
  if (!settled) return Status::Internal("ClickHouse still merges the query's rows after 300 s");
  run.generate_seconds = generate.Seconds();
  ASSIGN_OR_RETURN(int64_t made, db.QueryInt(fmt::format("SELECT count() FROM {}", read)));
  if (made != rows) return Status::Internal(fmt::format("ClickHouse's {} has {} rows, not {}", read, made, rows));
  const std::string parts_of = fmt::format("FROM system.parts WHERE database = 'default' AND table = '{}' AND active",
                                           table.substr(table.find('.') + 1));
  ASSIGN_OR_RETURN(int64_t bytes, db.QueryInt("SELECT sum(bytes_on_disk) " + parts_of));
  ASSIGN_OR_RETURN(int64_t parts, db.QueryInt("SELECT count() " + parts_of));
  run.table_bytes = static_cast<uint64_t>(bytes);
  run.table = Describe(type(c.tenant), type(c.amount), type(c.at)) +
              (sluice ? fmt::format(", eventitemid String, entryidentifier String, _sluice_version UInt64, "
                                    "_sluice_deleted UInt8; ReplacingMergeTree ORDER BY (eventitemid, "
                                    "entryidentifier), {} part(s); read through {} (FINAL)",
                                    parts, read)
                      : fmt::format("; MergeTree ORDER BY tuple(), {} part(s)", parts));
  ::sync();

  run.query = fmt::format("SELECT tenantid, substring(eventdatetime, 1, 10) AS day, sum(amount) FROM {} "
                          "GROUP BY tenantid, day",
                          read);
  RETURN_IF_ERROR(TimeRuns(&run, [&]() -> Status {
    TsvRows parse([&](const TsvRows::Row& row) -> Status {
      if (row.size() != 3 || !row[0] || !row[1] || !row[2])
        return Status::Internal("a result row of the analytical query on ClickHouse is not 3 fields");
      run.sums[*row[0] + " " + *row[1]] = Cents(*row[2]);
      return Status::Ok();
    });
    RETURN_IF_ERROR(db.Stream(run.query + " FORMAT TabSeparated",
                              [&](std::string_view bytes) { return parse.Feed(bytes); }));
    return parse.Finish();
  }));
  return run;
}

Result<QueryRun> RunSqliteQuery(const std::string& path, const EventSpec& event, int64_t rows) {
  ASSIGN_OR_RETURN(QueryColumns c, FindColumns(event));
  QueryRun run;
  const SqliteDialect dialect;
  run.engine = fmt::format("SQLite {} (sluice's PRAGMAs: 64 MiB page cache)", sqlite3_libversion());
  run.table = Describe(dialect.TypeName(c.tenant), dialect.TypeName(c.amount), dialect.TypeName(c.at)) +
              " (timestamps as sluice's text); no index";
  std::error_code ec;
  fs::remove(path, ec);
  ASSIGN_OR_RETURN(BenchDb db, BenchDb::Open(path, true));
  const std::string us = "(500000 * i + (337 * i) % 500 * 1000)";
  Stopwatch generate;
  RETURN_IF_ERROR(db.Exec(fmt::format("CREATE TABLE {} (tenantid {}, amount {}, eventdatetime {})", kTable,
                                      dialect.TypeName(c.tenant), dialect.TypeName(c.amount),
                                      dialect.TypeName(c.at))));
  RETURN_IF_ERROR(db.Exec(fmt::format(
      "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {3}) "
      "INSERT INTO {0} SELECT printf('T%03d', (5 * i + i / 7) % 8 + 1), ((7919 * i) % 100000 + 1) / 100.0, "
      "strftime('%Y-%m-%d %H:%M:%S', {1} + {2} / 1000000, 'unixepoch') || printf('.%06d', {2} % 1000000) FROM n",
      kTable, kFirstSecond, us, rows - 1)));
  RETURN_IF_ERROR(db.Exec(fmt::format("ANALYZE {}; PRAGMA wal_checkpoint(TRUNCATE)", kTable)));
  run.generate_seconds = generate.Seconds();
  ASSIGN_OR_RETURN(int64_t made, db.QueryInt(fmt::format("SELECT count(*) FROM {}", kTable)));
  if (made != rows) return Status::Internal(fmt::format("SQLite's {} has {} rows, not {}", kTable, made, rows));
  run.table_bytes = fs::file_size(path, ec);
  ::sync();

  run.query = fmt::format("SELECT tenantid, substr(eventdatetime, 1, 10) AS day, sum(amount) FROM {} GROUP BY 1, 2",
                          kTable);
  RETURN_IF_ERROR(TimeRuns(&run, [&]() -> Status {
    Statement stmt;
    RETURN_IF_ERROR(stmt.Prepare(db, run.query));
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      const auto text = [&](int i) {
        const unsigned char* t = sqlite3_column_text(stmt.get(), i);
        return std::string(t ? reinterpret_cast<const char*>(t) : "NULL");
      };
      run.sums[text(0) + " " + text(1)] = Cents(sqlite3_column_double(stmt.get(), 2));
    }
    if (rc != SQLITE_DONE) return db.Error("the analytical query");
    return Status::Ok();
  }));
  return run;
}

Result<PgQueryRuns> RunPgQuery(const std::string& cluster_script, const fs::path& dir, const fs::path& logs_dir,
                               bool keep, const EventSpec& event, int64_t rows) {
  ASSIGN_OR_RETURN(QueryColumns c, FindColumns(event));
  const std::string cluster_dir = (dir / "cluster").string();
  auto started = PgCluster::Start(cluster_script, cluster_dir, (logs_dir / "query-pg-cluster.log").string());
  if (!started.ok())
    return started.status().WithContext(
        "the analytical query cannot start its PostgreSQL server (--no-pg leaves PostgreSQL out)");
  std::unique_ptr<PgCluster> cluster = std::move(*started);  // stopped, files kept, on an early return
  PgQueryRuns runs;
  QueryRun& run = runs.plain;
  const PgDialect dialect("");
  {
    ASSIGN_OR_RETURN(PgDb db, PgDb::Connect(cluster->dsn()));
    std::string settings;
    for (const char* setting : {"server_version", "shared_buffers", "work_mem", "max_parallel_workers_per_gather",
                                "jit"}) {
      ASSIGN_OR_RETURN(std::vector<std::string> v, db.QueryTexts(fmt::format("SHOW {}", setting)));
      settings += settings.empty() ? fmt::format("PostgreSQL {}:", v.at(0)) : fmt::format(" {} {},", setting, v.at(0));
    }
    settings.pop_back();
    run.engine = settings;
    run.table = Describe(dialect.TypeName(c.tenant), dialect.TypeName(c.amount), dialect.TypeName(c.at)) +
                "; no index";
    const std::string us = "(500000 * i + (337 * i) % 500 * 1000)";
    Stopwatch generate;
    RETURN_IF_ERROR(db.Exec(fmt::format("CREATE TABLE {} (tenantid {}, amount {}, eventdatetime {})", kTable,
                                        dialect.TypeName(c.tenant), dialect.TypeName(c.amount),
                                        dialect.TypeName(c.at))));
    RETURN_IF_ERROR(db.Exec(fmt::format(
        "INSERT INTO {0} SELECT 'T' || lpad(((5 * i + i / 7) % 8 + 1)::text, 3, '0'), "
        "(((7919 * i) % 100000 + 1) / 100.0)::{1}, "
        "timestamp '2026-11-20 00:00:00' + {2} * interval '1 microsecond' "
        "FROM generate_series(0::bigint, {3}) AS i",
        kTable, dialect.TypeName(c.amount), us, rows - 1)));
    RETURN_IF_ERROR(db.Exec(fmt::format("VACUUM ANALYZE {}", kTable)));  // hint bits and the visibility map
    RETURN_IF_ERROR(db.Exec("CHECKPOINT"));
    run.generate_seconds = generate.Seconds();
    ASSIGN_OR_RETURN(int64_t made, db.QueryInt(fmt::format("SELECT count(*) FROM {}", kTable)));
    if (made != rows) return Status::Internal(fmt::format("PostgreSQL's {} has {} rows, not {}", kTable, made, rows));
    ASSIGN_OR_RETURN(int64_t bytes, db.QueryInt(fmt::format("SELECT pg_total_relation_size('{}')", kTable)));
    run.table_bytes = static_cast<uint64_t>(bytes);
    ::sync();

    run.query = fmt::format("SELECT tenantid, eventdatetime::date AS day, sum(amount) FROM {} GROUP BY 1, 2", kTable);
    const auto time = [&](QueryRun* r) -> Status {
      ASSIGN_OR_RETURN(r->plan, PgPlan(db, r->query));
      return TimeRuns(r, [&]() -> Status {
        ASSIGN_OR_RETURN(auto result, db.QueryRows(r->query));
        for (const auto& row : result) {
          if (row.size() != 3)
            return Status::Internal("a result row of the analytical query on PostgreSQL is not 3 fields");
          r->sums[row[0] + " " + row[1]] = Cents(row[2]);
        }
        return Status::Ok();
      });
    };
    RETURN_IF_ERROR(time(&run));

    // For information: the planner told how many (tenant, day) groups there
    // are, which it cannot estimate for an expression without statistics.
    QueryRun& stats = runs.with_statistics;
    stats.engine = run.engine;
    stats.table = "the same, after CREATE STATISTICS (ndistinct) ON tenantid, (eventdatetime::date) and ANALYZE";
    stats.query = run.query;
    Status made_stats = db.Exec(fmt::format("CREATE STATISTICS {0}_day (ndistinct) ON tenantid, (eventdatetime::date) "
                                            "FROM {0}",
                                            kTable));
    if (made_stats.ok()) {
      RETURN_IF_ERROR(db.Exec(fmt::format("ANALYZE {}", kTable)));
      RETURN_IF_ERROR(time(&stats));
    } else {
      stats.table += fmt::format(" -- not run: {:.200}", made_stats.message());  // before PostgreSQL 14
    }
  }
  RETURN_IF_ERROR(cluster->Stop(keep));
  return runs;
}



void CheckQueryResults(QueryBenchResult* r) {
  std::vector<const QueryRun*> ran;
  for (const QueryRun* q : {&r->sqlite, &r->pg, &r->pg_statistics, &r->ch, &r->ch_view})
    if (q->ran) ran.push_back(q);
  for (size_t i = 1; i < ran.size(); ++i) {
    const auto& a = ran[0]->sums;
    const auto& b = ran[i]->sums;
    if (a == b) continue;
    std::string first;
    for (const auto& [key, cents] : a) {
      const auto it = b.find(key);
      if (it == b.end() || it->second != cents) {
        first = fmt::format("{}: {} against {}", key, cents, it == b.end() ? "nothing" : std::to_string(it->second));
        break;
      }
    }
    if (first.empty()) first = "groups only in the second";
    r->disagreement = fmt::format("{} has {} groups, {} has {} (first difference, in cents: {})", ran[0]->engine,
                                  a.size(), ran[i]->engine, b.size(), first);
    return;
  }
}

void SayQueryRun(const QueryRun& run) {
  std::string runs;
  for (double s : run.runs) runs += fmt::format("{}{:.3f}", runs.empty() ? "" : " ", s);
  Say(fmt::format("  {}", run.engine));
  Say(fmt::format("    table {}: {}", kTable, run.table));
  if (!run.plan.empty()) Say(fmt::format("    plan: {}", run.plan));
  if (!run.ran) return;
  const std::string made = run.table_bytes == 0 ? ""
                           : fmt::format("rows made in {:.1f} s (not timed), {} on disk; ", run.generate_seconds,
                                         Gb(run.table_bytes));
  Say(fmt::format("    {}query runs {} s: best {:.3f} s, {} groups", made, runs, run.best(), run.sums.size()));
}

}  // namespace sluice::bench
