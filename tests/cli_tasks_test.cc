// `sluice tasks` as a user runs it, on both backends: SQL tasks in one
// transaction, the run history, suspend and resume, retention that never
// deletes unmerged rows or unloaded files, and the task graph checked at load.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

std::string Event(int n) {
  return AccountingEvent(Quote(fmt::format("I{}", n)), R"("2026-01-01T10:00:00Z")",
                         "[" + Entry(R"("E1")", std::to_string(n)) + "]");
}

// The example catalog plus `events_extra` under Accounting and `top` at the top level.
std::string Config(const std::string& events_extra, const std::string& top) {
  return AccountingConfigYaml() + events_extra + top;
}

const std::string kTotalsTask = R"(tasks:
  totals:
    schedule: "@hourly"
    sql: |
      CREATE TABLE IF NOT EXISTS totals (n BIGINT);
      DELETE FROM totals;
      INSERT INTO totals SELECT count(*) FROM accounting;
  broken:
    schedule: "0 10 * * SUN"
    sql: INSERT INTO totals VALUES (-1); SELECT * FROM no_such_table
    retries: 2
  after_totals:
    after: [totals]
    sql: SELECT 1
)";
// kTotalsTask spelled for ClickHouse: a table names its engine, and there is no DELETE statement.
const std::string kClickHouseTotalsTask = R"(tasks:
  totals:
    schedule: "@hourly"
    sql: |
      CREATE TABLE IF NOT EXISTS totals (n Int64) ENGINE = Memory;
      TRUNCATE TABLE totals;
      INSERT INTO totals SELECT count(*) FROM accounting;
  broken:
    schedule: "0 10 * * SUN"
    sql: INSERT INTO totals VALUES (-1); SELECT * FROM no_such_table
    retries: 2
  after_totals:
    after: [totals]
    sql: SELECT 1
)";
// The tasks above, for the backend `ws` runs against.
void UseTotalsTask(const Workspace& ws) {
  ws.SetConfig(Config("", ws.on_clickhouse() ? kClickHouseTotalsTask : kTotalsTask));
}

TEST(TasksCli, RunExecutesTheSqlAndRecordsTheRun) {
  Workspace ws;
  UseTotalsTask(ws);
  ASSERT_RUN_OK(ws.Load({ws.WriteLines("e.ndjson", {Event(1), Event(2), Event(3)})}));
  ASSERT_RUN_OK(ws.Merge());
  const RunResult r = ws.Sluice({"tasks", "run", "totals"});
  ASSERT_RUN_OK(r);
  // The INSERT's row; ClickHouse 18.16 does not say how many rows a statement wrote.
  const std::string written = ws.on_clickhouse() ? "0" : "1";
  EXPECT_THAT(r.out, MatchesRegex("totals: succeeded, " + written + R"( rows, in [0-9.]+ s \(run 1\).)"));
  EXPECT_EQ(ws.Count("SELECT n FROM totals"), 3);

  const RunResult history = ws.Sluice({"tasks", "history", "totals", "--format", "csv"});
  ASSERT_RUN_OK(history);
  EXPECT_THAT(history.out, HasSubstr("id,task,scheduled_for,started,finished,status,rows,attempts,error\r\n1,totals,"));
  EXPECT_THAT(history.out, HasSubstr(",succeeded," + written + ",1,\r\n"));
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_task_runs WHERE task = 'totals' AND status = 'succeeded'"), 1);

  const RunResult list = ws.Sluice({"tasks", "list", "--format", "csv"});
  ASSERT_RUN_OK(list);
  EXPECT_THAT(list.out, HasSubstr("totals,sql,@hourly,"));
  EXPECT_THAT(list.out, HasSubstr("after_totals,sql,after totals,"));
  EXPECT_THAT(list.out, MatchesRegex(R"((.|\n)*broken,sql,0 10 \* \* SUN,[0-9-]+ 10:00:00.000000,no,,,(.|\n)*)"));
}

TEST(TasksCli, AFailingTaskRollsBackEveryStatementAndExitsOne) {
  Workspace ws;
  UseTotalsTask(ws);
  ASSERT_RUN_OK(ws.Sluice({"tasks", "run", "totals"}));
  const RunResult r = ws.Sluice({"tasks", "run", "broken"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("task broken failed"));
  EXPECT_THAT(r.err, HasSubstr("no_such_table"));
  if (!ws.on_clickhouse()) {  // ClickHouse: checked last, skipped
    EXPECT_EQ(ws.Count("SELECT count(*) FROM totals WHERE n = -1"), 0);  // the INSERT before the error is undone
  }
  const auto rows = ws.Query("SELECT status, error, attempts FROM sluice_task_runs WHERE task = 'broken'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].text, "failed");
  EXPECT_THAT(rows[0][1].text, HasSubstr("no_such_table"));
  EXPECT_EQ(rows[0][2].integer, 1);  // `tasks run` is one attempt; retries are the scheduler's
  const RunResult status = ws.Sluice({"status", "--format", "json"});
  ASSERT_RUN_OK(status);
  EXPECT_THAT(status.out, HasSubstr(R"({"task": "broken", "last_status": "failed")"));
  EXPECT_THAT(status.out, HasSubstr(R"("failures": 1})"));
  if (ws.on_clickhouse())
    GTEST_SKIP() << "ClickHouse has no transactions: the INSERT before the failing statement stays (the failure "
                    "itself, its exit code and its history are checked above)";
}

TEST(TasksCli, ATaskPastItsTimeoutIsCancelledAndRolledBack) {
  // Something slow on each backend: a long recursive count, a sleep, an endless count.
  Workspace probe;
  const std::string slow = probe.on_postgres()     ? "SELECT pg_sleep(30)"
                           : probe.on_clickhouse() ? "SELECT count() FROM system.numbers"
                                                   : "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                                                     "SELECT count(*) FROM (SELECT i FROM n LIMIT 10000000000)";
  const std::string marks = probe.on_clickhouse() ? "CREATE TABLE IF NOT EXISTS marks (n Int64) ENGINE = Memory"
                                                  : "CREATE TABLE IF NOT EXISTS marks (n BIGINT)";
  Workspace ws(Config("", "tasks:\n  slow:\n    schedule: \"@daily\"\n    timeout: 1s\n    sql: " + marks +
                              "; INSERT INTO marks VALUES (1); " + slow + "\n"));
  const RunResult r = ws.Sluice({"tasks", "run", "slow"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("ran past its timeout (1 s) and was cancelled"));
  if (ws.on_clickhouse())
    GTEST_SKIP() << "ClickHouse has no transactions: the table and row made before the slow statement stay (the "
                    "cancellation itself is checked above)";
  EXPECT_FALSE(ws.HasTable("marks"));  // the whole transaction was undone
}

TEST(TasksCli, SuspendAndResumePersistAndUnknownNamesAreUsageErrors) {
  Workspace ws(Config("", kTotalsTask));
  ASSERT_RUN_OK(ws.Sluice({"tasks", "suspend", "totals"}));
  RunResult list = ws.Sluice({"tasks", "list", "--format", "csv"});
  EXPECT_THAT(list.out, MatchesRegex(R"((.|\n)*totals,sql,@hourly,[0-9 :.-]+,yes,(.|\n)*)"));
  EXPECT_EQ(ws.Count("SELECT suspended FROM sluice_task_state WHERE task = 'totals'"), 1);
  ASSERT_RUN_OK(ws.Sluice({"tasks", "resume", "totals"}));
  list = ws.Sluice({"tasks", "list", "--format", "csv"});
  EXPECT_THAT(list.out, MatchesRegex(R"((.|\n)*totals,sql,@hourly,[0-9 :.-]+,no,(.|\n)*)"));
  const RunResult unknown = ws.Sluice({"tasks", "run", "nope"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.Describe();
  EXPECT_THAT(unknown.err, HasSubstr("no task named 'nope' (tasks: totals, broken, after_totals)"));
}

TEST(TasksCli, RetentionKeepsUnmergedRowsAndUnloadedFiles) {
  Workspace ws(Config("    retention: {staging: 1d, landing: 1d}\n", ""));
  ASSERT_RUN_OK(ws.Load({ws.WriteLines("merged.ndjson", {Event(1), Event(2)})}));
  ASSERT_RUN_OK(ws.Merge());
  ASSERT_RUN_OK(ws.Load({ws.WriteLines("unmerged.ndjson", {Event(3)})}));
  // A sealed file the pipeline has not loaded yet: the only copy of its event.
  const std::string unloaded = ws.landing_dir() + "/Accounting/2020/01/01/_none/Accounting-20200101T000000-1.ndjson.zst";
  std::filesystem::create_directories(std::filesystem::path(unloaded).parent_path());
  WriteFile(unloaded, Zstd(Event(4) + "\n"));
  // Everything loaded two days ago.
  if (ws.on_clickhouse()) {
    // A mutation of staging, and the history in the bookkeeping store (one statement each: `sluice sql` sends
    // a statement naming a sluice_* table there, the rest to ClickHouse).
    ASSERT_RUN_OK(ws.Sluice(
        {"sql", "--write", "ALTER TABLE accounting_stg UPDATE loaded_at = '2000-01-01 00:00:00.000000' WHERE 1"}));
    ws.AwaitMutations();
    ASSERT_RUN_OK(
        ws.Sluice({"sql", "--write", "UPDATE sluice_load_history SET loaded_at = '2000-01-01 00:00:00.000000'"}));
  } else {
    ASSERT_RUN_OK(ws.Sluice({"sql", "--write", "UPDATE accounting_stg SET loaded_at = '2000-01-01 00:00:00.000000'; "
                                                "UPDATE sluice_load_history SET loaded_at = '2000-01-01 00:00:00.000000'"}));
  }
  ASSERT_EQ(ListFiles(ws.landing_dir()).size(), 3u);

  const RunResult r = ws.Sluice({"tasks", "run", "retention:Accounting"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("retention:Accounting: succeeded, 4 rows"));  // 2 staging rows, 2 files
  EXPECT_EQ(ws.Count("accounting_stg"), 1);  // the unmerged row survives
  EXPECT_EQ(ws.Count("SELECT count(*) FROM accounting_stg WHERE CAST(payload AS TEXT) LIKE '%I3%'"), 1);
  EXPECT_EQ(ListFiles(ws.landing_dir()), (std::vector<std::string>{"Accounting/2020/01/01/_none/Accounting-20200101T000000-1.ndjson.zst"}));
  EXPECT_EQ(ws.Count("accounting"), 2);  // final rows are never touched
  // The merge still finds the surviving row.
  ASSERT_RUN_OK(ws.Merge());
  EXPECT_EQ(ws.Count("accounting"), 3);
}

TEST(TasksCli, ACycleOrAnUnknownPredecessorOrABadScheduleIsAConfigError) {
  Workspace ws(Config("", "tasks:\n  a:\n    after: [b]\n    sql: SELECT 1\n  b:\n    after: a\n    sql: SELECT 1\n"
                          "  c:\n    after: [zz]\n    sql: SELECT 1\n  d:\n    schedule: \"0 25 * * *\"\n    sql: SELECT 1\n"));
  const RunResult r = ws.Sluice({"tasks", "list"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("form a cycle: a -> b -> a"));
  EXPECT_THAT(r.err, HasSubstr("task 'c' runs after 'zz', which is not a task"));
  EXPECT_THAT(r.err, MatchesRegex(R"((.|\n)*sluice.yaml:[0-9]+:[0-9]+: schedule: (.|\n)*hour(.|\n)*)"));
}

}  // namespace
}  // namespace sluice::testing
