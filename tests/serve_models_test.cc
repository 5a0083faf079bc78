// Models inside `sluice serve`: with models.on_merge a mart follows the
// events within seconds of their merge, a broken model never holds up
// ingestion, and models.schedule makes `models build` a task with run
// history like any other (also run by hand with `sluice tasks run`).
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "cli_harness.h"
#include "serve_harness.h"
#include "testing/http_client.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

std::string Config(const std::string& models) {
  return AccountingConfigYaml() + "http:\n  listen: 127.0.0.1:0\nlanding:\n  roll_interval: 200ms\n" +
         "models:\n  project: analytics\n" + models;
}

void WriteProject(const Workspace& ws) {
  WriteFile(ws.dir() + "/analytics/dbt_project.yml", "name: books\nmodels:\n  books:\n    +materialized: table\n");
  WriteFile(ws.dir() + "/analytics/models/totals.sql",
            "select eventitemid, sum(amount) as total from {{ source('events', 'accounting') }} group by eventitemid");
  WriteFile(ws.dir() + "/analytics/models/latest.sql",
            "{{ config(materialized='incremental', unique_key='eventitemid') }}\n"
            "select eventitemid, max(eventdatetime) as last_at from {{ source('events', 'accounting') }}\n"
            "{% if is_incremental() %}where eventdatetime > (select coalesce(max(last_at), '1900-01-01') from {{ this }}){% endif %}\n"
            "group by eventitemid");
}

std::string Event(const std::string& item, const std::string& version, const std::string& amount) {
  return AccountingEvent(Quote(item), Quote(version), "[" + Entry(Quote("E1"), amount) + "]");
}

int Post(int port, const std::string& body) {
  return RequestOnce(port, "POST", "/v1/events/Accounting", {{"Content-Type", "application/x-ndjson"}}, body).status;
}

// The query's text rows, or none while the table does not exist yet.
std::vector<std::string> Rows(const Workspace& ws, const std::string& sql) {
  try {
    std::vector<std::string> out;
    for (const Row& row : ws.Query(sql)) out.push_back(ToString(row));
    return out;
  } catch (...) {
    return {};
  }
}

int64_t CountOrZero(const Workspace& ws, const std::string& sql) {
  try {
    return ws.Count(sql);
  } catch (...) {
    return 0;
  }
}

// The files sealed in the landing zone (not those still open).
int SealedFiles(const Workspace& ws) {
  std::error_code ec;
  int n = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(ws.landing_dir(), ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string path = it->path().string();
    if (path.ends_with(".ndjson.zst") && path.find("/_open/") == std::string::npos) ++n;
  }
  return n;
}

TEST(ServeModels, OnMergeRebuildsTheMartsSoonAfterEachMerge) {
  Workspace ws(Config("  on_merge: true\n"));
  WriteProject(ws);
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();

  ASSERT_EQ(Post(server.port(), Event("A", "2026-11-20T10:00:00Z", "1.50")), 202);
  const std::string totals = "SELECT eventitemid, total FROM totals ORDER BY eventitemid";  // ClickHouse: by name
  EXPECT_TRUE(PollUntil([&] { return Rows(ws, totals).size() == 1; }, 30s)) << server.process().Stderr();

  // A newer version of A and a new item B: the table is rebuilt, the
  // incremental model takes both.
  ASSERT_EQ(Post(server.port(), Event("A", "2026-11-21T10:00:00Z", "4.00") + "\n" +
                                    Event("B", "2026-11-21T11:00:00Z", "2.00")),
            202);
  EXPECT_TRUE(PollUntil([&] { return Rows(ws, totals).size() == 2; }, 30s)) << server.process().Stderr();
  EXPECT_TRUE(PollUntil([&] {
    return Rows(ws, "SELECT eventitemid, CAST(last_at AS TEXT) FROM latest ORDER BY 1").size() == 2;
  }, 30s)) << server.process().Stderr();
  const std::vector<std::string> rows = Rows(ws, totals);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[0].find("4"), std::string::npos) << rows[0];  // the newest version of A only
  EXPECT_EQ(CountOrZero(ws, "SELECT count(*) FROM latest WHERE eventitemid = 'A'"), 1);

  // Every rebuilt node is in the history; the collector reports the rebuilds.
  EXPECT_GE(CountOrZero(ws, "SELECT count(*) FROM sluice_model_runs WHERE model = 'model.books.totals' "
                            "AND status = 'success'"),
            2);
  const ClientResponse metrics = RequestOnce(server.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("sluice_models_rebuilds_total "), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("sluice_models_rebuild_failures_total 0"), std::string::npos) << metrics.body;
  EXPECT_EQ(Stop(server), 0);
}

// A rebuild slower than the merges behind it: the merges that land while
// it runs are taken by one next rebuild, not one rebuild each.
TEST(ServeModels, MergesDuringARebuildCoalesceIntoOneNextRebuild) {
  Workspace ws(Config("  on_merge: true\n"));
  WriteProject(ws);
  // Seconds of work on every backend, whatever the events: a recursive
  // count, or on ClickHouse (no CTEs in 18.16, and counting is fast) a hash
  // of each of 600 million numbers.
  WriteFile(ws.dir() + "/analytics/models/slow.sql",
            "{% if target.type == 'clickhouse' %}\n"
            "select (select count() from numbers(600000000) where cityHash64(number) % 7 = 0) as n,\n"
            "{% else %}\n"
            "with recursive r(i) as (select 1 union all select i + 1 from r where i < 5000000)\n"
            "select (select count(*) from r) as n,\n"
            "{% endif %}\n"
            "(select count(*) from {{ source('events', 'accounting') }}) as events");
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();
  // Each event is posted once the one before it is sealed in a file of its
  // own: a load and merge each, several of them while one slow rebuild runs
  // (sealing needs no warehouse, so it does not wait for the rebuild).
  constexpr int kEvents = 10;
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_EQ(Post(server.port(), Event(fmt::format("C{}", i), "2026-11-20T10:00:00Z", "1")), 202);
    ASSERT_TRUE(PollUntil([&] { return SealedFiles(ws) == i + 1; }, 30s)) << server.process().Stderr();
  }
  EXPECT_TRUE(PollUntil([&] { return CountOrZero(ws, "SELECT max(events) FROM slow") == kEvents; }, 60s))
      << server.process().Stderr();
  const int64_t files = CountOrZero(ws, "SELECT count(*) FROM sluice_load_history");
  const int64_t rebuilds = CountOrZero(ws, "SELECT count(DISTINCT invocation) FROM sluice_model_runs "
                                           "WHERE model = 'model.books.slow'");
  EXPECT_GE(files, kEvents) << "the events were not merged one by one";
  EXPECT_LT(rebuilds, files) << rebuilds << " rebuilds for " << files << " merged files";
  EXPECT_EQ(Stop(server), 0);
}

TEST(ServeModels, ABrokenModelNeverHoldsUpIngestion) {
  Workspace ws(Config("  on_merge: true\n"));
  WriteProject(ws);
  WriteFile(ws.dir() + "/analytics/models/broken.sql", "select no_such_column from {{ ref('totals') }}");
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Post(server.port(), Event(fmt::format("I{}", i), "2026-11-20T10:00:00Z", "1")), 202);
  EXPECT_TRUE(PollUntil([&] { return CountOrZero(ws, "SELECT count(*) FROM accounting") == 5; }, 30s))
      << server.process().Stderr();
  EXPECT_TRUE(PollUntil([&] {
    return RequestOnce(server.port(), "GET", "/metrics").body.find("sluice_models_rebuild_failures_total 0\n") ==
           std::string::npos;
  }, 30s));
  EXPECT_TRUE(PollUntil([&] {
    return CountOrZero(ws, "SELECT count(*) FROM sluice_model_runs WHERE model = 'model.books.broken' "
                           "AND status = 'error'") >= 1;
  }, 30s));
  // The healthy models beside it were built.
  EXPECT_TRUE(PollUntil([&] { return CountOrZero(ws, "SELECT count(*) FROM totals") == 5; }, 30s));
  EXPECT_EQ(Stop(server), 0);
}

TEST(ServeModels, TheScheduleRunsModelsBuildAsATaskWithHistory) {
  Workspace ws(Config("  schedule: 1s\n"));
  WriteProject(ws);
  // A test that fails: the task fails and says which.
  WriteFile(ws.dir() + "/analytics/tests/no_big_totals.sql", "select * from {{ ref('totals') }} where total > 100");
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();
  ASSERT_EQ(Post(server.port(), Event("A", "2026-11-20T10:00:00Z", "150.00")), 202);
  EXPECT_TRUE(PollUntil([&] {
    return CountOrZero(ws, "SELECT count(*) FROM sluice_task_runs WHERE task = 'models:build' AND status = 'failed' "
                           "AND error LIKE '%no_big_totals%'") >= 1;
  }, 60s)) << server.process().Stderr();
  EXPECT_EQ(Stop(server), 0);

  // By hand, once the data is fixed: the same task succeeds.
  if (ws.on_clickhouse()) {  // the final table is a view over accounting_local, changed by a mutation
    ws.Exec("ALTER TABLE accounting_local UPDATE amount = 1 WHERE 1");
    ws.AwaitMutations();
  } else {
    ws.Exec("UPDATE accounting SET amount = 1");
  }
  const RunResult run = ws.Sluice({"tasks", "run", "models:build"});
  EXPECT_RUN_OK(run);
  const RunResult history = ws.Sluice({"tasks", "history", "models:build", "--format", "csv"});
  EXPECT_RUN_OK(history);
  EXPECT_NE(history.out.find("succeeded"), std::string::npos) << history.out;
}

}  // namespace
}  // namespace sluice::testing
