#include "ch_bench.h"

#include <unistd.h>

#include <fstream>
#include <tuple>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "ch_db.h"
#include "ch_node.h"
#include "ch_table_compare.h"
#include "report.h"
#include "stopwatch.h"

namespace fs = std::filesystem;

namespace sluice::bench {
namespace {

// How long a settle waits for the server's background merges to end.
constexpr double kSettleSeconds = 120;

// The example's config with the warehouse replaced by the server's.
Status WriteSluiceConfig(const std::string& example, const std::string& url, const fs::path& out_path) {
  try {
    YAML::Node root = YAML::LoadFile(example);
    YAML::Node warehouse;
    warehouse["backend"] = "clickhouse";
    warehouse["url"] = url;
    warehouse["database"] = kChDatabase;
    root["warehouse"] = warehouse;
    std::ofstream out(out_path);
    out << root << "\n";
    if (!out) return Status::IOError(fmt::format("cannot write {}", out_path.string()));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}: {}", example, e.what()));
  }
  return Status::Ok();
}

Result<std::string> DescribeServer(ChDb& db) {
  ASSIGN_OR_RETURN(std::string version, db.Query("SELECT version()"));
  while (!version.empty() && version.back() == '\n') version.pop_back();
  std::string text = fmt::format("ClickHouse {} at {}:", version, db.url());
  for (const char* setting : {"max_threads", "max_memory_usage", "max_insert_block_size"}) {
    ASSIGN_OR_RETURN(std::string value,
                     db.Query(fmt::format("SELECT value FROM system.settings WHERE name = '{}'", setting)));
    while (!value.empty() && value.back() == '\n') value.pop_back();
    text += fmt::format(" {} {}", setting, value);
  }
  return text;
}

void SayChPhase(std::string_view name, const PgPhaseStats& s, const std::string& extra) {
  Say(fmt::format("  {:<14} wall {:8.2f} s   cpu {:8.2f} s   server cpu {:8.2f} s   other load {:4.2f} cores   {}",
                  name, s.wall_seconds, s.client_cpu_seconds, s.server_cpu_seconds, s.other_cores, extra));
}

// No background merge running (they would share the next phase's cores),
// then sync(): the phase starts with nothing dirty.
Status Settle(ChDb& db) {
  ASSIGN_OR_RETURN(bool settled, WaitNoMerges(db, kSettleSeconds));
  if (!settled)
    Say(fmt::format("  NOTE: ClickHouse still runs background merges after {:.0f} s; the next phase shares the "
                    "machine with them",
                    kSettleSeconds));
  ::sync();
  return Status::Ok();
}

// `sluice ARGS…` as a child, with the server's share of the work.
Result<std::pair<ChildRun, PgPhaseStats>> TimeSluice(const ChBenchInput& in, const ChNode& node,
                                                     const fs::path& sluice_dir, const std::string& log,
                                                     std::vector<std::string> args) {
  std::vector<std::string> argv = {in.sluice, "-c", (sluice_dir / "sluice.yaml").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const double server_start = node.CpuSeconds();
  ASSIGN_OR_RETURN(ChildRun run, RunChildChecked(argv, sluice_dir.string(), log, "sluice " + args[0]));
  const double server_cpu = node.CpuSeconds() - server_start;
  return std::pair(run, WithServer(run.wall_seconds, run.user_seconds + run.system_seconds, run.other_cores,
                                   server_cpu));
}

Result<ChBenchResult> RunOnNode(const ChBenchInput& in, const EventSpec& event, const ChNode& node) {
  ChBenchResult r;
  ASSIGN_OR_RETURN(ChDb db, ChDb::Make(node.url(), ""));
  ASSIGN_OR_RETURN(r.server, DescribeServer(db));
  Say("  " + r.server);

  const fs::path sluice_dir = in.dir / "sluice";
  std::error_code ec;
  fs::create_directories(sluice_dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", sluice_dir.string(), ec.message()));
  RETURN_IF_ERROR(WriteSluiceConfig(in.example_config, node.url(), sluice_dir / "sluice.yaml"));

  RETURN_IF_ERROR(Settle(db));
  std::vector<std::string> load_args = {"load"};
  load_args.insert(load_args.end(), in.files.begin(), in.files.end());
  ASSIGN_OR_RETURN(auto load, TimeSluice(in, node, sluice_dir, (in.logs_dir / "ch-sluice-load.log").string(),
                                          load_args));
  std::tie(r.load_child, r.load) = load;
  SayChPhase("sluice load", r.load, RssNote(r.load_child));

  RETURN_IF_ERROR(Settle(db));
  const std::string merge_log = (in.logs_dir / "ch-sluice-merge.log").string();
  ASSIGN_OR_RETURN(auto merge, TimeSluice(in, node, sluice_dir, merge_log, {"merge"}));
  std::tie(r.merge_child, r.merge) = merge;
  SayChPhase("sluice merge", r.merge, RssNote(r.merge_child));
  Say("  " + LastLine(merge_log));
  ASSIGN_OR_RETURN(r.sluice_rows, db.QueryInt(fmt::format("SELECT count() FROM {}.{}", kChDatabase, event.table)));
  Say(fmt::format("  final rows {} (the view {}.{})", r.sluice_rows, kChDatabase, event.table));

  Stopwatch compare;
  ASSIGN_OR_RETURN(r.same, CompareChWithSqlite(db, kChDatabase, event, in.sqlite_warehouse));
  if (r.same.identical()) {
    Say(fmt::format("  ClickHouse's and SQLite's final tables hold the same rows ({} rows, read in key order side "
                    "by side; {:.1f} s)",
                    r.same.left_rows, compare.Seconds()));
  } else {
    Say(fmt::format("\n  !!!!! WARNING: CLICKHOUSE'S FINAL TABLE DIFFERS FROM SQLITE'S: ClickHouse {} rows, SQLite "
                    "{} rows, {} equal rows. Keys: {}\n",
                    r.same.left_rows, r.same.right_rows, r.same.equal_rows, fmt::join(r.same.differences, "; ")));
  }

  if (in.query_rows > 0) {
    Say(fmt::format("  the analytical query over {} rows, best of {}:", in.query_rows, kQueryRuns));
    ASSIGN_OR_RETURN(r.query.ch, RunChQuery(db, event, in.query_rows, ChLayout::kPlain));
    SayQueryRun(r.query.ch);
    ASSIGN_OR_RETURN(r.query.ch_view, RunChQuery(db, event, in.query_rows, ChLayout::kSluice));
    SayQueryRun(r.query.ch_view);
  }
  return r;
}

}  // namespace

Result<ChBenchResult> RunChBench(const ChBenchInput& in, const EventSpec& event) {
  const std::string node_dir = (in.dir / "node").string();
  auto started = ChNode::Start(in.node_script, node_dir, (in.logs_dir / "ch-node.log").string());
  if (!started.ok())
    return started.status().WithContext(
        "the ClickHouse part cannot start its server (scripts/install-deps.sh installs clickhouse-server; --no-ch "
        "skips this part)");
  std::unique_ptr<ChNode> node = std::move(*started);
  auto result = RunOnNode(in, event, *node);  // on an error, ~ChNode stops the server, keeps its files
  if (!result.ok()) return result;
  ChBenchResult& r = *result;
  const bool keep = in.keep || !r.same.identical();
  RETURN_IF_ERROR(node->Stop(keep));
  if (keep) Say(fmt::format("  server stopped; its files stay in {} (scripts/clickhouse-node.sh up {} restarts it)",
                            node_dir, node_dir));
  if (in.query_rows <= 0) return result;

  r.query.rows = in.query_rows;
  const fs::path query_dir = in.dir / "query";
  std::error_code ec;
  fs::create_directories(query_dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", query_dir.string(), ec.message()));
  const std::string sqlite_path = (query_dir / "query.db").string();
  ASSIGN_OR_RETURN(r.query.sqlite, RunSqliteQuery(sqlite_path, event, in.query_rows));
  SayQueryRun(r.query.sqlite);
  if (!in.keep) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(sqlite_path + suffix, ec);
  }
  if (in.pg) {
    ASSIGN_OR_RETURN(PgQueryRuns pg,
                     RunPgQuery(in.cluster_script, query_dir / "pg", in.logs_dir, in.keep, event, in.query_rows));
    r.query.pg = std::move(pg.plain);
    r.query.pg_statistics = std::move(pg.with_statistics);
    SayQueryRun(r.query.pg);
    SayQueryRun(r.query.pg_statistics);
  }
  CheckQueryResults(&r.query);
  if (r.query.agree())
    Say(fmt::format("  every result agrees: {} groups (tenant, day), the same sums to the cent",
                    r.query.ch.sums.size()));
  else
    Say("\n  !!!!! WARNING: THE ANALYTICAL QUERY'S RESULTS DIFFER: " + r.query.disagreement + "\n");
  return result;
}

double ChMergeSpeedup(const ChBenchResult& r, double pg_merge_seconds) {
  return r.merge.wall_seconds > 0 ? pg_merge_seconds / r.merge.wall_seconds : 0;
}

double ChQuerySpeedup(const ChBenchResult& r) {
  const QueryBenchResult& q = r.query;
  return q.pg.ran && q.ch.ran && q.ch.best() > 0 ? q.pg.best() / q.ch.best() : 0;
}

void SayChSummary(const ChBenchResult& r, int64_t events, const OtherBackends& other) {
  const auto row = [](std::string_view name, const PgPhaseStats& s, const std::string& rate, const std::string& rss) {
    Say(fmt::format("{:<24}{:9.2f} {:8.2f} {:9.2f}  {:<20} {:>10}  {:6.2f}", name, s.wall_seconds,
                    s.client_cpu_seconds, s.server_cpu_seconds, rate, rss, s.other_cores));
  };
  Say("------------------------ ClickHouse (one server) ------------------------");
  Say(fmt::format("{:<24}{:>9} {:>8} {:>9}  {:<20} {:>10}  {:>6}", "", "wall s", "cpu s", "server s", "rate",
                  "peak RSS", "other"));
  row("sluice load (ch)", r.load, fmt::format("{:>9.0f} events/s", Rate(events, r.load.wall_seconds)),
      Mib(r.load_child.max_rss_kib));
  row("sluice merge (ch)", r.merge, fmt::format("{:>9.0f} rows/s", Rate(r.sluice_rows, r.merge.wall_seconds)),
      Mib(r.merge_child.max_rss_kib));
  Say(fmt::format("{:<24}{:9.2f}", "sluice load+merge (ch)", r.load.wall_seconds + r.merge.wall_seconds));
  Say("(cpu: sluice's; server s: ClickHouse's process. other: cores busy with neither)");
  const auto cell = [](std::optional<double> v) {
    return v ? fmt::format("{:>11.2f}", *v) : fmt::format("{:>11}", "-");
  };
  const auto sum = [](std::optional<double> a, std::optional<double> b) -> std::optional<double> {
    if (a && b) return *a + *b;
    return std::nullopt;
  };
  Say(fmt::format("sluice, wall s, one run  {:>11} {:>11} {:>11}", "SQLite", "PostgreSQL", "ClickHouse"));
  Say(fmt::format("  load                   {} {} {}", cell(other.sqlite_load), cell(other.pg_load),
                  cell(r.load.wall_seconds)));
  Say(fmt::format("  merge                  {} {} {}", cell(other.sqlite_merge), cell(other.pg_merge),
                  cell(r.merge.wall_seconds)));
  Say(fmt::format("  load+merge             {} {} {}", cell(sum(other.sqlite_load, other.sqlite_merge)),
                  cell(sum(other.pg_load, other.pg_merge)), cell(r.load.wall_seconds + r.merge.wall_seconds)));
  std::string ratios;
  if (other.pg_merge)
    ratios += fmt::format("merge on PostgreSQL / on ClickHouse {:.2f}x; ", ChMergeSpeedup(r, *other.pg_merge));
  if (other.sqlite_merge)
    ratios += fmt::format("merge on SQLite / on ClickHouse {:.2f}x; ", ChMergeSpeedup(r, *other.sqlite_merge));
  if (other.pg_load)
    ratios += fmt::format("load on PostgreSQL / on ClickHouse {:.2f}x; ", *other.pg_load / r.load.wall_seconds);
  if (!ratios.empty()) Say("ratios: " + ratios.substr(0, ratios.size() - 2));
  Say(fmt::format("final rows: ClickHouse {}, SQLite {}{}", r.same.left_rows, r.same.right_rows,
                  r.same.identical() ? " (the same rows)" : "   <<<<< MISMATCH"));
  const QueryBenchResult& q = r.query;
  if (!q.ch.ran) return;
  const auto best = [](const QueryRun& run) {
    return run.ran ? fmt::format("{:>11.3f}", run.best()) : fmt::format("{:>11}", "-");
  };
  Say(fmt::format("query, best of {} s      {:>11} {:>11} {:>11}   (sum(amount) by tenant and day, {} rows)",
                  kQueryRuns, "SQLite", "PostgreSQL", "ClickHouse", q.rows));
  Say(fmt::format("                         {} {} {}", best(q.sqlite), best(q.pg), best(q.ch)));
  std::string query_ratios;
  if (q.pg.ran) query_ratios += fmt::format("PostgreSQL / ClickHouse {:.1f}x; ", ChQuerySpeedup(r));
  if (q.sqlite.ran) query_ratios += fmt::format("SQLite / ClickHouse {:.1f}x; ", q.sqlite.best() / q.ch.best());
  Say(fmt::format("query ratios: {}results {}", query_ratios,
                  q.agree() ? fmt::format("agree ({} groups)", q.ch.sums.size()) : "DIFFER   <<<<< MISMATCH"));
  if (q.ch_view.ran)
    Say(fmt::format("(for information: ClickHouse through sluice's layout, a FINAL view over a ReplacingMergeTree by "
                    "key, best {:.3f} s{})",
                    q.ch_view.best(),
                    q.pg.ran ? fmt::format(": PostgreSQL / it {:.1f}x", q.pg.best() / q.ch_view.best()) : ""));
  if (q.pg_statistics.ran)
    Say(fmt::format("(for information: PostgreSQL with statistics on (tenantid, eventdatetime::date), best {:.3f} s: "
                    "it / ClickHouse {:.1f}x)",
                    q.pg_statistics.best(), q.pg_statistics.best() / q.ch.best()));
}

}  // namespace sluice::bench
