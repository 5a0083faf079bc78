// `sluice serve` as a user runs it: a real process on an ephemeral loopback
// port, a real HTTP client, and the warehouse read back. The crash test kills
// the server with SIGKILL while a client posts, again and again, and checks
// guarantee 1 and 2: every event that got a 202 ends in the final table,
// exactly once.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "cli_harness.h"
#include "serve_harness.h"
#include "testing/http_client.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

std::string ServeConfig(const std::string& extra = "") {
  return AccountingConfigYaml() +
         "http:\n  listen: 127.0.0.1:0\nlanding:\n  roll_interval: 200ms\n  roll_size: 1MiB\n" + extra;
}


std::string Event(int id, const std::string& version = "2026-11-20T10:00:00Z") {
  return AccountingEvent(Quote(fmt::format("ITEM-{:06}", id)), Quote(version),
                         "[" + Entry(Quote("E1"), "1.50") + "]");
}

ClientResponse Post(int port, const std::string& body, const std::string& type = "Accounting") {
  return RequestOnce(port, "POST", "/v1/events/" + type, {{"Content-Type", "application/x-ndjson"}}, body);
}

bool Eventually(const std::function<bool()>& predicate, std::chrono::milliseconds limit = 30s) {
  return PollUntil(predicate, limit);
}

// 0 until the warehouse and its final table exist.
int64_t FinalRows(const Workspace& ws) {
  try {
    return ws.Count("accounting");
  } catch (...) {
    return 0;
  }
}

TEST(Serve, AcknowledgedEventsAreQueryableWithinSeconds) {
  Workspace ws(ServeConfig());
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();
  const auto r = Post(server.port(), Event(1) + "\n" + Event(2) + "\n" + Event(3) + "\n");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_NE(r.body.find("\"accepted\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find('3'), std::string::npos) << r.body;
  EXPECT_TRUE(Eventually([&] { return FinalRows(ws) == 3; })) << server.process().Stderr();
  // Readers work while serve runs.
  EXPECT_RUN_OK(ws.Sluice({"status"}));
  server.process().Kill(SIGTERM);
  EXPECT_EQ(server.process().Wait(60s).exit_code, 0);
}

TEST(Serve, SigtermLandsLoadsAndMergesEverythingAcknowledged) {
  Workspace ws(AccountingConfigYaml() +
               "http:\n  listen: 127.0.0.1:0\nlanding:\n  roll_interval: 1h\n  seal_when_idle: off\n");
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(Post(server.port(), Event(i)).status, 202);
  EXPECT_EQ(FinalRows(ws), 0);  // nothing is sealed for an hour
  server.process().Kill(SIGTERM);
  const RunResult done = server.process().Wait(60s);
  EXPECT_EQ(done.exit_code, 0) << done.Describe();
  EXPECT_EQ(FinalRows(ws), 20);
  EXPECT_TRUE(ListFiles(ws.landing_dir() + "/_open").empty());
}

// Issue 5 inside serve: a scheduled SQL task runs again and again, and a type
// with merge.every is merged by its task, not after each load.
TEST(Serve, RunsScheduledTasksAndMergesATypeOnItsSchedule) {
  Workspace ws;
  // On ClickHouse a table names its engine.
  const std::string ticks = ws.on_clickhouse() ? "CREATE TABLE IF NOT EXISTS ticks (n Int64) ENGINE = Memory"
                                               : "CREATE TABLE IF NOT EXISTS ticks (n BIGINT)";
  ws.SetConfig(AccountingConfigYaml() + "    merge: {every: 1s}\n" +
               "http:\n  listen: 127.0.0.1:0\nlanding:\n  roll_interval: 200ms\n"
               "tasks:\n  tick:\n    schedule: 1s\n    sql: " + ticks + "; INSERT INTO ticks VALUES (1)\n");
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();
  ASSERT_EQ(Post(server.port(), Event(1) + "\n" + Event(2) + "\n" + Event(3) + "\n").status, 202);
  const auto count = [&](const std::string& sql) {
    try {
      return ws.Count(sql);
    } catch (...) {
      return int64_t{0};
    }
  };
  EXPECT_TRUE(Eventually([&] { return count("SELECT count(*) FROM accounting") == 3; })) << server.process().Stderr();
  // The run is recorded just after its merge commits.
  EXPECT_TRUE(Eventually([&] {
    return count("SELECT count(*) FROM sluice_task_runs WHERE task = 'merge:Accounting' AND status = 'succeeded' "
                 "AND rows > 0") >= 1;
  }));
  EXPECT_TRUE(Eventually([&] { return count("SELECT count(*) FROM ticks") >= 2; })) << server.process().Stderr();
  // A fire may find the previous run still going on a slow machine: skipped, not failed.
  EXPECT_EQ(count("SELECT count(*) FROM sluice_task_runs WHERE task = 'tick' AND status NOT IN ('succeeded', "
                  "'skipped')"),
            0);
  const ClientResponse metrics = RequestOnce(server.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("sluice_task_runs_total{"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("task=\"tick\""), std::string::npos) << metrics.body;
  server.process().Kill(SIGTERM);
  EXPECT_EQ(server.process().Wait(60s).exit_code, 0);
}

TEST(Serve, AnIdlePipelineSealsEarlySoEventsAreFreshLongBeforeRollInterval) {
  Workspace ws(AccountingConfigYaml() + "http:\n  listen: 127.0.0.1:0\nlanding:\n  roll_interval: 1h\n");
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();
  ASSERT_EQ(Post(server.port(), Event(1) + "\n" + Event(2) + "\n").status, 202);
  // seal_when_idle (500 ms by default) seals the open file although an hour is the roll interval.
  EXPECT_TRUE(Eventually([&] { return FinalRows(ws) == 2; }, 20s)) << server.process().Stderr();
  server.process().Kill(SIGTERM);
  EXPECT_EQ(server.process().Wait(60s).exit_code, 0);
}

// Issue 6 inside serve: a rebuild and corrections run while clients post.
// The collector keeps accepting (202) throughout; afterwards every accepted
// event is in the final table once, except the excluded one.
TEST(Serve, RebuildAndCorrectionsRunWhileServeKeepsAccepting) {
  Workspace ws(ServeConfig());
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();
  ASSERT_EQ(Post(server.port(), Event(0)).status, 202);
  ASSERT_TRUE(Eventually([&] { return FinalRows(ws) == 1; })) << server.process().Stderr();

  std::atomic<bool> stop{false};
  std::atomic<int> accepted{1}, refused{0};
  std::thread client([&] {
    for (int i = 1; !stop.load(); ++i) {
      if (Post(server.port(), Event(i)).status == 202) accepted.fetch_add(1);
      else refused.fetch_add(1);
    }
  });
  const RunResult rebuild = ws.Sluice({"rebuild", "Accounting"});
  const RunResult exclude =
      ws.Sluice({"exclusions", "add", "Accounting", "--id", "ITEM-000000", "2026-11-20T10:00:00Z", "--reason", "test"});
  const RunResult rebuild_again = ws.Sluice({"rebuild", "Accounting", "--since", "1h"});
  // Keep posting until the client has had a few more answers after the repairs.
  const int after_repairs = accepted.load() + refused.load();
  EXPECT_TRUE(Eventually([&] { return accepted.load() + refused.load() >= after_repairs + 20; }));
  stop = true;
  client.join();
  EXPECT_RUN_OK(rebuild);
  EXPECT_RUN_OK(exclude);
  EXPECT_RUN_OK(rebuild_again);
  EXPECT_EQ(refused.load(), 0);
  EXPECT_TRUE(Eventually([&] { return FinalRows(ws) == accepted.load() - 1; }))
      << FinalRows(ws) << " rows for " << accepted.load() << " accepted events, one excluded";
  EXPECT_EQ(ws.Count("SELECT count(*) FROM accounting WHERE eventitemid = 'ITEM-000000'"), 0);
  EXPECT_EQ(ws.Count("SELECT count(DISTINCT eventitemid) FROM accounting"), accepted.load() - 1);
  server.process().Kill(SIGTERM);
  EXPECT_EQ(server.process().Wait(60s).exit_code, 0);
}

TEST(Serve, BadRequestsAreRefusedAndNothingOfThemLands) {
  Workspace ws(ServeConfig());
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();
  auto bad = Post(server.port(), Event(1) + "\n{\"broken\": \n" + Event(2) + "\n");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("\"error\""), std::string::npos);
  EXPECT_EQ(Post(server.port(), Event(3), "NoSuchType").status, 404);
  ASSERT_EQ(Post(server.port(), Event(4)).status, 202);
  server.process().Kill(SIGTERM);
  ASSERT_EQ(server.process().Wait(60s).exit_code, 0);
  EXPECT_EQ(ws.FinalRows("eventitemid"), (std::vector<std::string>{"ITEM-000004"}));
}

TEST(Serve, RefusesToListenBeyondLoopbackWithoutKeys) {
  Workspace ws(AccountingConfigYaml() + "http:\n  listen: 0.0.0.0:0\n");
  RunOptions options;
  options.timeout = 30s;
  const RunResult r = ws.Sluice({"serve"}, options);
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
}

// Every status the API promises, from the real process: auth (the key is
// "test", whose SHA-256 is the issue's example), types, limits, encodings.
TEST(Serve, AnswersEveryStatusTheApiPromises) {
  Workspace ws(AccountingConfigYaml() + R"(  Other:
    key: id
    version: v
    columns:
      id: {path: Id, type: string}
      v: {path: V, type: int}
http:
  listen: 127.0.0.1:0
  max_body: 4KiB
auth:
  keys:
    - {name: pega-dev, sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, types: [Accounting]}
landing:
  roll_interval: 200ms
)");
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();
  const int port = server.port();
  const auto post = [&](const std::string& target, std::vector<std::pair<std::string, std::string>> headers,
                        const std::string& body) { return RequestOnce(port, "POST", target, headers, body); };
  const std::pair<std::string, std::string> ndjson{"Content-Type", "application/x-ndjson"};
  const std::pair<std::string, std::string> bearer{"Authorization", "Bearer test"};

  EXPECT_EQ(post("/v1/events/Accounting", {ndjson}, Event(1)).status, 401);
  EXPECT_EQ(post("/v1/events/Accounting", {ndjson, {"Authorization", "Bearer nope"}}, Event(1)).status, 401);
  EXPECT_EQ(post("/v1/events/Other", {ndjson, bearer}, R"({"Id":"a","V":1})").status, 403);
  EXPECT_EQ(post("/v1/events/Nope", {ndjson, bearer}, Event(1)).status, 404);
  EXPECT_EQ(post("/v1/events/Accounting", {{"Content-Type", "text/plain"}, bearer}, Event(1)).status, 415);
  EXPECT_EQ(post("/v1/events/Accounting", {ndjson, bearer, {"Content-Encoding", "br"}}, Event(1)).status, 415);
  EXPECT_EQ(post("/v1/events/Accounting", {ndjson, bearer}, std::string(8192, ' ')).status, 413);
  EXPECT_EQ(RequestOnce(port, "GET", "/v1/events/Accounting", {bearer}).status, 405);
  const auto bad = post("/v1/events/Accounting", {ndjson, bearer}, Event(2) + "\n[1]\n");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"line\""), std::string::npos) << bad.body;

  EXPECT_EQ(post("/v1/events/Accounting", {ndjson, {"X-API-Key", "test"}}, Event(3)).status, 202);
  EXPECT_EQ(post("/v1/events", {ndjson, bearer, {"X-Event-Type", "Accounting"}}, Event(4)).status, 202);
  EXPECT_EQ(post("/v1/events/Accounting", {ndjson, bearer, {"Content-Encoding", "gzip"}}, Gzip(Event(5))).status, 202);
  EXPECT_EQ(post("/v1/events/Accounting", {ndjson, bearer, {"Content-Encoding", "zstd"}}, Zstd(Event(6))).status, 202);
  EXPECT_EQ(post("/v1/events/Accounting", {{"Content-Type", "application/json"}, bearer},
                 "[" + Event(7) + "," + Event(8) + "]").status, 202);

  EXPECT_EQ(RequestOnce(port, "GET", "/healthz").status, 200);
  EXPECT_EQ(RequestOnce(port, "GET", "/readyz").status, 200);
  const auto metrics = RequestOnce(port, "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  for (const char* name : {"sluice_landing_fsyncs_total", "sluice_http_requests_total", "sluice_merge_lag_rows",
                           "sluice_freshness_seconds", "sluice_http_request_duration_seconds_bucket"})
    EXPECT_NE(metrics.body.find(name), std::string::npos) << name;

  server.process().Kill(SIGTERM);
  ASSERT_EQ(server.process().Wait(60s).exit_code, 0);
  EXPECT_EQ(ws.FinalRows("eventitemid"),
            (std::vector<std::string>{"ITEM-000003", "ITEM-000004", "ITEM-000005", "ITEM-000006", "ITEM-000007",
                                      "ITEM-000008"}));
}

// A client posts batches without pause while the server is killed with
// SIGKILL at random moments and restarted; at the end every event that got
// a 202 is in the final table, exactly once (the key makes it at most once).
TEST(ServeCrash, KillNineAtRandomMomentsLosesNoAcknowledgedEvent) {
  Workspace ws(ServeConfig());
  std::mt19937 rng(20261124);
  std::set<int> acknowledged;
  int next_id = 0;
  constexpr int kKills = 20;
  for (int round = 0; round < kKills; ++round) {
    Server server(ws);
    ASSERT_GT(server.port(), 0) << "round " << round << ": " << server.process().Stderr();
    std::atomic<bool> stop{false};
    std::vector<int> acked_this_round;
    std::mutex mu;
    const int first_id = next_id;
    next_id += 100000;
    std::thread client([&] {
      for (int id = first_id; !stop; id += 10) {
        std::string body;
        for (int k = 0; k < 10; ++k) body += Event(id + k) + "\n";
        const auto r = Post(server.port(), body);
        if (r.status == 202) {
          std::lock_guard<std::mutex> lock(mu);
          for (int k = 0; k < 10; ++k) acked_this_round.push_back(id + k);
        }
      }
    });
    // Let a random number of requests succeed, then kill.
    const size_t target = 10 * (1 + rng() % 30);
    Eventually([&] {
      std::lock_guard<std::mutex> lock(mu);
      return acked_this_round.size() >= target;
    });
    server.process().Kill(SIGKILL);
    stop = true;  // requests from here on fail to connect, and the client stops
    client.join();
    server.process().Wait(30s);
    acknowledged.insert(acked_this_round.begin(), acked_this_round.end());
  }
  // A last, clean run recovers what the last kill left and drains.
  Server last(ws);
  ASSERT_GT(last.port(), 0) << last.process().Stderr();
  last.process().Kill(SIGTERM);
  ASSERT_EQ(last.process().Wait(120s).exit_code, 0) << last.process().Stderr();

  std::set<int> merged;
  for (const auto& row : ws.Query("SELECT eventitemid FROM accounting")) merged.insert(std::stoi(row[0].text.substr(5)));
  ASSERT_GT(acknowledged.size(), 0u);
  std::vector<int> lost;
  std::set_difference(acknowledged.begin(), acknowledged.end(), merged.begin(), merged.end(), std::back_inserter(lost));
  EXPECT_TRUE(lost.empty()) << lost.size() << " acknowledged events are missing, e.g. ITEM-" << lost.front();
  // ClickHouse groups by a name, not by a position.
  EXPECT_EQ(ws.Count(ws.on_clickhouse()
                         ? "SELECT count(*) FROM (SELECT eventitemid FROM accounting GROUP BY eventitemid "
                           "HAVING count(*) > 1) AS duplicated"
                         : "SELECT count(*) FROM (SELECT eventitemid FROM accounting GROUP BY 1 HAVING count(*) > 1) "
                           "AS duplicated"),
            0);
}

}  // namespace
}  // namespace sluice::testing
