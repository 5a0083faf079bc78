// `sluice rebuild` on both backends: the final table recomputed from the
// staging history and the corrections (guarantee 4), in full or for the
// keys of recent arrivals (--since). It fills a column added to the
// catalog, reapplies every correction, keeps each merge error once, never
// drops rows whose history retention removed, leaves unmerged rows to the
// merge, and readers see the old table or the new one, never half of it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "corrections_harness.h"

namespace sluice::testing::corrections {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// ---------------------------------------------------------------------------
// rebuild

// Runs `sluice sql --write` with `sql`, or on ClickHouse `clickhouse_sql`
// behind sluice's back: there the final table is a view and there are no
// UPDATE or DELETE statements, so a test changes the rows behind the view
// (the <table>_local table, on every shard of a cluster) or staging with
// ALTER TABLE … UPDATE/DELETE mutations, and waits for them to finish.
void WriteSql(const Workspace& ws, const std::string& sql, const std::string& clickhouse_sql) {
  if (ws.on_clickhouse()) {
    ws.Exec(clickhouse_sql);  // on every shard of a cluster
    ws.AwaitMutations();
    return;
  }
  SluiceOk(ws, {"sql", "--write", sql});
}

// Makes the staging rows loaded so far look as if they arrived on 2000-01-01.
void AgeStaging(const Workspace& ws) {
  WriteSql(ws, "UPDATE accounting_stg SET loaded_at = '2000-01-01 00:00:00.000000'",
           "ALTER TABLE accounting_stg UPDATE loaded_at = '2000-01-01 00:00:00.000000' WHERE 1");
}

// The example catalog with one more column, read from a field the events had all along.
std::string ConfigWithOperatorColumn() {
  return AccountingConfigYaml() + "      operatorname:          {path: OperatorName, type: varchar(64)}\n";
}

TEST(CorrectionsCli, RebuildFillsAColumnAddedToTheCatalogForOldRows) {
  Workspace ws;
  ASSERT_THAT(AccountingConfigYaml(), HasSubstr("\n      eventitemid:"));  // columns come last: appending adds one
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1", R"("OperatorName": "ann")"), Ev("I2", kT1, "2", R"("OperatorName": "bo")"),
                                Ev("I3", kT1, "3")});
  ws.SetConfig(ConfigWithOperatorColumn());
  ASSERT_RUN_OK(ws.Merge());  // adds the column; old rows have NULL there
  EXPECT_THAT(ws.FinalRows("eventitemid, operatorname"), ElementsAre("I1|NULL", "I2|NULL", "I3|NULL"));
  const RunResult r = SluiceOk(ws, {"rebuild", "Accounting"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: recomputed every key of accounting from its history and corrections: 3 rows "
                               "written"));
  EXPECT_THAT(ws.FinalRows("eventitemid, operatorname"), ElementsAre("I1|ann", "I2|bo", "I3|NULL"));
}

TEST(CorrectionsCli, ReadersSeeTheOldRowsOrTheNewOnesNeverAHalfRebuiltTable) {
  Workspace ws;
  const std::string file = ws.WriteInput("big.ndjson", LargeAccountingFile(20'000, 0));
  ASSERT_RUN_OK(ws.Load({file}));
  ASSERT_RUN_OK(ws.Merge());
  const int64_t rows = ws.Count("accounting");
  ASSERT_GT(rows, 30'000);
  ws.SetConfig(ConfigWithOperatorColumn());
  ChildProcess rebuild({SluiceBin(), "-c", ws.config_path(), "rebuild", "Accounting"}, RunOptions{});
  std::vector<int64_t> seen;
  PollUntil(
      [&] {
        const bool running = rebuild.Running();
        seen.push_back(ws.Count("accounting"));
        return !running;
      },
      std::chrono::seconds(120));
  const RunResult done = rebuild.Wait(std::chrono::seconds(60));
  ASSERT_RUN_OK(done);
  EXPECT_GT(seen.size(), 1u);
  const auto other = std::find_if(seen.begin(), seen.end(), [&](int64_t n) { return n != rows; });
  EXPECT_TRUE(other == seen.end()) << "a reader counted " << *other << " rows instead of " << rows << " ("
                                   << std::count_if(seen.begin(), seen.end(), [&](int64_t n) { return n != rows; })
                                   << " of " << seen.size() << " reads)";
  EXPECT_EQ(ws.Count("accounting"), rows);
}

TEST(CorrectionsCli, RebuildSinceRecomputesOnlyTheKeysOfRecentEvents) {
  Workspace ws;
  LoadAndMerge(ws, "old.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "2")});
  // The old events arrived long ago.
  AgeStaging(ws);
  LoadAndMerge(ws, "new.ndjson", {Ev("I3", kT1, "3"), Ev("I2", kT2, "22")});
  const auto good = ws.FinalRows();
  ASSERT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10"), Row("I2", "E1", "22", "11"),
                                               Row("I3", "E1", "3", "10")));
  // Final rows that differ from what a recompute gives: I1 (old) and I3 (recent) deleted, I2 (recent) altered.
  WriteSql(ws, "DELETE FROM accounting WHERE eventitemid IN ('I1', 'I3'); UPDATE accounting SET amount = 0",
           "ALTER TABLE accounting_local DELETE WHERE eventitemid IN ('I1', 'I3'); "
           "ALTER TABLE accounting_local UPDATE amount = 0 WHERE 1");
  ASSERT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I2", "E1", "0", "11")));

  const RunResult since = SluiceOk(ws, {"rebuild", "Accounting", "--since", "1d"});
  EXPECT_THAT(since.out, HasSubstr("Accounting: recomputed 2 keys of accounting"));
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I2", "E1", "22", "11"), Row("I3", "E1", "3", "10")));

  const RunResult full = SluiceOk(ws, {"rebuild", "Accounting"});
  EXPECT_THAT(full.out, HasSubstr("recomputed every key"));
  EXPECT_EQ(ws.FinalRows(), good);
}

TEST(CorrectionsCli, RebuildSinceAWindowWithNoArrivalsChangesNothing) {
  Workspace ws;
  LoadAndMerge(ws, "old.ndjson", {Ev("I1", kT1, "1")});
  AgeStaging(ws);
  WriteSql(ws, "DELETE FROM accounting", "ALTER TABLE accounting_local DELETE WHERE 1");
  const RunResult r = SluiceOk(ws, {"rebuild", "Accounting", "--since", "6h"});
  EXPECT_THAT(r.out, HasSubstr("recomputed 0 keys"));
  EXPECT_THAT(ws.FinalRows(), IsEmpty());
}

TEST(CorrectionsCli, RebuildWithABadWindowIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"rebuild", "Accounting", "--since", "fortnight"}, 2, "--since");
}

TEST(CorrectionsCli, AFullRebuildReappliesEveryCorrection) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I1", kT2, "2"), Ev("I2", kT1, "3"), Ev("I3", kT1, "4")});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT2, "--reason", "r"});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I2", kT1, "--set", "EntryList[0].Amount=30", "--reason", "r"});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--file", ws.WriteLines("b.ndjson", {Ev("I9", kT1, "9")}),
                "--reason", "backfill"});
  const auto corrected = ws.FinalRows();
  ASSERT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10"), Row("I2", "E1", "30", "10"),
                                               Row("I3", "E1", "4", "10"), Row("I9", "E1", "9", "10")));
  // Wreck the final table, then rebuild it from the history and the corrections.
  WriteSql(ws, "DELETE FROM accounting WHERE eventitemid = 'I9'; UPDATE accounting SET amount = 0",
           "ALTER TABLE accounting_local DELETE WHERE eventitemid = 'I9'; "
           "ALTER TABLE accounting_local UPDATE amount = 0 WHERE 1");
  const RunResult r = SluiceOk(ws, {"rebuild", "Accounting"});
  EXPECT_THAT(r.out, HasSubstr("recomputed every key of accounting from its history and corrections: 4 rows written"));
  EXPECT_EQ(ws.FinalRows(), corrected);
}

TEST(CorrectionsCli, ARebuildKeepsTheMergeErrorsOnce) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, R"("lots")")});
  const auto errors = Rows(ws, "SELECT event_type, seq, column_name FROM sluice_merge_errors ORDER BY seq");
  ASSERT_EQ(errors.size(), 1u);
  SluiceOk(ws, {"rebuild", "Accounting"});
  SluiceOk(ws, {"rebuild", "Accounting"});
  EXPECT_EQ(Rows(ws, "SELECT event_type, seq, column_name FROM sluice_merge_errors ORDER BY seq"), errors);
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10")));
}

TEST(CorrectionsCli, CorrectingARejectedEventTakesItOutOfTheMergeErrors) {
  // Guarantee 2: the event ends in one place. After the correction it is a
  // final row, so it is no longer a merge error, as a full rebuild also says.
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, R"("lots")")});
  ASSERT_EQ(ws.Count("sluice_merge_errors"), 1);
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I2", kT1, "--set", "EntryList[0].Amount=2", "--reason",
                "typo in the amount"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10"), Row("I2", "E1", "2", "10")));
  const int64_t after_correction = ws.Count("sluice_merge_errors");
  SluiceOk(ws, {"rebuild", "Accounting"});
  EXPECT_EQ(ws.Count("sluice_merge_errors"), 0);
  EXPECT_EQ(after_correction, 0) << "the corrected event is both a final row and a merge error";
}

TEST(CorrectionsCli, ACorrectionInALongHistoryRecomputesOnlyItsKeys) {
  Workspace ws;
  std::vector<std::string> lines;
  for (int i = 0; i < 12'000; ++i) lines.push_back(Ev(fmt::format("I{:05}", i), kT1, std::to_string(i % 1000)));
  lines.push_back(Ev("I05000", kT2, "77"));  // a newer version of one key, late in the history
  LoadAndMerge(ws, "big.ndjson", lines);
  ASSERT_EQ(ws.Count("accounting"), 12'000);
  const RunResult r = SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I05000", kT2, "I00001", kT1, "I11999",
                                    kT1, "--reason", "r"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: recomputed 3 keys of accounting from its history and corrections: 1 rows "
                               "written"));
  EXPECT_EQ(ws.Count("accounting"), 11'998);
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, amount FROM accounting WHERE eventitemid IN ('I00001', 'I05000', "
                       "'I11999', 'I11998') ORDER BY eventitemid"),
              ElementsAre("I05000|0", "I11998|998"));
}

TEST(CorrectionsCli, ARebuildNeverDropsRowsWhoseStagingHistoryRetentionRemoved) {
  // Retention deletes merged staging rows (and their landed files); a full
  // rebuild must then keep the final rows it cannot recompute, or refuse and
  // change nothing. Guarantee 2: nothing vanishes silently.
  Workspace ws(AccountingConfigYaml() + "    retention: {staging: 1d, landing: 1d}\n");
  LoadAndMerge(ws, "old.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "2")});
  if (ws.on_clickhouse()) {  // staging on ClickHouse, the history in the bookkeeping store: a statement each
    AgeStaging(ws);
    SluiceOk(ws, {"sql", "--write", "UPDATE sluice_load_history SET loaded_at = '2000-01-01 00:00:00.000000'"});
  } else {
    SluiceOk(ws, {"sql", "--write", "UPDATE accounting_stg SET loaded_at = '2000-01-01 00:00:00.000000'; "
                                    "UPDATE sluice_load_history SET loaded_at = '2000-01-01 00:00:00.000000'"});
  }
  SluiceOk(ws, {"tasks", "run", "retention:Accounting"});
  ASSERT_EQ(ws.Count("accounting_stg"), 0);
  LoadAndMerge(ws, "new.ndjson", {Ev("I3", kT1, "3")});
  const auto before = ws.FinalRows();
  ASSERT_EQ(before.size(), 3u);
  const RunResult r = ws.Sluice({"rebuild", "Accounting"});
  EXPECT_EQ(ws.FinalRows(), before) << r.Describe();
}

TEST(CorrectionsCli, RebuildLeavesUnmergedRowsToTheMergeAndMergesThem) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ASSERT_RUN_OK(ws.Load({ws.WriteLines("b.ndjson", {Ev("I2", kT1, "2")})}));
  SluiceOk(ws, {"rebuild", "Accounting"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10"), Row("I2", "E1", "2", "10")));
  EXPECT_EQ(ws.Count("SELECT position FROM sluice_streams"), 2);
}

}  // namespace
}  // namespace sluice::testing::corrections
