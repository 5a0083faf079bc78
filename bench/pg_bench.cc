#include "pg_bench.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <tuple>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "base/text.h"
#include "pg_db.h"
#include "pg_table_compare.h"
#include "report.h"

namespace fs = std::filesystem;

namespace sluice::bench {
namespace {

// The example's config with the warehouse replaced by the cluster's.
Status WriteSluiceConfig(const std::string& example, const std::string& dsn, const fs::path& out_path) {
  try {
    YAML::Node root = YAML::LoadFile(example);
    YAML::Node warehouse;
    warehouse["backend"] = "postgres";
    warehouse["dsn"] = dsn;
    warehouse["schema"] = kPgSluiceSchema;
    root["warehouse"] = warehouse;
    std::ofstream out(out_path);
    out << root << "\n";
    if (!out) return Status::IOError(fmt::format("cannot write {}", out_path.string()));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}: {}", example, e.what()));
  }
  return Status::Ok();
}

Result<std::string> DescribeServer(PgDb& db, const std::string& dsn) {
  std::string text;
  for (const char* setting : {"server_version", "shared_buffers", "work_mem", "temp_buffers", "max_wal_size",
                              "fsync", "synchronous_commit", "autovacuum"}) {
    ASSIGN_OR_RETURN(std::vector<std::string> v, db.QueryTexts(fmt::format("SHOW {}", setting)));
    text += text.empty() ? fmt::format("PostgreSQL {} at {}:", v.at(0), dsn) : fmt::format(" {} {}", setting, v.at(0));
  }
  return text;
}

// No phase should share the machine with a vacuum of the previous phase's
// tables. The reload is asynchronous: the server has it once this session
// (signalled by the postmaster after its own reload) shows it.
Status TurnAutovacuumOff(PgDb& db) {
  RETURN_IF_ERROR(db.Exec("ALTER SYSTEM SET autovacuum = off"));
  RETURN_IF_ERROR(db.Exec("SELECT pg_reload_conf()"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    ASSIGN_OR_RETURN(std::vector<std::string> v, db.QueryTexts("SHOW autovacuum"));
    if (!v.empty() && v[0] == "off") return Status::Ok();
    if (std::chrono::steady_clock::now() > deadline)
      return Status::Internal("PostgreSQL still has autovacuum on 10 s after ALTER SYSTEM and a reload");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void SayPgPhase(std::string_view name, const PgPhaseStats& s, const std::string& extra) {
  Say(fmt::format("  {:<14} wall {:8.2f} s   cpu {:8.2f} s   server cpu {:8.2f} s   other load {:4.2f} cores   {}",
                  name, s.wall_seconds, s.client_cpu_seconds, s.server_cpu_seconds, s.other_cores, extra));
}

// CHECKPOINT and sync(): the phase starts with nothing dirty.
Status Settle(PgDb& db) {
  RETURN_IF_ERROR(db.Exec("CHECKPOINT"));
  ::sync();
  return Status::Ok();
}

// `sluice ARGS…` as a child, with the server's share of the work.
Result<std::pair<ChildRun, PgPhaseStats>> TimeSluice(const PgBenchInput& in, const PgCluster& cluster,
                                                     const fs::path& sluice_dir, const std::string& log,
                                                     std::vector<std::string> args) {
  std::vector<std::string> argv = {in.sluice, "-c", (sluice_dir / "sluice.yaml").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  ServerCpuMeter server(cluster);
  ASSIGN_OR_RETURN(ChildRun run, RunChildChecked(argv, sluice_dir.string(), log, "sluice " + args[0]));
  ASSIGN_OR_RETURN(double server_cpu, server.Stop());
  return std::pair(run, WithServer(run.wall_seconds, run.user_seconds + run.system_seconds, run.other_cores,
                                   server_cpu));
}

Result<PgBenchResult> RunOnCluster(const PgBenchInput& in, const EventSpec& event, const PgCluster& cluster) {
  PgBenchResult r;
  ASSIGN_OR_RETURN(PgDb db, PgDb::Connect(cluster.dsn()));
  RETURN_IF_ERROR(TurnAutovacuumOff(db));
  ASSIGN_OR_RETURN(r.server, DescribeServer(db, cluster.dsn()));
  Say("  " + r.server);

  const fs::path sluice_dir = in.dir / "sluice";
  std::error_code ec;
  fs::create_directories(sluice_dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", sluice_dir.string(), ec.message()));
  RETURN_IF_ERROR(WriteSluiceConfig(in.example_config, cluster.dsn(), sluice_dir / "sluice.yaml"));

  RETURN_IF_ERROR(Settle(db));
  std::vector<std::string> load_args = {"load"};
  load_args.insert(load_args.end(), in.files.begin(), in.files.end());
  ASSIGN_OR_RETURN(auto load, TimeSluice(in, cluster, sluice_dir, (in.logs_dir / "pg-sluice-load.log").string(),
                                          load_args));
  std::tie(r.load_child, r.load) = load;
  SayPgPhase("sluice load", r.load, RssNote(r.load_child));

  RETURN_IF_ERROR(Settle(db));
  const std::string merge_log = (in.logs_dir / "pg-sluice-merge.log").string();
  ASSIGN_OR_RETURN(auto merge, TimeSluice(in, cluster, sluice_dir, merge_log, {"merge"}));
  std::tie(r.merge_child, r.merge) = merge;
  SayPgPhase("sluice merge", r.merge, RssNote(r.merge_child));
  Say("  " + LastLine(merge_log));
  ASSIGN_OR_RETURN(r.sluice_rows, db.QueryInt(fmt::format("SELECT count(*) FROM {}.{}", QuoteIdent(kPgSluiceSchema),
                                                          QuoteIdent(event.table))));
  Say(fmt::format("  final rows {}", r.sluice_rows));

  ASSIGN_OR_RETURN(r.baseline, RunPgBaseline(event, in.files, kPgBaselineSchema, db, cluster));
  SayPgPhase("SQL COPY", r.baseline.load, fmt::format("{} lines", r.baseline.staged_lines));
  SayPgPhase("SQL MERGE", r.baseline.merge, fmt::format("final rows {}", r.baseline.final_rows));

  ASSIGN_OR_RETURN(r.same, ComparePgTables(db, event, kPgSluiceSchema, kPgBaselineSchema));
  if (r.same.identical()) {
    Say(fmt::format("  sluice's and the baseline's final tables are identical ({} rows; EXCEPT ALL both ways is "
                    "empty)",
                    r.same.left_rows));
  } else {
    Say(fmt::format("\n  !!!!! WARNING: THE POSTGRESQL FINAL TABLES DIFFER: sluice {} rows, baseline {} rows, {} "
                    "equal rows. Differing keys: {}\n",
                    r.same.left_rows, r.same.right_rows, r.same.equal_rows, fmt::join(r.same.differences, "; ")));
  }
  return r;
}

}  // namespace

Result<PgBenchResult> RunPgBench(const PgBenchInput& in, const EventSpec& event) {
  const std::string cluster_dir = (in.dir / "cluster").string();
  auto started = PgCluster::Start(in.cluster_script, cluster_dir, (in.logs_dir / "pg-cluster.log").string());
  if (!started.ok())
    return started.status().WithContext(
        "the PostgreSQL part cannot start its server (scripts/install-deps.sh installs PostgreSQL; --no-pg skips "
        "this part)");
  std::unique_ptr<PgCluster> cluster = std::move(*started);
  auto result = RunOnCluster(in, event, *cluster);  // on an error, ~PgCluster stops the server, keeps its files
  if (!result.ok()) return result;
  const bool keep = in.keep || !result->same.identical();
  RETURN_IF_ERROR(cluster->Stop(keep));
  if (keep) Say(fmt::format("  server stopped; its files stay in {} (scripts/pg-cluster.sh up {} restarts it)",
                            cluster_dir, cluster_dir));
  return result;
}

void SayPgSummary(const PgBenchResult& r, int64_t events) {
  const auto row = [](std::string_view name, const PgPhaseStats& s, const std::string& rate, const std::string& rss) {
    Say(fmt::format("{:<24}{:9.2f} {:8.2f} {:9.2f}  {:<20} {:>10}  {:6.2f}", name, s.wall_seconds,
                    s.client_cpu_seconds, s.server_cpu_seconds, rate, rss, s.other_cores));
  };
  const auto total = [](const PgPhaseStats& a, const PgPhaseStats& b) { return a.wall_seconds + b.wall_seconds; };
  const PgBaselineResult& b = r.baseline;
  Say("------------------- PostgreSQL (one server, both sides) -----------------");
  Say(fmt::format("{:<24}{:>9} {:>8} {:>9}  {:<20} {:>10}  {:>6}", "", "wall s", "cpu s", "server s", "rate",
                  "peak RSS", "other"));
  row("sluice load (pg)", r.load, fmt::format("{:>9.0f} events/s", Rate(events, r.load.wall_seconds)),
      Mib(r.load_child.max_rss_kib));
  row("sluice merge (pg)", r.merge, fmt::format("{:>9.0f} rows/s", Rate(r.sluice_rows, r.merge.wall_seconds)),
      Mib(r.merge_child.max_rss_kib));
  Say(fmt::format("{:<24}{:9.2f}", "sluice load+merge (pg)", total(r.load, r.merge)));
  row("SQL baseline COPY (pg)", b.load, fmt::format("{:>9.0f} events/s", Rate(events, b.load.wall_seconds)), "");
  row("SQL baseline MERGE (pg)", b.merge, fmt::format("{:>9.0f} rows/s", Rate(b.final_rows, b.merge.wall_seconds)),
      "");
  Say(fmt::format("{:<24}{:9.2f}", "SQL baseline total (pg)", total(b.load, b.merge)));
  Say(fmt::format("(cpu: the client's, that is sluice or the bench; server s: PostgreSQL's processes. other: cores "
                  "busy with neither)"));
  Say(fmt::format("ratios, SQL baseline / sluice: merge {:.2f}x; load {:.2f}x and load+merge {:.2f}x (for "
                  "information)",
                  PgMergeSpeedup(r), b.load.wall_seconds / r.load.wall_seconds,
                  total(b.load, b.merge) / total(r.load, r.merge)));
  Say(fmt::format("final rows: sluice {}, SQL baseline {}{}", r.sluice_rows, b.final_rows,
                  r.same.identical() ? " (identical tables)" : "   <<<<< MISMATCH"));
}

double PgMergeSpeedup(const PgBenchResult& r) {
  return r.merge.wall_seconds > 0 ? r.baseline.merge.wall_seconds / r.merge.wall_seconds : 0;
}

}  // namespace sluice::bench
