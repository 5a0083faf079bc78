#include "models_bench.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <thread>

#include <fmt/format.h>

#include "base/text.h"
#include "bench_db.h"
#include "models_project_gen.h"
#include "pg_cluster.h"
#include "pg_db.h"
#include "report.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace fs = std::filesystem;

namespace sluice::bench {
namespace {

constexpr int kCompileModels = 1000;
constexpr int kCompileLayers = 10;
constexpr int kCompileRuns = 3;
constexpr const char* kPgSchema = "sluice";

Status MakeDir(const fs::path& d) {
  std::error_code ec;
  fs::create_directories(d, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", d.string(), ec.message()));
  return Status::Ok();
}

// `sluice -c DIR/sluice.yaml ARGS…` in DIR, its output in `log` (truncated
// first, so the log is this run's alone).
Result<ChildRun> Sluice(const ModelsBenchInput& in, const fs::path& dir, const std::string& log,
                        std::vector<std::string> args) {
  std::ofstream(log, std::ios::trunc).close();
  std::vector<std::string> argv = {in.sluice, "-c", (dir / "sluice.yaml").string()};
  const std::string what = "sluice " + Join(args, " ");
  argv.insert(argv.end(), args.begin(), args.end());
  return RunChildChecked(argv, dir.string(), log, what);
}

// The lines of a `sluice models run` log that report a node.
std::vector<std::string> NodeLines(const std::string& log) {
  std::ifstream in(log);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (line.find(" of ") != std::string::npos || line.rfind("Done", 0) == 0) lines.push_back(line);
  return lines;
}

// The seconds a node's line reports ("… fct_orders … in 0.16 s"); -1 when
// no line names it.
double NodeSeconds(const std::vector<std::string>& lines, std::string_view name) {
  for (const std::string& line : lines) {
    const size_t in = line.rfind(" in ");
    if (line.find(fmt::format(" {} ", name)) == std::string::npos || in == std::string::npos) continue;
    return std::strtod(line.c_str() + in + 4, nullptr);
  }
  return -1;
}

Result<CompileResult> RunCompile(const ModelsBenchInput& in) {
  CompileResult r;
  const fs::path dir = in.dir / "compile";
  ASSIGN_OR_RETURN(CompileProjectShape shape, WriteCompileProject(dir / "project", kCompileModels, kCompileLayers));
  r.models = shape.models;
  r.tests = shape.tests;
  r.refs = shape.refs;
  ModelsConfigSpec spec;
  spec.project = "project/";
  RETURN_IF_ERROR(WriteModelsConfig(dir / "sluice.yaml", spec));
  Say(fmt::format("  project: {} models in {} folders ({} refs), {} generic tests; `sluice models compile`, "
                  "whole process, once untimed then {} times",
                  r.models, kCompileLayers, r.refs, r.tests, kCompileRuns));
  const std::string log = (in.logs_dir / "models-compile.log").string();
  ASSIGN_OR_RETURN(ChildRun warm, Sluice(in, dir, log, {"models", "compile"}));
  SayPhase("untimed run", warm.wall_seconds, warm.user_seconds + warm.system_seconds, warm.other_cores,
           RssNote(warm));
  for (int k = 0; k < kCompileRuns; ++k) {
    ::sync();
    ASSIGN_OR_RETURN(ChildRun run, Sluice(in, dir, log, {"models", "compile"}));
    SayPhase(fmt::format("compile {}", k + 1), run.wall_seconds, run.user_seconds + run.system_seconds,
             run.other_cores, RssNote(run));
    r.runs.push_back(run);
  }
  std::ifstream out(log);
  for (std::string line; std::getline(out, line);) {
    if (line.rfind("-- model.", 0) == 0) ++r.compiled_models;
    if (line.rfind("-- test.", 0) == 0) ++r.compiled_tests;
  }
  Say(fmt::format("  compiled {} models and {} tests (the last run's output)", r.compiled_models, r.compiled_tests));
  return r;
}

using QueryInt = std::function<Result<int64_t>(const std::string&)>;

// The model tables against the orders' totals.
Status CheckMarts(const QueryInt& query, const std::string& prefix, const OrderTotals& want, std::string_view when,
                  MartsResult* r) {
  const auto check = [&](const std::string& sql, int64_t expected, std::string_view what) -> Status {
    ASSIGN_OR_RETURN(int64_t got, query(sql));
    if (got != expected)
      r->problems.push_back(fmt::format("{} after the {}: {} is {}, expected {}", r->backend, when, what, got,
                                        expected));
    return Status::Ok();
  };
  RETURN_IF_ERROR(check(fmt::format("SELECT count(*) FROM {}fct_orders", prefix), want.orders, "fct_orders' rows"));
  RETURN_IF_ERROR(check(fmt::format("SELECT CAST(sum(total_cents) AS BIGINT) FROM {}fct_orders", prefix), want.cents,
                        "fct_orders' total_cents"));
  RETURN_IF_ERROR(check(fmt::format("SELECT CAST(sum(lines) AS BIGINT) FROM {}fct_orders", prefix), want.lines,
                        "fct_orders' lines"));
  RETURN_IF_ERROR(check(fmt::format("SELECT CAST(sum(orders) AS BIGINT) FROM {}mart_customer_daily", prefix),
                        want.orders, "mart_customer_daily's orders"));
  return check(fmt::format("SELECT CAST(sum(revenue_cents) AS BIGINT) FROM {}mart_customer_daily", prefix),
               want.cents, "mart_customer_daily's revenue_cents");
}

struct OrderFiles {
  std::vector<std::string> base, added;
  OrderTotals base_totals, all_totals;
};

// Load + merge (untimed), the full build, 1 % more orders, the incremental
// run. `settle` runs before each timed phase; `server_cpu` measures the
// server's share of one (PostgreSQL; nullptr on SQLite).
Result<MartsResult> RunMarts(const ModelsBenchInput& in, const std::string& backend, const fs::path& dir,
                             const OrderFiles& files, const QueryInt& query, const std::string& prefix,
                             const std::function<Status()>& settle, const PgCluster* cluster) {
  MartsResult r;
  r.backend = backend;
  r.orders = files.base_totals.orders;
  r.added = files.all_totals.orders - files.base_totals.orders;
  const std::string tag = backend == "SQLite" ? "sqlite" : "pg";
  const auto log = [&](std::string_view what) {
    return (in.logs_dir / fmt::format("models-{}-{}.log", tag, what)).string();
  };
  const auto timed = [&](std::string_view what, std::vector<std::string> args, double* server_cpu)
      -> Result<ChildRun> {
    RETURN_IF_ERROR(settle());
    std::optional<ServerCpuMeter> meter;
    if (cluster) meter.emplace(*cluster);
    ASSIGN_OR_RETURN(ChildRun run, Sluice(in, dir, log(what), std::move(args)));
    if (meter) {  // the server's processes are this run's work, not other work
      ASSIGN_OR_RETURN(*server_cpu, meter->Stop());
      run.other_cores =
          WithServer(run.wall_seconds, run.user_seconds + run.system_seconds, run.other_cores, *server_cpu)
              .other_cores;
    }
    return run;
  };
  const auto say = [](std::string_view name, const ChildRun& run, double server_cpu, const std::string& extra) {
    SayPhase(name, run.wall_seconds, run.user_seconds + run.system_seconds, run.other_cores,
             (server_cpu > 0 ? fmt::format("server cpu {:.2f} s   ", server_cpu) : std::string()) + extra);
  };

  std::vector<std::string> load_args = {"load"};
  load_args.insert(load_args.end(), files.base.begin(), files.base.end());
  ASSIGN_OR_RETURN(r.load, Sluice(in, dir, log("load"), load_args));
  ASSIGN_OR_RETURN(r.merge, Sluice(in, dir, log("merge"), {"merge"}));
  say("load (untimed)", r.load, 0, fmt::format("{} orders", r.orders));
  say("merge (untimed)", r.merge, 0, LastLine(log("merge")));

  ASSIGN_OR_RETURN(r.full, timed("full", {"models", "run", "--full-refresh"}, &r.full_server_cpu));
  say("full build", r.full, r.full_server_cpu, RssNote(r.full));
  r.full_lines = NodeLines(log("full"));
  for (const std::string& line : r.full_lines) Say("    " + line);
  RETURN_IF_ERROR(CheckMarts(query, prefix, files.base_totals, "full build", &r));

  load_args = {"load"};
  load_args.insert(load_args.end(), files.added.begin(), files.added.end());
  ASSIGN_OR_RETURN(r.load_added, Sluice(in, dir, log("load-added"), load_args));
  ASSIGN_OR_RETURN(r.merge_added, Sluice(in, dir, log("merge-added"), {"merge"}));
  say("+1% (untimed)", r.merge_added, 0, LastLine(log("merge-added")));

  ASSIGN_OR_RETURN(r.incremental, timed("incremental", {"models", "run"}, &r.incremental_server_cpu));
  say("incremental", r.incremental, r.incremental_server_cpu,
      fmt::format("{}; {:.1f}% of the full build", RssNote(r.incremental), r.ratio() * 100));
  r.incremental_lines = NodeLines(log("incremental"));
  for (const std::string& line : r.incremental_lines) Say("    " + line);
  RETURN_IF_ERROR(CheckMarts(query, prefix, files.all_totals, "incremental run", &r));
  for (const std::string& p : r.problems) Say("  !!!!! " + p);
  return r;
}

Result<MartsResult> RunSqliteMarts(const ModelsBenchInput& in, const OrderFiles& files) {
  const fs::path dir = in.dir / "sqlite";
  RETURN_IF_ERROR(WriteMartsProject(dir / "marts"));
  ModelsConfigSpec spec;
  spec.project = "marts/";
  RETURN_IF_ERROR(WriteModelsConfig(dir / "sluice.yaml", spec));
  const std::string warehouse = SqliteWarehouse::PathIn((dir / "data").string());
  const QueryInt query = [&](const std::string& sql) -> Result<int64_t> {
    ASSIGN_OR_RETURN(BenchDb db, BenchDb::Open(warehouse, false));
    return db.QueryInt(sql);
  };
  return RunMarts(in, "SQLite", dir, files, query, "", [] {
    ::sync();
    return Status::Ok();
  }, nullptr);
}

Status AutovacuumOff(PgDb& db) {
  RETURN_IF_ERROR(db.Exec("ALTER SYSTEM SET autovacuum = off"));
  RETURN_IF_ERROR(db.Exec("SELECT pg_reload_conf()"));
  for (int k = 0; k < 1000; ++k) {  // the reload is asynchronous
    ASSIGN_OR_RETURN(std::vector<std::string> v, db.QueryTexts("SHOW autovacuum"));
    if (!v.empty() && v[0] == "off") return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Status::Internal("PostgreSQL still has autovacuum on 10 s after ALTER SYSTEM and a reload");
}

Result<MartsResult> RunPgMarts(const ModelsBenchInput& in, const OrderFiles& files) {
  const fs::path dir = in.dir / "pg";
  const std::string cluster_dir = (dir / "cluster").string();
  auto started = PgCluster::Start(in.cluster_script, cluster_dir, (in.logs_dir / "models-pg-cluster.log").string());
  if (!started.ok())
    return started.status().WithContext("the models part cannot start its PostgreSQL server (--no-pg skips it)");
  std::unique_ptr<PgCluster> cluster = std::move(*started);
  ASSIGN_OR_RETURN(PgDb db, PgDb::Connect(cluster->dsn()));
  RETURN_IF_ERROR(AutovacuumOff(db));
  ASSIGN_OR_RETURN(std::vector<std::string> version, db.QueryTexts("SHOW server_version"));
  Say(fmt::format("  PostgreSQL {} at {}, autovacuum off; VACUUM ANALYZE and CHECKPOINT before each timed run",
                  version.at(0), cluster->dsn()));
  RETURN_IF_ERROR(WriteMartsProject(dir / "marts"));
  ModelsConfigSpec spec;
  spec.project = "marts/";
  spec.pg_dsn = cluster->dsn();
  spec.pg_schema = kPgSchema;
  RETURN_IF_ERROR(WriteModelsConfig(dir / "sluice.yaml", spec));
  const QueryInt query = [&](const std::string& sql) { return db.QueryInt(sql); };
  const auto settle = [&]() -> Status {
    RETURN_IF_ERROR(db.Exec("VACUUM ANALYZE"));
    RETURN_IF_ERROR(db.Exec("CHECKPOINT"));
    ::sync();
    return Status::Ok();
  };
  auto result = RunMarts(in, "PostgreSQL", dir, files, query, std::string(kPgSchema) + ".", settle, cluster.get());
  if (!result.ok()) return result;  // ~PgCluster stops the server, keeps its files
  const bool keep = in.keep || !result->problems.empty();
  RETURN_IF_ERROR(cluster->Stop(keep));
  if (keep) Say(fmt::format("  server stopped; its files stay in {}", cluster_dir));
  return result;
}

}  // namespace

double CompileResult::median_seconds() const {
  if (runs.empty()) return 0;
  std::vector<double> s;
  for (const ChildRun& r : runs) s.push_back(r.wall_seconds);
  std::sort(s.begin(), s.end());
  return s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
}

bool ModelsBenchResult::correct() const {
  if (compile.compiled_models != compile.models || compile.compiled_tests != compile.tests) return false;
  for (const MartsResult& m : marts)
    if (!m.problems.empty()) return false;
  return freshness.correct();
}

double ModelsBenchResult::busiest_other_cores() const {
  double busiest = 0;
  for (const ChildRun& r : compile.runs) busiest = std::max(busiest, r.other_cores);
  for (const MartsResult& m : marts) busiest = std::max({busiest, m.full.other_cores, m.incremental.other_cores});
  return busiest;
}

Result<ModelsBenchResult> RunModelsBench(const ModelsBenchInput& in) {
  ModelsBenchResult r;
  const fs::path orders_dir = in.dir / "orders";
  for (const fs::path& d : {in.dir, orders_dir, in.dir / "compile", in.dir / "sqlite", in.dir / "pg",
                            in.dir / "fresh"})
    RETURN_IF_ERROR(MakeDir(d));
  // PostgreSQL's server runs as its own user when the bench is root: it
  // must be able to reach its folder.
  std::error_code ec;
  for (const fs::path& d : {in.dir.parent_path(), in.dir, in.dir / "pg"})
    fs::permissions(d, fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::add, ec);

  Say("  (a) parse and compile");
  ASSIGN_OR_RETURN(r.compile, RunCompile(in));

  Say(fmt::format("  (b) marts over {} orders: full build, then +1% orders and the incremental run", in.orders));
  OrderFiles files;
  const int64_t added = std::max<int64_t>(1, in.orders / 100);
  ASSIGN_OR_RETURN(files.base_totals, WriteOrderFiles(orders_dir, "orders", 0, in.orders, in.orders_per_file,
                                                      &files.base));
  ASSIGN_OR_RETURN(OrderTotals more, WriteOrderFiles(orders_dir, "orders-added", in.orders, added,
                                                     in.orders_per_file, &files.added));
  files.all_totals = files.base_totals;
  files.all_totals.Add(more);
  Say(fmt::format("  {} + {} orders, {} + {} order lines, as NDJSON in {}", files.base_totals.orders, more.orders,
                  files.base_totals.lines, more.lines, orders_dir.string()));
  Say("  SQLite:");
  ASSIGN_OR_RETURN(MartsResult sqlite, RunSqliteMarts(in, files));
  r.marts.push_back(std::move(sqlite));
  if (in.pg) {
    Say("  PostgreSQL:");
    ASSIGN_OR_RETURN(MartsResult pg, RunPgMarts(in, files));
    r.marts.push_back(std::move(pg));
  }

  Say(fmt::format("  (c) freshness: sluice serve with models.on_merge, {} orders/s for {:.0f} s", in.freshness_rate,
                  in.freshness_seconds));
  FreshnessInput f;
  f.sluice = in.sluice;
  f.dir = in.dir / "fresh";
  f.logs_dir = in.logs_dir;
  f.seconds = in.freshness_seconds;
  f.rate = in.freshness_rate;
  ASSIGN_OR_RETURN(r.freshness, RunModelsFreshness(f));
  return r;
}

void SayModelsSummary(const ModelsBenchResult& r) {
  Say("--------------------------------- models --------------------------------");
  const CompileResult& c = r.compile;
  std::vector<std::string> walls;
  for (const ChildRun& run : c.runs) walls.push_back(fmt::format("{:.2f}", run.wall_seconds));
  Say(fmt::format("compile: {} models, {} tests; {} s (median {:.2f} s); compiled {} models, {} tests", c.models,
                  c.tests, Join(walls, ", "), c.median_seconds(), c.compiled_models, c.compiled_tests));
  for (const MartsResult& m : r.marts) {
    Say(fmt::format("marts ({}): {} orders: full build {:.2f} s, +{} orders incremental {:.2f} s = {:.1f}%{}",
                    m.backend, m.orders, m.full.wall_seconds, m.added, m.incremental.wall_seconds, m.ratio() * 100,
                    m.problems.empty() ? " (tables checked)" : "   <<<<< WRONG TABLES"));
    // Where the incremental run's time goes: the table mart is rebuilt in
    // full every run, whatever changed.
    const double fct_full = NodeSeconds(m.full_lines, "fct_orders"),
                 fct_inc = NodeSeconds(m.incremental_lines, "fct_orders");
    const double mart_full = NodeSeconds(m.full_lines, "mart_customer_daily"),
                 mart_inc = NodeSeconds(m.incremental_lines, "mart_customer_daily");
    if (fct_full > 0 && fct_inc >= 0 && mart_inc >= 0)
      Say(fmt::format("  as the runs report their models: fct_orders {:.2f} s full, {:.2f} s incremental ({:.1f}%); "
                      "mart_customer_daily (incremental by day) {:.2f} s full, then {:.2f} s",
                      fct_full, fct_inc, fct_inc / fct_full * 100, mart_full, mart_inc));
  }
  const FreshnessResult& f = r.freshness;
  Say(fmt::format("freshness (on_merge, SQLite): {:.0f} orders/s sent, {} of {} probes seen: p50 {:.3f} s, p99 "
                  "{:.3f} s; {:.0f} rebuilds{}",
                  f.sent_rate(), f.latencies.size(), f.probes, f.Percentile(50), f.Percentile(99), f.rebuilds,
                  f.correct() ? "" : "   <<<<< CHECKS FAILED"));
}

void SayModelsGoals(const ModelsBenchResult& r) {
  const double compile = r.compile.median_seconds();
  Say(fmt::format("{}  models compile of {} models and {} tests in {:.2f} s, whole process (goal < {:.0f} s)",
                  Verdict(compile < kCompileGoalSeconds), r.compile.models, r.compile.tests, compile,
                  kCompileGoalSeconds));
  for (const MartsResult& m : r.marts)
    Say(fmt::format("{}  {} incremental run (+1% orders) at {:.1f}% of the full build's time (goal < {:.0f}%)",
                    Verdict(m.ratio() < kIncrementalRatioGoal), m.backend, m.ratio() * 100,
                    kIncrementalRatioGoal * 100));
  const double p99 = r.freshness.Percentile(99);
  Say(fmt::format("{}  on_merge freshness p99 {:.3f} s from 202 to the row in the model (goal < {:.0f} s)",
                  Verdict(p99 < kFreshnessP99GoalSeconds), p99, kFreshnessP99GoalSeconds));
}

}  // namespace sluice::bench
