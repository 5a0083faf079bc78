// The PostgreSQL backend under what a shared server brings: the server
// restarting while events flow, two collectors writing one schema, and the
// read-only role analysts get. Runs against PostgreSQL only (label pg).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "cli_harness.h"
#include "pg_harness.h"
#include "serve_harness.h"
#include "testing/http_client.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

std::string ServeConfig(const std::string& extra = "") {
  return AccountingConfigYaml() + "http:\n  listen: 127.0.0.1:0\nlanding:\n  roll_interval: 200ms\n" + extra;
}

std::string Event(int id, const std::string& version = "2026-11-20T10:00:00Z", const std::string& amount = "1.50") {
  return AccountingEvent(Quote(fmt::format("ITEM-{:06}", id)), Quote(version),
                         "[" + Entry(Quote("E1"), amount) + "]");
}

ClientResponse Post(int port, const std::string& body) {
  return RequestOnce(port, "POST", "/v1/events/Accounting", {{"Content-Type", "application/x-ndjson"}}, body);
}

int64_t CountOr0(const Workspace& ws, const std::string& query) {
  try {
    return ws.Count(query);
  } catch (...) {
    return 0;  // the server is restarting, or the tables are not there yet
  }
}

TEST(PgServe, RestartsAndOutagesOfPostgresWhileEventsFlowLoseNothingAndDoubleNothing) {
  PgCluster cluster;
  Workspace ws(ServeConfig(), {.sqlite = false, .pg_dsn = cluster.dsn(), .pg_schema = ""});
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();

  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0}, unknown{0};
  std::thread client([&] {
    for (int next = 0; !stop; next += 5) {
      std::string body;
      for (int i = next; i < next + 5; ++i) body += Event(i) + "\n";
      const ClientResponse r = Post(server.port(), body);
      // The collector never depends on the warehouse: every request gets 202.
      if (r.status == 202) acknowledged += 5;
      else ++unknown;
    }
  });
  const auto acked_at_least = [&](int n) { return PollUntil([&] { return acknowledged >= n; }, 60s); };
  // Restarts the server, then waits until rows acknowledged after the
  // restart are merged: the pipeline has come back.
  const auto restart_and_recover = [&](const std::string& mode) {
    EXPECT_RUN_OK(cluster.Restart(mode));
    const int after = acknowledged + 100;
    EXPECT_TRUE(acked_at_least(after));
    EXPECT_TRUE(PollUntil([&] { return CountOr0(ws, "SELECT count(*) FROM accounting") >= after; }, 60s))
        << "the pipeline did not recover after a " << mode << " restart\n" << server.process().Stderr();
  };
  EXPECT_TRUE(acked_at_least(200));
  restart_and_recover("fast");
  restart_and_recover("immediate");  // a crash: no shutdown checkpoint
  // An outage: the collector keeps acknowledging while the server is down;
  // the landed files wait, and load once it is back.
  EXPECT_RUN_OK(cluster.Stop());
  EXPECT_TRUE(acked_at_least(acknowledged + 500));
  EXPECT_RUN_OK(cluster.Start());
  EXPECT_TRUE(acked_at_least(acknowledged + 200));
  // The restarts were felt: the pipeline's connection broke and it retried.
  const ClientResponse metrics = RequestOnce(server.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("sluice_pipeline_failures_total "), std::string::npos);
  EXPECT_EQ(metrics.body.find("sluice_pipeline_failures_total 0\n"), std::string::npos) << metrics.body;
  stop = true;
  client.join();
  EXPECT_EQ(unknown.load(), 0);

  const int n = acknowledged;
  EXPECT_TRUE(PollUntil([&] { return CountOr0(ws, "SELECT count(*) FROM accounting") == n; }, 90s))
      << "final rows " << CountOr0(ws, "SELECT count(*) FROM accounting") << " of " << n << "\n"
      << server.process().Stderr();
  // Each acknowledged event was loaded exactly once: no file loaded twice
  // across the restarts, none skipped.
  EXPECT_EQ(ws.Count("SELECT count(*) FROM accounting_stg"), n);
  EXPECT_EQ(ws.Count("SELECT count(DISTINCT payload->>'EventItemId') FROM accounting_stg"), n);
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_load_history"),
            ws.Count("SELECT count(DISTINCT source) FROM accounting_stg"));
  server.process().Kill(SIGTERM);
  EXPECT_EQ(server.process().Wait(60s).exit_code, 0);
}

TEST(PgServe, TwoCollectorsSharingOneSchemaGiveTheSingleProcessResult) {
  Workspace a(ServeConfig());
  Workspace b(ServeConfig(), {.sqlite = false, .pg_dsn = "", .pg_schema = a.pg_schema()});
  Server server_a(a);
  ASSERT_GT(server_a.port(), 0) << server_a.process().Stderr();
  Server server_b(b);
  ASSERT_GT(server_b.port(), 0) << server_b.process().Stderr();

  // 600 keys; every third is sent again with a newer version to the other
  // collector, so the two processes' merges race on the same keys. Versions
  // never tie, so the result does not depend on arrival order.
  std::vector<std::string> all;
  std::thread ta([&] {
    for (int i = 0; i < 600; i += 10) {
      std::string body;
      for (int k = i; k < i + 10; ++k) body += Event(k, "2026-11-20T10:00:00Z", fmt::format("{}.00", k)) + "\n";
      EXPECT_EQ(Post(server_a.port(), body).status, 202);
    }
  });
  std::thread tb([&] {
    for (int i = 0; i < 600; i += 30) {
      std::string body;
      for (int k = i; k < i + 30; k += 3) body += Event(k, "2026-11-21T10:00:00Z", fmt::format("{}.99", k)) + "\n";
      EXPECT_EQ(Post(server_b.port(), body).status, 202);
    }
  });
  ta.join();
  tb.join();
  for (int k = 0; k < 600; ++k) all.push_back(Event(k, "2026-11-20T10:00:00Z", fmt::format("{}.00", k)));
  for (int k = 0; k < 600; k += 3) all.push_back(Event(k, "2026-11-21T10:00:00Z", fmt::format("{}.99", k)));

  EXPECT_TRUE(PollUntil([&] { return CountOr0(a, "SELECT count(*) FROM accounting_stg") == 800 &&
                                     CountOr0(a, "SELECT count(*) FROM accounting WHERE amount::text LIKE '%.99'") ==
                                         200; },
                        90s))
      << server_a.process().Stderr() << server_b.process().Stderr();
  for (Server* s : {&server_a, &server_b}) {
    s->process().Kill(SIGTERM);
    EXPECT_EQ(s->process().Wait(60s).exit_code, 0);
  }

  // The same events through one process.
  Workspace single;
  ASSERT_RUN_OK(single.Load({single.WriteLines("all.ndjson", all)}));
  ASSERT_RUN_OK(single.Merge());
  EXPECT_EQ(a.FinalRows(), single.FinalRows());
  EXPECT_EQ(a.Count("accounting"), 600);
  EXPECT_EQ(a.Count("SELECT count(*) FROM sluice_load_history"),
            a.Count("SELECT count(DISTINCT source) FROM accounting_stg"));
}

// Issue 4's first promise: the same input gives the same final table on both
// backends, row for row — updates, version ties across merge chunks, bad
// values, NULL keys and all.
TEST(PgServe, TheFinalTableEqualsTheSqliteBackendsRowForRow) {
  std::vector<std::string> lines;
  for (int i = 0; i < 12000; ++i) {
    const int item = i % 3000;                           // every key four times
    const int hour = (i * 7) % 5;                        // versions go up and down, and tie
    std::string amount = fmt::format("\"{}.{:02}\"", i % 997, i % 100);
    if (i % 501 == 0) amount = "\"12,5\"";                // not a number: rejected
    const std::string id = i % 1009 == 0 ? "null" : Quote(fmt::format("T-{:05}", item));  // NULL key: filtered
    lines.push_back(AccountingEvent(id, Quote(fmt::format("2026-11-2{}T1{}:00:00+01:00", hour % 3, hour)),
                                    "[" + Entry(Quote("E1"), amount) + "," + Entry(Quote(fmt::format("E{}", 2 + i % 2)), "1") +
                                        "]"));
  }
  Workspace pg;
  Workspace lite(AccountingConfigYaml(), {.sqlite = true, .pg_dsn = "", .pg_schema = ""});
  for (Workspace* ws : {&pg, &lite}) {
    ASSERT_RUN_OK(ws->Load({ws->WriteLines("events.ndjson", lines)}));
    ASSERT_RUN_OK(ws->Merge());
  }
  ASSERT_TRUE(pg.on_postgres());
  ASSERT_FALSE(lite.on_postgres());
  const auto rows = pg.FinalRows();
  EXPECT_GT(rows.size(), 5000u);
  EXPECT_EQ(rows, lite.FinalRows());
  EXPECT_EQ(pg.Count("sluice_merge_errors"), lite.Count("sluice_merge_errors"));
}

TEST(PgServe, TheReadOnlyRoleCanSelectFinalTablesAndWriteNothing) {
  const std::string role = UniqueSchemaName() + "_reader";
  std::string yaml = AccountingConfigYaml();
  const size_t at = yaml.find("\nwarehouse:\n");
  ASSERT_NE(at, std::string::npos) << yaml;
  yaml.insert(at + 12, "  readonly_role: " + role + "\n");
  Workspace ws(yaml);  // the harness points the section at PostgreSQL, keeping readonly_role
  ASSERT_RUN_OK(ws.Load({ws.WriteLines("e.ndjson", {Event(1), Event(2)})}));
  ASSERT_RUN_OK(ws.Merge());

  PgConnection reader(ws.pg_dsn(), ws.pg_schema(), /*read_only=*/false);
  reader.Exec("SET ROLE " + QuotePgIdent(role));
  EXPECT_EQ(reader.Query("SELECT count(*) FROM accounting")[0][0].integer, 2);
  for (const std::string& write :
       {std::string("INSERT INTO accounting (eventitemid, entryidentifier, eventdatetime) VALUES ('x', 'y', now())"),
        std::string("UPDATE accounting SET amount = 0"), std::string("DELETE FROM accounting"),
        std::string("DELETE FROM accounting_stg"), std::string("SELECT count(*) FROM accounting_stg"),
        std::string("UPDATE sluice_streams SET position = 0"), std::string("DELETE FROM sluice_load_history"),
        std::string("CREATE TABLE mine (x int)")}) {
    EXPECT_THROW(reader.Exec(write), std::runtime_error) << write;
  }
  reader.Exec("RESET ROLE");
  EXPECT_EQ(reader.Query("SELECT count(*) FROM accounting")[0][0].integer, 2);  // nothing changed
}

}  // namespace
}  // namespace sluice::testing
