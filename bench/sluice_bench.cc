// sluice_bench: sluice's load + merge against the seed's plain-SQL way on
// SQLite, the merge against SQLite's own ceiling for its writes, and the
// same on PostgreSQL: sluice's postgres backend against the seed's MERGE;
// sluice's clickhouse backend beside both, and an analytical query on all
// three; sluice's RabbitMQ source against a plain consumer on the same broker.
//
//   sluice_bench --events N --sluice build/sluice [--work-dir DIR] [--keep] [--seed S]
//                [--no-pg | --pg-only] [--no-ch | --ch-only] [--query-rows R]
//                [--no-amqp | --amqp-only] [--no-models | --models-only]
//                [--no-catalog | --catalog-only] [--catalog-types T]
//
// Phases (docs/performance.md explains why each is measured):
//   1. generate N Accounting events as NDJSON files;
//   2. sluice: `sluice load FILES…` then `sluice merge`, each a child process
//      (wall time, CPU time, peak RSS);
//   3. the SQL baseline in-process: lines into stg(payload), then one
//      INSERT … SELECT … ROW_NUMBER() … ON CONFLICT statement;
//   4. SQLite's ceiling: a bare loop of upserts of already-cast rows;
//   5. PostgreSQL (unless --no-pg; pg_bench.h): sluice load and merge, then
//      the seed's COPY and MERGE in SQL, on one throwaway server;
//   6. ClickHouse (unless --no-ch, or no clickhouse-server here; ch_bench.h):
//      sluice load and merge on a throwaway server, the final table compared
//      with SQLite's; then "sum of amount by tenant and day" over
//      --query-rows rows made in each database, on ClickHouse, SQLite and
//      (unless --no-pg) PostgreSQL (query_bench.h);
//   7. AMQP (unless --no-amqp; amqp_bench.h): N protobuf messages of the
//      factory example published persistent with confirms, consumed by a
//      plain rabbitmq-c consumer and by `sluice serve` until all merged, in
//      --amqp-rounds rounds (3) whose median ratio is the goal's figure;
//   8. models (unless --no-models; models_bench.h): `sluice models compile`
//      of a 1 000-model project; a full build and an incremental run of
//      marts over N orders on SQLite and (unless --no-pg) PostgreSQL; the
//      freshness of a model `sluice serve` rebuilds on merge;
//   9. catalog (unless --no-catalog; catalog_bench.h): validation, the
//      first prepare and `sluice status` of a catalog of --catalog-types
//      event types (20 000) and of a tenth of it, on SQLite.
// Exit status: 0 when every phase ran and the final tables agree (goals met
// or not: the report says PASS/MISS), 1 otherwise. --pg-only runs parts 1
// and 5, --ch-only parts 1, 2 and 6, --amqp-only only part 7 (no Accounting
// events), --models-only only part 8, --catalog-only only part 9. Part
// numbers in the report count only the parts that run.
#include <malloc.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "amqp_bench.h"
#include "bench_db.h"
#include "catalog_bench.h"
#include "base/text.h"
#include "ch_bench.h"
#include "ch_node.h"
#include "child_run.h"
#include "config/config.h"
#include "event_generator.h"
#include "models_bench.h"
#include "pg_baseline.h"
#include "pg_bench.h"
#include "report.h"
#include "sql_baseline.h"
#include "sqlite_ceiling.h"
#include "stopwatch.h"
#include "table_compare.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

#ifndef SLUICE_SOURCE_DIR
#define SLUICE_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;

namespace sluice::bench {
namespace {

constexpr double kLoadMergeSpeedupGoal = 3.0;  // × faster than the SQL baseline
constexpr double kCeilingFractionGoal = 0.70;  // of SQLite's upsert ceiling
constexpr int64_t kRssGoalKib = 256 * 1024;    // per sluice child
constexpr double kPgMergeSpeedupGoal = 2.0;    // × faster than the SQL baseline's MERGE on PostgreSQL
constexpr double kChMergeSpeedupGoal = 2.0;    // sluice's merge on ClickHouse × faster than on PostgreSQL
constexpr double kChQuerySpeedupGoal = 5.0;    // the analytical query on ClickHouse × faster than on PostgreSQL
// Peak disk use per event: NDJSON, landing copy, three databases and a WAL
// (1M events measured at about 5 GB), with some margin; PostgreSQL adds a
// second landing copy, two staging tables, two final tables and its WAL.
constexpr int64_t kBytesPerEventOnDisk = 6000;
constexpr int64_t kPgBytesPerEventOnDisk = 6000;
// ClickHouse: sluice's landing copy and bookkeeping, compressed staging and
// final parts. The analytical query's rows: one database at a time, at most
// PostgreSQL's table (about 65 bytes a row) and its WAL.
constexpr int64_t kChBytesPerEventOnDisk = 2000;
constexpr int64_t kQueryBytesPerRow = 150;
// The AMQP part: the broker's two queues (one at a time), sluice's landing
// copy and warehouse of one round (1M measured at about 0.5 GB at the peak;
// a good round's are removed before the next unless --keep).
constexpr int64_t kAmqpBytesPerMessageOnDisk = 1000;
// The models part: the orders' NDJSON (about 250 bytes an order) and two
// warehouses holding their lines, staging rows and the models.
constexpr int64_t kModelsBytesPerOrderOnDisk = 4000;

struct Options {
  int64_t events = 1'000'000;
  int64_t events_per_file = 100'000;
  std::string sluice = "build/sluice";
  std::string config = std::string(SLUICE_SOURCE_DIR) + "/examples/accounting/sluice.yaml";
  std::string work_dir;  // empty: a new folder under /tmp
  bool keep = false;
  bool print_sql = false;
  bool print_pg_sql = false;
  bool pg = true;
  bool pg_only = false;  // phases 1 and 5 only
  bool ch = true;
  bool ch_only = false;  // phases 1, 2 and the ClickHouse part only
  int64_t query_rows = 10'000'000;  // the analytical query's rows on each backend
  bool amqp = true;
  bool amqp_only = false;  // the AMQP part only
  int amqp_prefetch = 500;  // both AMQP consumers' prefetch (the source's default)
  int amqp_rounds = 3;      // rounds of both AMQP consumers; the goal is judged on their median ratio
  bool models = true;
  bool models_only = false;        // the models part only
  double models_seconds = 20;      // the models part's freshness run
  bool catalog = true;
  bool catalog_only = false;  // the catalog part only
  int catalog_types = 20'000;
  uint64_t seed = 1;
};

struct Generated {
  std::vector<std::string> files;
  int64_t events = 0, entries = 0, distinct_items = 0, distinct_keys = 0;
  uint64_t bytes = 0;
  double seconds = 0;
};

uint64_t TreeBytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  return total;
}

Result<Generated> GenerateFiles(const Options& o, const fs::path& dir) {
  Generated g;
  Stopwatch clock;
  EventGenerator generator({.events = o.events, .seed = o.seed});
  AccountingEvent event;
  std::string buffer;
  std::ofstream out;
  int64_t in_file = 0;
  while (generator.Next(&event)) {
    if (!out.is_open() || in_file == o.events_per_file) {
      if (out.is_open()) {
        out << buffer;
        buffer.clear();
        out.close();
        if (!out) return Status::IOError(fmt::format("cannot write '{}'", g.files.back()));
      }
      g.files.push_back((dir / fmt::format("accounting-{:04}.ndjson", g.files.size() + 1)).string());
      out.open(g.files.back(), std::ios::binary | std::ios::trunc);
      if (!out) return Status::IOError(fmt::format("cannot create '{}'", g.files.back()));
      in_file = 0;
    }
    AppendNdjson(event, &buffer);
    ++in_file;
    if (buffer.size() >= (4u << 20)) {
      g.bytes += buffer.size();
      out << buffer;
      buffer.clear();
    }
  }
  g.bytes += buffer.size();
  out << buffer;
  out.close();
  if (!out) return Status::IOError("cannot write the last events file");
  g.events = o.events;
  g.entries = generator.entries_made();
  g.distinct_items = generator.distinct_items();
  g.distinct_keys = generator.distinct_keys();
  g.seconds = clock.Seconds();
  return g;
}

// Runs one sluice subcommand; a failure carries the end of its log.
Result<ChildRun> RunSluice(const Options& o, const fs::path& sluice_dir, const fs::path& log,
                           std::vector<std::string> args) {
  std::vector<std::string> argv = {o.sluice, "-c", (sluice_dir / "sluice.yaml").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunChildChecked(argv, sluice_dir.string(), log.string(), "sluice " + args[0]);
}

int Run(Options o) {
  // The work folder: everything the benchmark writes lives under it.
  fs::path work;
  const bool own_dir = o.work_dir.empty();
  if (own_dir) {
    std::string tmpl = (fs::temp_directory_path() / "sluice_bench.XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
      std::cerr << "error: cannot create a folder under " << fs::temp_directory_path() << "\n";
      return 1;
    }
    work = tmpl;
  } else {
    work = fs::absolute(o.work_dir);
    std::error_code ec;
    fs::create_directories(work, ec);
    if (!fs::is_empty(work, ec)) {
      std::cerr << "error: --work-dir " << work << " must be empty or absent\n";
      return 1;
    }
  }
  const fs::path events_dir = work / "events", sluice_dir = work / "sluice", sql_dir = work / "sql",
                 ceiling_dir = work / "ceiling", logs_dir = work / "logs", pg_dir = work / "pg",
                 ch_dir = work / "ch", amqp_dir = work / "amqp", models_dir = work / "models",
                 catalog_dir = work / "catalog";
  for (const auto& d : {events_dir, sluice_dir, sql_dir, ceiling_dir, logs_dir, pg_dir, ch_dir, amqp_dir, models_dir,
                        catalog_dir}) {
    std::error_code ec;
    fs::create_directories(d, ec);
    if (ec) {
      std::cerr << "error: cannot create " << d << ": " << ec.message() << "\n";
      return 1;
    }
  }
  const auto cleanup = [&] {
    if (o.keep) {
      Say(fmt::format("work files kept in {}", work.string()));
      return;
    }
    std::error_code ec;
    if (own_dir) fs::remove_all(work, ec);
    else
      for (const auto& d : {events_dir, sluice_dir, sql_dir, ceiling_dir, logs_dir, pg_dir, ch_dir, amqp_dir,
                            models_dir, catalog_dir})
        fs::remove_all(d, ec);
  };
  const auto fail = [&](const Status& st) {
    std::cerr << "error: " << st.message() << "\n";
    Say(fmt::format("work files kept for inspection in {}", work.string()));
    return 1;
  };

  if (o.amqp_only)
    Say(fmt::format("sluice_bench --amqp-only: {} AMQP messages, seed {}, sluice {}", o.events, o.seed, o.sluice));
  else if (o.catalog_only)
    Say(fmt::format("sluice_bench --catalog-only: {} event types, sluice {}", o.catalog_types, o.sluice));
  else if (o.models_only)
    Say(fmt::format("sluice_bench --models-only: {} orders, sluice {}", o.events, o.sluice));
  else
    Say(fmt::format("sluice_bench: {} Accounting events, seed {}, sluice {}", o.events, o.seed, o.sluice));
  Say(fmt::format("work folder {}", work.string()));
  if (o.ch && !o.amqp_only && !o.models_only && !o.catalog_only && FindClickHouseServer().empty()) {
    Say("NOTE: the ClickHouse part is skipped: no ClickHouse server here (clickhouse-server on PATH or in /usr/sbin, "
        "clickhouse, or $CLICKHOUSE_SERVER; scripts/install-deps.sh installs it)");
    o.ch = false;
  }
  struct statvfs vfs {};
  if (::statvfs(work.c_str(), &vfs) == 0) {
    const uint64_t free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    const int64_t per_event = o.catalog_only  ? 0
                              : o.amqp_only   ? kAmqpBytesPerMessageOnDisk
                              : o.models_only ? kModelsBytesPerOrderOnDisk
                                              : kBytesPerEventOnDisk + (o.pg ? kPgBytesPerEventOnDisk : 0) +
                                                    (o.ch ? kChBytesPerEventOnDisk : 0) +
                                                    (o.amqp && !o.pg_only ? kAmqpBytesPerMessageOnDisk : 0) +
                                                    (o.models ? kModelsBytesPerOrderOnDisk : 0);
    const uint64_t need = static_cast<uint64_t>(o.events) * static_cast<uint64_t>(per_event) +
                          (o.ch ? static_cast<uint64_t>(o.query_rows * kQueryBytesPerRow) : 0);
    if (free_bytes < need)
      Say(fmt::format("WARNING: {} free there; this run needs about {}", Gb(free_bytes), Gb(need)));
  }

  // 6. AMQP: sluice's RabbitMQ source against a plain consumer.
  const auto run_amqp = [&](int phase, int phases) -> Result<AmqpBenchResult> {
    Say(fmt::format("\n[{}/{}] AMQP: {} protobuf messages published persistent with confirms, consumed by a plain "
                    "rabbitmq-c consumer and by sluice serve until merged, {} round{}, on one throwaway broker",
                    phase, phases, o.events, o.amqp_rounds, o.amqp_rounds == 1 ? "" : "s"));
    ::malloc_trim(0);
    AmqpBenchInput in;
    in.sluice = o.sluice;
    in.node_script = std::string(SLUICE_SOURCE_DIR) + "/scripts/rabbitmq-node.sh";
    in.example_dir = std::string(SLUICE_SOURCE_DIR) + "/examples/factory";
    in.dir = amqp_dir;
    in.logs_dir = logs_dir;
    in.messages = o.events;
    in.seed = o.seed;
    in.keep = o.keep;
    in.prefetch = static_cast<uint16_t>(o.amqp_prefetch);
    in.rounds = o.amqp_rounds;
    return RunAmqpBench(in);
  };
  const auto say_amqp_goal = [](const AmqpBenchResult& a) {
    const AmqpRound& median = a.median_round();
    Say(fmt::format("{}  AMQP: sluice consume→landed→merged at {:.0f}% of the plain consumer's rate, the median of {} "
                    "round{} (the median round: {:.0f} of {:.0f} msg/s; goal >= {:.0f}%){}",
                    Verdict(a.median_ratio() >= kAmqpRatioGoal), a.median_ratio() * 100, a.rounds.size(),
                    a.rounds.size() == 1 ? "" : "s", median.merged_rate(), median.plain_rate(), kAmqpRatioGoal * 100,
                    a.prefetch == 500 ? "" : fmt::format(" -- at prefetch {}, not the source's default 500: for "
                                                         "information only", a.prefetch)));
  };
  // 7. models: `sluice models` and on_merge freshness (models_bench.h).
  const auto run_models = [&](int phase, int phases) -> Result<ModelsBenchResult> {
    Say(fmt::format("\n[{}/{}] models: parse and compile a 1 000-model project; marts over {} orders on SQLite{}; "
                    "on_merge freshness",
                    phase, phases, o.events, o.pg ? " and PostgreSQL" : ""));
    ::malloc_trim(0);
    ModelsBenchInput in;
    in.sluice = o.sluice;
    in.cluster_script = std::string(SLUICE_SOURCE_DIR) + "/scripts/pg-cluster.sh";
    in.dir = models_dir;
    in.logs_dir = logs_dir;
    in.orders = o.events;
    in.orders_per_file = o.events_per_file;
    in.pg = o.pg;
    in.keep = o.keep;
    in.freshness_seconds = o.models_seconds;
    return RunModelsBench(in);
  };
  const auto say_models_note = [](const ModelsBenchResult& m) {
    if (m.busiest_other_cores() >= 0.25)
      Say(fmt::format("NOTE: other work kept up to {:.2f} of this machine's {} cores busy during a timed models "
                      "phase; the figures above are noisier than usual.",
                      m.busiest_other_cores(), ::sysconf(_SC_NPROCESSORS_ONLN)));
    if (!m.correct()) Say("!!!!! models checks failed: see the models part above");
  };
  // 9. the catalog: many event types (catalog_bench.h).
  const auto run_catalog = [&](int phase, int phases) -> Result<CatalogBenchResult> {
    Say(fmt::format("\n[{}/{}] catalog: validation, first prepare and sluice status of {} and {} event types on "
                    "SQLite (child processes, whole process)",
                    phase, phases, std::max(1, o.catalog_types / 10), o.catalog_types));
    ::malloc_trim(0);
    CatalogBenchInput in;
    in.sluice = o.sluice;
    in.dir = catalog_dir;
    in.logs_dir = logs_dir;
    in.types = o.catalog_types;
    return RunCatalogBench(in);
  };
  const auto say_catalog_note = [](const CatalogBenchResult& c) {
    if (!c.correct()) Say("!!!!! catalog checks failed: sluice status did not list every type (see above)");
  };
  if (o.catalog_only) {
    auto catalog = run_catalog(1, 1);
    if (!catalog.ok()) return fail(catalog.status());
    Say("\n================================ summary ================================");
    Say("(--catalog-only: the load, merge, AMQP and models parts did not run)");
    SayCatalogSummary(*catalog);
    Say("-------------------------------- goals ----------------------------------");
    SayCatalogGoals(*catalog);
    Say("=========================================================================");
    if (catalog->busiest_other_cores() >= 0.25)
      Say(fmt::format("NOTE: other work kept up to {:.2f} of this machine's {} cores busy during a measured phase; "
                      "the figures above are noisier than usual.",
                      catalog->busiest_other_cores(), ::sysconf(_SC_NPROCESSORS_ONLN)));
    say_catalog_note(*catalog);
    if (!catalog->correct()) {
      Say(fmt::format("work files kept for inspection in {}", work.string()));
      return 1;
    }
    cleanup();
    return 0;
  }

  if (o.models_only) {
    auto models = run_models(1, 1);
    if (!models.ok()) return fail(models.status());
    Say("\n================================ summary ================================");
    Say("(--models-only: the load, merge and AMQP parts did not run)");
    SayModelsSummary(*models);
    Say("-------------------------------- goals ----------------------------------");
    SayModelsGoals(*models);
    Say("=========================================================================");
    say_models_note(*models);
    if (!models->correct()) {
      Say(fmt::format("work files kept for inspection in {}", work.string()));
      return 1;
    }
    cleanup();
    return 0;
  }

  if (o.amqp_only) {
    auto amqp = run_amqp(1, 1);
    if (!amqp.ok()) return fail(amqp.status());
    Say("\n================================ summary ================================");
    Say("(--amqp-only: the SQLite and PostgreSQL parts did not run)");
    SayAmqpSummary(*amqp);
    Say("-------------------------------- goals ----------------------------------");
    say_amqp_goal(*amqp);
    Say("=========================================================================");
    if (amqp->busiest_other_cores() >= 0.25)
      Say(fmt::format("NOTE: other work kept up to {:.2f} of this machine's {} cores busy during a measured phase; "
                      "the figures above are noisier than usual.",
                      amqp->busiest_other_cores(), ::sysconf(_SC_NPROCESSORS_ONLN)));
    if (!amqp->correct()) {
      Say("!!!!! AMQP checks failed: see above");
      Say(fmt::format("work files kept for inspection in {}", work.string()));
      return 1;
    }
    cleanup();
    return 0;
  }

  // The catalog entry both sides write: the example's config, copied so that
  // sluice's data folder (data_dir: data) lands in the work folder.
  std::error_code copy_error;
  if (!fs::copy_file(o.config, sluice_dir / "sluice.yaml", fs::copy_options::overwrite_existing, copy_error))
    return fail(Status::IOError(fmt::format("cannot copy {}: {}", o.config, copy_error.message())));
  auto config = LoadConfig((sluice_dir / "sluice.yaml").string());
  if (!config.ok()) return fail(config.status());
  const EventSpec* event = config->catalog.Find("Accounting");
  if (!event) return fail(Status::InvalidArgument(fmt::format("{} has no Accounting event", o.config)));

  // PostgreSQL's server runs as its own user (`postgres` when the bench is
  // root), which must be able to reach its folder under the work folder.
  if (o.pg) {
    std::error_code ec;
    fs::permissions(work, fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::add, ec);
  }
  const int phases = o.pg_only   ? 2
                     : o.ch_only ? 3
                                 : (o.pg ? 5 : 4) + (o.ch ? 1 : 0) + (o.amqp ? 1 : 0) + (o.models ? 1 : 0) +
                                       (o.catalog ? 1 : 0);

  // 1. The events.
  Say(fmt::format("\n[1/{}] generating events", phases));
  auto generated = GenerateFiles(o, events_dir);
  if (!generated.ok()) return fail(generated.status());
  const Generated& g = *generated;
  Say(fmt::format("  {} events in {} files ({}), {} entries, {} distinct items, {} updates; {} final rows "
                  "expected; {:.1f} s",
                  g.events, g.files.size(), Gb(g.bytes), g.entries, g.distinct_items, g.events - g.distinct_items,
                  g.distinct_keys, g.seconds));

  // 5. PostgreSQL: sluice's backend and the seed's way in SQL on one server.
  const auto run_pg = [&]() -> Result<PgBenchResult> {
    Say(fmt::format("\n[{}/{}] PostgreSQL: sluice load and merge (child processes), then the SQL baseline "
                    "(COPY into stg(payload jsonb), one MERGE), on one throwaway server",
                    o.pg_only ? 2 : 5, phases));
    // The ceiling's cast rows are freed, but glibc keeps the pages; handing
    // them back keeps the children's peak RSS their own (child_run.h).
    ::malloc_trim(0);
    PgBenchInput in;
    in.sluice = o.sluice;
    in.example_config = o.config;
    in.cluster_script = std::string(SLUICE_SOURCE_DIR) + "/scripts/pg-cluster.sh";
    in.dir = pg_dir;
    in.logs_dir = logs_dir;
    in.files = g.files;
    in.keep = o.keep;
    return RunPgBench(in, *event);
  };
  // 6. ClickHouse: sluice's backend, compared with sluice's SQLite table;
  // the analytical query on every backend.
  const auto run_ch = [&](int phase) -> Result<ChBenchResult> {
    Say(fmt::format("\n[{}/{}] ClickHouse: sluice load and merge (child processes) on one throwaway server, the "
                    "final table compared with SQLite's; then sum(amount) by tenant and day over {} rows made in "
                    "ClickHouse, SQLite{}",
                    phase, phases, o.query_rows, o.pg ? " and PostgreSQL" : ""));
    ::malloc_trim(0);
    ChBenchInput in;
    in.sluice = o.sluice;
    in.example_config = o.config;
    in.node_script = std::string(SLUICE_SOURCE_DIR) + "/scripts/clickhouse-node.sh";
    in.cluster_script = std::string(SLUICE_SOURCE_DIR) + "/scripts/pg-cluster.sh";
    in.dir = ch_dir;
    in.logs_dir = logs_dir;
    in.files = g.files;
    in.sqlite_warehouse = SqliteWarehouse::PathIn(config->data_dir);
    in.query_rows = o.query_rows;
    in.pg = o.pg;
    in.keep = o.keep;
    return RunChBench(in, *event);
  };
  const auto say_ch_goals = [&](const ChBenchResult& c, std::optional<double> pg_merge_seconds) {
    if (pg_merge_seconds) {
      const double ratio = ChMergeSpeedup(c, *pg_merge_seconds);
      Say(fmt::format("{}  merge on ClickHouse {:.2f}x faster than on PostgreSQL ({:.2f} s against {:.2f} s; goal "
                      ">= {:.0f}x)",
                      Verdict(ratio >= kChMergeSpeedupGoal), ratio, c.merge.wall_seconds, *pg_merge_seconds,
                      kChMergeSpeedupGoal));
    } else {
      Say(fmt::format("----  merge on ClickHouse against PostgreSQL: not measured, sluice's PostgreSQL part did not "
                      "run (goal >= {:.0f}x)",
                      kChMergeSpeedupGoal));
    }
    if (c.query.pg.ran && c.query.ch.ran) {
      const double ratio = ChQuerySpeedup(c);
      Say(fmt::format("{}  analytical query on ClickHouse {:.1f}x faster than on PostgreSQL ({:.3f} s against {:.3f} "
                      "s, {} rows, best of {}; goal >= {:.0f}x)",
                      Verdict(ratio >= kChQuerySpeedupGoal), ratio, c.query.ch.best(), c.query.pg.best(),
                      c.query.rows, kQueryRuns, kChQuerySpeedupGoal));
    } else {
      Say(fmt::format("----  analytical query on ClickHouse against PostgreSQL: not measured{} (goal >= {:.0f}x)",
                      o.pg ? "" : " (--no-pg)", kChQuerySpeedupGoal));
    }
  };
  if (o.pg_only) {
    auto pg = run_pg();
    if (!pg.ok()) return fail(pg.status());
    const int64_t peak_rss = std::max(pg->load_child.max_rss_kib, pg->merge_child.max_rss_kib);
    const double busiest = std::max({pg->load.other_cores, pg->merge.other_cores, pg->baseline.load.other_cores,
                                     pg->baseline.merge.other_cores});
    const bool agree = pg->same.identical() && pg->sluice_rows == g.distinct_keys;
    Say("\n================================ summary ================================");
    Say(fmt::format("events {}   entries {}   NDJSON {}   (--pg-only: the SQLite phases did not run)", g.events,
                    g.entries, Gb(g.bytes)));
    SayPgSummary(*pg, g.events);
    Say("-------------------------------- goals ----------------------------------");
    Say(fmt::format("{}  PostgreSQL merge {:.2f}x faster than the SQL baseline's MERGE on the same server "
                    "(goal >= {:.0f}x)",
                    Verdict(PgMergeSpeedup(*pg) >= kPgMergeSpeedupGoal), PgMergeSpeedup(*pg), kPgMergeSpeedupGoal));
    Say(fmt::format("{}  peak RSS of every sluice child {} (goal < {})", Verdict(peak_rss < kRssGoalKib),
                    Mib(peak_rss), Mib(kRssGoalKib)));
    Say("=========================================================================");
    if (busiest >= 0.25)
      Say(fmt::format("NOTE: other work kept up to {:.2f} of this machine's {} cores busy during a measured phase; "
                      "the figures above are noisier than usual.",
                      busiest, ::sysconf(_SC_NPROCESSORS_ONLN)));
    if (!agree) {
      Say(fmt::format("!!!!! the final tables differ, or sluice has {} rows where the generator made {} keys",
                      pg->sluice_rows, g.distinct_keys));
      Say(fmt::format("work files kept for inspection in {}", work.string()));
      return 1;
    }
    cleanup();
    return 0;
  }

  // 2. sluice, as users run it. Each timed phase starts with nothing dirty
  // in the page cache, so no phase pays for the previous one's writes.
  ::sync();
  Say(fmt::format("\n[2/{}] sluice load, then sluice merge (child processes)", phases));
  std::vector<std::string> load_args = {"load"};
  load_args.insert(load_args.end(), g.files.begin(), g.files.end());
  auto load = RunSluice(o, sluice_dir, logs_dir / "sluice-load.log", load_args);
  if (!load.ok()) return fail(load.status());
  SayPhase("sluice load", load->wall_seconds, load->user_seconds + load->system_seconds, load->other_cores,
           RssNote(*load));
  ::sync();
  auto merge = RunSluice(o, sluice_dir, logs_dir / "sluice-merge.log", {"merge"});
  if (!merge.ok()) return fail(merge.status());
  SayPhase("sluice merge", merge->wall_seconds, merge->user_seconds + merge->system_seconds, merge->other_cores,
           RssNote(*merge));
  Say("  " + LastLine(logs_dir / "sluice-merge.log"));
  const std::string warehouse = SqliteWarehouse::PathIn(config->data_dir);
  int64_t sluice_rows = 0;
  {
    auto db = BenchDb::Open(warehouse, false);
    if (!db.ok()) return fail(db.status());
    auto rows = db->QueryInt(fmt::format("SELECT count(*) FROM {}", QuoteIdent(event->table)));
    if (!rows.ok()) return fail(rows.status());
    sluice_rows = *rows;
  }
  const uint64_t sluice_bytes = TreeBytes(sluice_dir / "data");
  Say(fmt::format("  final rows {}; data folder {} (landing + warehouse)", sluice_rows, Gb(sluice_bytes)));

  if (o.ch_only) {
    auto ch = run_ch(3);
    if (!ch.ok()) return fail(ch.status());
    const int64_t peak_rss = std::max({load->max_rss_kib, merge->max_rss_kib, ch->load_child.max_rss_kib,
                                       ch->merge_child.max_rss_kib});
    const double busiest = std::max({load->other_cores, merge->other_cores, ch->load.other_cores,
                                     ch->merge.other_cores});
    const bool agree = ch->correct() && sluice_rows == g.distinct_keys;
    Say("\n================================ summary ================================");
    Say(fmt::format("events {}   entries {}   final rows {}   NDJSON {}   (--ch-only: the SQL baseline, the ceiling "
                    "and PostgreSQL's load and merge did not run)",
                    g.events, g.entries, sluice_rows, Gb(g.bytes)));
    SayChSummary(*ch, g.events, {load->wall_seconds, merge->wall_seconds, std::nullopt, std::nullopt});
    Say("-------------------------------- goals ----------------------------------");
    say_ch_goals(*ch, std::nullopt);
    Say(fmt::format("{}  peak RSS of every sluice child {} (goal < {})", Verdict(peak_rss < kRssGoalKib),
                    Mib(peak_rss), Mib(kRssGoalKib)));
    Say("=========================================================================");
    if (busiest >= 0.25)
      Say(fmt::format("NOTE: other work kept up to {:.2f} of this machine's {} cores busy during a measured phase; "
                      "the figures above are noisier than usual.",
                      busiest, ::sysconf(_SC_NPROCESSORS_ONLN)));
    if (!agree) {
      Say(fmt::format("!!!!! ClickHouse's final table or the analytical query's results differ, or sluice has {} "
                      "rows where the generator made {} keys: see above",
                      sluice_rows, g.distinct_keys));
      Say(fmt::format("work files kept for inspection in {}", work.string()));
      return 1;
    }
    cleanup();
    return 0;
  }

  // 3. The seed's way on SQLite.
  Say(fmt::format("\n[3/{}] SQL baseline (in-process SQLite: stg(payload), then one INSERT … SELECT … ON CONFLICT)",
                  phases));
  const std::string baseline_db = (sql_dir / "baseline.db").string();
  ::sync();
  auto sql = RunSqlBaseline(*event, g.files, baseline_db);
  if (!sql.ok()) return fail(sql.status());
  SayPhase("SQL load", sql->load.wall_seconds, sql->load.cpu_seconds, sql->load.other_cores,
           fmt::format("{} lines", sql->staged_lines));
  SayPhase("SQL merge", sql->merge.wall_seconds, sql->merge.cpu_seconds, sql->merge.other_cores,
           fmt::format("final rows {}", sql->final_rows));
  auto same = CompareFinalTables(*event, baseline_db, warehouse);
  if (!same.ok()) return fail(same.status());
  if (same->identical()) {
    Say(fmt::format("  sluice's and the baseline's final tables are identical ({} rows)", same->left_rows));
  } else {
    Say(fmt::format("\n  !!!!! WARNING: THE FINAL TABLES DIFFER: baseline {} rows, sluice {} rows, {} equal "
                    "rows. The timings do not compare like with like. Differing keys: {}\n",
                    same->left_rows, same->right_rows, same->equal_rows, fmt::join(same->differences, "; ")));
  }
  if (sluice_rows != g.distinct_keys)
    Say(fmt::format("  !!!!! WARNING: sluice has {} final rows, the generator made {} distinct keys", sluice_rows,
                    g.distinct_keys));

  // 4. SQLite's ceiling for the merge's writes.
  Say(fmt::format("\n[4/{}] SQLite ceiling (bare loop of prepared upserts of already-cast rows)", phases));
  CeilingResult ceiling;
  {
    Stopwatch prepare;
    CastRows rows;
    rows.Reserve(static_cast<size_t>(g.entries));
    EventGenerator generator({.events = o.events, .seed = o.seed});
    AccountingEvent ev;
    while (generator.Next(&ev)) rows.Append(ev);
    Say(fmt::format("  {} cast rows prepared in memory in {:.1f} s (not timed)", rows.rows(), prepare.Seconds()));
    ::sync();
    auto c = RunSqliteCeiling(*event, rows, (ceiling_dir / "ceiling.db").string());
    if (!c.ok()) return fail(c.status());
    ceiling = *c;
  }
  SayPhase("upsert loop", ceiling.loop.wall_seconds, ceiling.loop.cpu_seconds, ceiling.loop.other_cores,
           fmt::format("{} upserts, final rows {}", ceiling.upserts, ceiling.final_rows));

  // 5. PostgreSQL (run_pg above).
  std::optional<PgBenchResult> pg;
  if (o.pg) {
    auto result = run_pg();
    if (!result.ok()) return fail(result.status());
    pg = std::move(*result);
  }

  // 6. ClickHouse (run_ch above).
  std::optional<ChBenchResult> ch;
  if (o.ch) {
    auto result = run_ch(o.pg ? 6 : 5);
    if (!result.ok()) return fail(result.status());
    ch = std::move(*result);
  }

  // 7. AMQP (run_amqp above).
  std::optional<AmqpBenchResult> amqp;
  if (o.amqp) {
    auto result = run_amqp(phases - (o.models ? 1 : 0) - (o.catalog ? 1 : 0), phases);
    if (!result.ok()) return fail(result.status());
    amqp = std::move(*result);
  }

  // 8. models (run_models above).
  std::optional<ModelsBenchResult> models;
  if (o.models) {
    auto result = run_models(phases - (o.catalog ? 1 : 0), phases);
    if (!result.ok()) return fail(result.status());
    models = std::move(*result);
  }

  // 9. the catalog (run_catalog above).
  std::optional<CatalogBenchResult> catalog;
  if (o.catalog) {
    auto result = run_catalog(phases, phases);
    if (!result.ok()) return fail(result.status());
    catalog = std::move(*result);
  }

  // The summary.
  const double sluice_total = load->wall_seconds + merge->wall_seconds;
  const double sql_total = sql->load.wall_seconds + sql->merge.wall_seconds;
  const double speedup = sql_total / sluice_total;
  const auto rate = [](int64_t n, double s) { return s > 0 ? static_cast<double>(n) / s : 0.0; };
  const double merge_rate = rate(sluice_rows, merge->wall_seconds);
  const double ceiling_rate = rate(ceiling.final_rows, ceiling.loop.wall_seconds);
  const double fraction = ceiling_rate > 0 ? merge_rate / ceiling_rate : 0;
  int64_t peak_rss = std::max(load->max_rss_kib, merge->max_rss_kib);
  const bool rows_agree = same->identical() && sluice_rows == ceiling.final_rows;
  double busiest = std::max({load->other_cores, merge->other_cores, sql->load.other_cores,
                             sql->merge.other_cores, ceiling.loop.other_cores});
  if (pg) {
    peak_rss = std::max({peak_rss, pg->load_child.max_rss_kib, pg->merge_child.max_rss_kib});
    busiest = std::max({busiest, pg->load.other_cores, pg->merge.other_cores, pg->baseline.load.other_cores,
                        pg->baseline.merge.other_cores});
  }
  const bool pg_agree = !pg || (pg->same.identical() && pg->sluice_rows == sluice_rows);
  if (ch) {
    peak_rss = std::max({peak_rss, ch->load_child.max_rss_kib, ch->merge_child.max_rss_kib});
    busiest = std::max({busiest, ch->load.other_cores, ch->merge.other_cores});
  }
  const bool ch_agree = !ch || (ch->correct() && ch->sluice_rows == sluice_rows);
  if (amqp) busiest = std::max(busiest, amqp->busiest_other_cores());
  if (catalog) busiest = std::max(busiest, catalog->busiest_other_cores());
  const bool amqp_correct = !amqp || amqp->correct();

  const auto row = [](std::string_view name, double wall, double cpu, std::string rate_text, std::string rss,
                      double other) {
    Say(fmt::format("{:<24}{:9.2f} {:8.2f}  {:<20} {:>10}  {:6.2f}", name, wall, cpu, rate_text, rss, other));
  };
  Say("\n================================ summary ================================");
  Say(fmt::format("events {}   entries {}   final rows {}   NDJSON {}", g.events, g.entries, sluice_rows,
                  Gb(g.bytes)));
  Say(fmt::format("{:<24}{:>9} {:>8}  {:<20} {:>10}  {:>6}", "", "wall s", "cpu s", "rate", "peak RSS", "other"));
  row("sluice load", load->wall_seconds, load->user_seconds + load->system_seconds,
      fmt::format("{:>9.0f} events/s", rate(g.events, load->wall_seconds)), Mib(load->max_rss_kib),
      load->other_cores);
  row("sluice merge", merge->wall_seconds, merge->user_seconds + merge->system_seconds,
      fmt::format("{:>9.0f} rows/s", merge_rate), Mib(merge->max_rss_kib), merge->other_cores);
  Say(fmt::format("{:<24}{:9.2f}", "sluice load+merge", sluice_total));
  row("SQL baseline load", sql->load.wall_seconds, sql->load.cpu_seconds,
      fmt::format("{:>9.0f} events/s", rate(g.events, sql->load.wall_seconds)), "", sql->load.other_cores);
  row("SQL baseline merge", sql->merge.wall_seconds, sql->merge.cpu_seconds,
      fmt::format("{:>9.0f} rows/s", rate(sql->final_rows, sql->merge.wall_seconds)), "", sql->merge.other_cores);
  Say(fmt::format("{:<24}{:9.2f}", "SQL baseline load+merge", sql_total));
  row("SQLite upsert ceiling", ceiling.loop.wall_seconds, ceiling.loop.cpu_seconds,
      fmt::format("{:>9.0f} rows/s", ceiling_rate), "", ceiling.loop.other_cores);
  Say(fmt::format("(rates: load in events/s; merges in final rows/s; the ceiling ran {:.0f} upserts/s. "
                  "other: cores busy with other work meanwhile)", rate(ceiling.upserts, ceiling.loop.wall_seconds)));
  Say(fmt::format("final rows: sluice {}, SQL baseline {}, ceiling {}{}", sluice_rows, sql->final_rows,
                  ceiling.final_rows, rows_agree ? " (sluice's and the baseline's tables identical)"
                                                 : "   <<<<< MISMATCH"));
  if (pg) SayPgSummary(*pg, g.events);
  if (ch)
    SayChSummary(*ch, g.events,
                 {load->wall_seconds, merge->wall_seconds,
                  pg ? std::optional<double>(pg->load.wall_seconds) : std::nullopt,
                  pg ? std::optional<double>(pg->merge.wall_seconds) : std::nullopt});
  if (amqp) SayAmqpSummary(*amqp);
  if (models) SayModelsSummary(*models);
  if (catalog) SayCatalogSummary(*catalog);
  Say("-------------------------------- goals ----------------------------------");
  Say(fmt::format("{}  load+merge {:.2f}x faster than the SQL baseline (goal >= {:.0f}x)",
                  Verdict(speedup >= kLoadMergeSpeedupGoal), speedup, kLoadMergeSpeedupGoal));
  Say(fmt::format("{}  merge at {:.0f}% of SQLite's upsert ceiling (goal >= {:.0f}%)",
                  Verdict(fraction >= kCeilingFractionGoal), fraction * 100, kCeilingFractionGoal * 100));
  if (pg)
    Say(fmt::format("{}  PostgreSQL merge {:.2f}x faster than the SQL baseline's MERGE on the same server "
                    "(goal >= {:.0f}x)",
                    Verdict(PgMergeSpeedup(*pg) >= kPgMergeSpeedupGoal), PgMergeSpeedup(*pg), kPgMergeSpeedupGoal));
  if (ch) say_ch_goals(*ch, pg ? std::optional<double>(pg->merge.wall_seconds) : std::nullopt);
  Say(fmt::format("{}  peak RSS of every sluice child {} (goal < {})", Verdict(peak_rss < kRssGoalKib),
                  Mib(peak_rss), Mib(kRssGoalKib)));
  if (amqp) say_amqp_goal(*amqp);
  if (models) SayModelsGoals(*models);
  if (catalog) SayCatalogGoals(*catalog);
  Say("=========================================================================");
  if (busiest >= 0.25)
    Say(fmt::format("NOTE: other work kept up to {:.2f} of this machine's {} cores busy during a measured phase; "
                    "the figures above are noisier than usual.",
                    busiest, ::sysconf(_SC_NPROCESSORS_ONLN)));
  if (!amqp_correct) Say("!!!!! AMQP checks failed: see the AMQP part above");
  if (models) say_models_note(*models);
  if (catalog) say_catalog_note(*catalog);
  const bool models_correct = !models || models->correct();
  const bool catalog_correct = !catalog || catalog->correct();
  if (!rows_agree || !pg_agree || !ch_agree || !amqp_correct || !models_correct || !catalog_correct) {
    if (!rows_agree || !pg_agree) Say("!!!!! the final tables differ: see the warning above");
    if (!ch_agree)
      Say("!!!!! ClickHouse's final table or the analytical query's results differ: see the ClickHouse part");
    Say(fmt::format("work files kept for inspection in {}", work.string()));
    return 1;
  }
  cleanup();
  return 0;
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) {
  sluice::bench::Options o;
  CLI::App app{"sluice_bench: sluice's load + merge against the plain-SQL way on SQLite and on PostgreSQL, and its "
               "RabbitMQ source against a plain consumer, and sluice models"};
  app.add_option("--events,-n", o.events, "number of Accounting events (and of AMQP messages)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--sluice", o.sluice, "the sluice binary to run")->capture_default_str();
  app.add_option("--config", o.config, "the sluice.yaml with the Accounting event")
      ->check(CLI::ExistingFile)->capture_default_str();
  app.add_option("--work-dir", o.work_dir, "where to write; must be empty or absent (default: a new folder "
                 "under /tmp). What the bench writes is removed afterwards unless --keep");
  app.add_flag("--keep", o.keep, "keep the work files");
  app.add_flag("--print-sql", o.print_sql, "print the SQL baseline's merge statement and exit");
  app.add_flag("--print-pg-sql", o.print_pg_sql, "print the PostgreSQL SQL baseline's MERGE statement and exit");
  app.add_flag("--pg,!--no-pg", o.pg,
               "run the PostgreSQL part, on a throwaway cluster from scripts/pg-cluster.sh (default: on)");
  app.add_flag("--pg-only", o.pg_only,
               "generate the events, then run only the PostgreSQL part (no SQLite phases; for quicker iterations)");
  app.add_flag("--ch,!--no-ch", o.ch,
               "run the ClickHouse part, on a throwaway server from scripts/clickhouse-node.sh: sluice load and merge, "
               "and the analytical query on every backend (default: on; skipped with a note when no clickhouse-server "
               "is installed)");
  app.add_flag("--ch-only", o.ch_only,
               "generate the events, then run only sluice on SQLite (the reference table) and the ClickHouse part "
               "(the analytical query on PostgreSQL too, unless --no-pg)");
  app.add_option("--query-rows", o.query_rows,
                 "rows the analytical query of the ClickHouse part reads on each backend (made in each database)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  app.add_flag("--amqp,!--no-amqp", o.amqp,
               "run the AMQP part: a throwaway RabbitMQ broker from scripts/rabbitmq-node.sh, a plain consumer "
               "against sluice serve (default: on)");
  app.add_flag("--amqp-only", o.amqp_only,
               "run only the AMQP part, with --events messages (no Accounting events, no SQLite or PostgreSQL parts)");
  app.add_option("--amqp-prefetch", o.amqp_prefetch,
                 "the prefetch of both AMQP consumers, the plain one and sluice's source (the goal is measured at the "
                 "source's default, 500)")
      ->check(CLI::Range(1, 65535))->capture_default_str();
  app.add_option("--amqp-rounds", o.amqp_rounds,
                 "rounds of the AMQP part, each timing the plain consumer and sluice on the same messages (the "
                 "first alternating); the goal is judged on the median of the rounds' ratios")
      ->check(CLI::Range(1, 99))->capture_default_str();
  app.add_flag("--models,!--no-models", o.models,
               "run the models part: sluice models compile, full and incremental builds over --events orders on "
               "SQLite and PostgreSQL, on_merge freshness (default: on)");
  app.add_flag("--models-only", o.models_only,
               "run only the models part, with --events orders (no Accounting events, no load/merge or AMQP parts)");
  app.add_option("--models-seconds", o.models_seconds, "how long the models part posts events for its freshness")
      ->check(CLI::Range(1.0, 600.0))->capture_default_str();
  app.add_flag("--catalog,!--no-catalog", o.catalog,
               "run the catalog part: validation, first prepare and sluice status of --catalog-types event types "
               "and of a tenth of them, on SQLite (default: on)");
  app.add_flag("--catalog-only", o.catalog_only, "run only the catalog part (no events, no other part)");
  app.add_option("--catalog-types", o.catalog_types, "event types in the catalog part's larger catalog")
      ->check(CLI::Range(10, 50'000))->capture_default_str();
  app.add_option("--seed", o.seed, "the generator's seed")->capture_default_str();
  app.add_option("--events-per-file", o.events_per_file, "events per NDJSON file")
      ->check(CLI::PositiveNumber)->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::cerr << "error: " << e.what() << "\nRun with --help for more information.\n";
    return 2;
  }
  if (o.pg_only && !o.pg) {
    std::cerr << "error: --pg-only and --no-pg leave nothing to run\n";
    return 2;
  }
  if (o.amqp_only && !o.amqp) {
    std::cerr << "error: --amqp-only and --no-amqp leave nothing to run\n";
    return 2;
  }
  if (o.amqp_only && o.pg_only) {
    std::cerr << "error: --amqp-only and --pg-only exclude each other\n";
    return 2;
  }
  if (o.models_only && !o.models) {
    std::cerr << "error: --models-only and --no-models leave nothing to run\n";
    return 2;
  }
  if (o.models_only && (o.pg_only || o.amqp_only)) {
    std::cerr << "error: --models-only excludes --pg-only and --amqp-only\n";
    return 2;
  }
  if (o.ch_only && !o.ch) {
    std::cerr << "error: --ch-only and --no-ch leave nothing to run\n";
    return 2;
  }
  if (o.catalog_only && !o.catalog) {
    std::cerr << "error: --catalog-only and --no-catalog leave nothing to run\n";
    return 2;
  }
  if (o.catalog_only && (o.pg_only || o.amqp_only || o.models_only || o.ch_only)) {
    std::cerr << "error: --catalog-only excludes --pg-only, --amqp-only, --models-only and --ch-only\n";
    return 2;
  }
  if (o.ch_only && (o.pg_only || o.amqp_only || o.models_only)) {
    std::cerr << "error: --ch-only excludes --pg-only, --amqp-only and --models-only\n";
    return 2;
  }
  if (o.ch_only && sluice::bench::FindClickHouseServer().empty()) {
    std::cerr << "error: --ch-only: no ClickHouse server here (clickhouse-server on PATH or in /usr/sbin, clickhouse, "
                 "or $CLICKHOUSE_SERVER; scripts/install-deps.sh installs it)\n";
    return 1;
  }
  if (o.pg_only || o.amqp_only || o.models_only || o.ch_only) o.catalog = false;
  if (o.catalog_only) o.pg = o.amqp = o.models = false;
  if (o.pg_only) o.amqp = false;  // only PostgreSQL
  if (o.pg_only || o.amqp_only || o.models_only || o.catalog_only) o.ch = false;
  if (o.ch_only) o.amqp = o.models = false;
  if (o.pg_only || o.amqp_only) o.models = false;
  o.config = std::filesystem::absolute(o.config).string();
  if (o.print_sql || o.print_pg_sql) {
    auto config = sluice::LoadConfig(o.config);
    const sluice::EventSpec* event = config.ok() ? config->catalog.Find("Accounting") : nullptr;
    if (!event) {
      std::cerr << "error: " << (config.ok() ? "no Accounting event in " + o.config : config.status().message())
                << "\n";
      return 1;
    }
    if (o.print_sql) std::cout << sluice::bench::SqlBaselineMergeStatement(*event) << ";\n";
    if (o.print_pg_sql)
      std::cout << sluice::bench::PgBaselineMergeStatement(*event, sluice::bench::kPgBaselineSchema) << ";\n";
    return 0;
  }
  std::error_code ec;
  const std::string sluice = std::filesystem::canonical(o.sluice, ec).string();
  if (ec || ::access(sluice.c_str(), X_OK) != 0) {
    std::cerr << "error: --sluice " << o.sluice << " is not an executable file\n";
    return 1;
  }
  o.sluice = sluice;
  return sluice::bench::Run(o);
}
