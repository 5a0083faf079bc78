// How corrections combine, on both backends: the final table is
// (original events ∪ exceptions) − exclusions, newest version per key, ties
// to the first arrival. Excluding the newest version brings back the one
// before it; a correction of a version that lost stays hidden until it
// wins; an exclusion outranks an exception of the same id; later deliveries
// of a corrected or excluded id stay corrected or excluded; and with
// --no-merge a correction waits for the next merge.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "corrections_harness.h"

namespace sluice::testing::corrections {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// ---------------------------------------------------------------------------
// The hard cases

TEST(CorrectionsCli, ExcludingTheNewestVersionBringsBackThePreviousOne) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I1", kT2, "2"), Ev("I2", kT1, "5")});
  ASSERT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "2", "11"), Row("I2", "E1", "5", "10")));
  const RunResult r = SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT2, "--reason", "test event"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: excluded 1 event (0 already excluded)\n"));
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10"), Row("I2", "E1", "5", "10")));
}

TEST(CorrectionsCli, ExcludingTheNewestVersionBringsBackAnOlderOneThatArrivedLater) {
  Workspace ws;
  LoadAndMerge(ws, "new.ndjson", {Ev("I1", kT2, "2")});
  LoadAndMerge(ws, "late.ndjson", {Ev("I1", kT1, "1")});  // stale when it arrived
  ASSERT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "2", "11")));
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT2, "--reason", "test event"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10")));
}

TEST(CorrectionsCli, ExcludingTheOnlyVersionRemovesTheRow) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "5")});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "test event"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I2", "E1", "5", "10")));
}

TEST(CorrectionsCli, ExcludingAnEventRemovesTheRowOfEachOfItsEntries) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson",
               {AccountingEvent(Quote("I1"), Quote(kT1), "[" + Entry(R"("E1")", "1") + "," + Entry(R"("E2")", "2") + "]"),
                Ev("I2", kT1, "5")});
  ASSERT_EQ(ws.Count("accounting"), 3);
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "test event"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I2", "E1", "5", "10")));
}

TEST(CorrectionsCli, CorrectingAnOlderVersionThatLostChangesNothingVisible) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I1", kT2, "2")});
  const auto before = ws.FinalRows();
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[0].Amount=50", "--reason",
                "old one"});
  EXPECT_EQ(ws.FinalRows(), before);
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "2", "11")));
  // …but it is what comes back once the newer version is excluded.
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT2, "--reason", "bad"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "50", "10")));
}

TEST(CorrectionsCli, CorrectingTheNewestVersionShowsTheCorrectionAndKeepsTheOlderHidden) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I1", kT2, "2")});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT2, "--set", "EntryList[0].Amount=22", "--reason",
                "fix"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "22", "11")));
}

TEST(CorrectionsCli, RemovingAnExclusionRestoresTheEvent) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I1", kT2, "2")});
  const auto original = ws.FinalRows();
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT2, "--reason", "bad", "--by", "alice"});
  ASSERT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10")));
  const RunResult r = SluiceOk(ws, {"exclusions", "remove", "Accounting", "--id", "I1", kT2, "--reason", "was fine",
                                    "--by", "bob"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: removed 1 exclusion\n"));
  EXPECT_EQ(ws.FinalRows(), original);
  // The row stays, marked removed.
  const auto audit = ws.Query("SELECT event_id, reason, added_by, removed_by, removed_reason FROM sluice_exclusions");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(ToString(audit[0]), Id("I1", kT2) + "|bad|alice|bob|was fine");
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_exclusions WHERE removed_at IS NOT NULL"), 1);
}

TEST(CorrectionsCli, RemovingAnExceptionRestoresTheOriginal) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1", R"("DisputeId": "D-1")")});
  const auto original = ws.FinalRows();
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", R"(DisputeId="D-2")", "--reason", "r"});
  ASSERT_NE(ws.FinalRows(), original);
  const RunResult r = SluiceOk(ws, {"exceptions", "remove", "Accounting", "--id", "I1", kT1, "--by", "carol"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: removed 1 exception\n"));
  EXPECT_EQ(ws.FinalRows(), original);
  EXPECT_THAT(Rows(ws, "SELECT removed_by FROM sluice_exceptions"), ElementsAre("carol"));
}

TEST(CorrectionsCli, AnExclusionOutranksAnExceptionOfTheSameId) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "2")});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[0].Amount=10", "--reason", "r"});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "r"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I2", "E1", "2", "10")));
  // In the other order too: an exception added while excluded stays hidden.
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I2", kT1, "--reason", "r"});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I2", kT1, "--set", "EntryList[0].Amount=20", "--reason", "r"});
  EXPECT_THAT(ws.FinalRows(kCols), IsEmpty());
  // Ending the exclusion brings back the corrected event, not the original.
  SluiceOk(ws, {"exclusions", "remove", "Accounting", "--id", "I1", kT1, "I2", kT1});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "10", "10"), Row("I2", "E1", "20", "10")));
}

TEST(CorrectionsCli, AnExclusionOfABackfillHidesIt) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--file", ws.WriteLines("b.ndjson", {Ev("I9", kT1, "9")}),
                "--reason", "backfill"});
  // Known only as an exception: still an id exclusions accept.
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I9", kT1, "--reason", "no after all"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10")));
}

TEST(CorrectionsCli, NewDeliveriesOfAnExcludedIdStayExcluded) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "2")});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "spam"});
  // Redelivered later (another file), alone and next to other events.
  LoadAndMerge(ws, "again.ndjson", {Ev("I1", kT1, "1"), Ev("I3", kT1, "3")});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I2", "E1", "2", "10"), Row("I3", "E1", "3", "10")));
  const RunResult merge = ws.Merge();
  ASSERT_RUN_OK(merge);
  LoadAndMerge(ws, "again2.ndjson", {Ev("I1", kT1, "100", R"("DisputeId": "X")")});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I2", "E1", "2", "10"), Row("I3", "E1", "3", "10")));
}

TEST(CorrectionsCli, NewDeliveriesOfACorrectedIdAreReplacedByTheException) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[0].Amount=10", "--reason", "r"});
  const RunResult load = ws.Load({ws.WriteLines("again.ndjson", {Ev("I1", kT1, "1", R"("DisputeId": "X")")})});
  ASSERT_RUN_OK(load);
  const RunResult merge = ws.Merge();
  ASSERT_RUN_OK(merge);
  EXPECT_THAT(merge.out, HasSubstr("1 corrected"));
  EXPECT_THAT(ws.FinalRows("amount, disputeid"), ElementsAre("10|NULL"));
}

TEST(CorrectionsCli, AnExceptionForAnEventNotYetMergedAppliesWhenItIsMerged) {
  Workspace ws;
  ASSERT_RUN_OK(ws.Load({ws.WriteLines("a.ndjson", {Ev("I1", kT1, "1")})}));
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[0].Amount=10", "--reason",
                "r", "--no-merge"});
  EXPECT_EQ(ws.Count("accounting"), 0);
  SluiceOk(ws, {"merge"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "10", "10")));
}

// ---------------------------------------------------------------------------
// --no-merge, then sluice merge

TEST(CorrectionsCli, NoMergeWaitsForTheNextMerge) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I1", kT2, "2"), Ev("I2", kT1, "3")});
  const auto original = ws.FinalRows();
  RunResult r = SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT2, "--reason", "r", "--no-merge"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: takes effect at the next merge of Accounting\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("merged")));
  r = SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I2", kT1, "--set", "EntryList[0].Amount=30", "--reason",
                    "r", "--no-merge"});
  EXPECT_THAT(r.out, HasSubstr("takes effect at the next merge"));
  EXPECT_EQ(ws.FinalRows(), original);
  EXPECT_THAT(Rows(ws, "SELECT event_type, event_id FROM sluice_corrections_pending ORDER BY change"),
              ElementsAre("Accounting|" + Id("I1", kT2), "Accounting|" + Id("I2", kT1)));

  const RunResult merge = ws.Merge();
  ASSERT_RUN_OK(merge);
  EXPECT_THAT(merge.out, HasSubstr("Accounting: recomputed 2 keys of accounting"));
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10"), Row("I2", "E1", "30", "10")));
  EXPECT_EQ(ws.Count("sluice_corrections_pending"), 0);

  // The same for remove.
  r = SluiceOk(ws, {"exclusions", "remove", "Accounting", "--id", "I1", kT2, "--no-merge"});
  EXPECT_THAT(r.out, HasSubstr("takes effect at the next merge"));
  r = SluiceOk(ws, {"exceptions", "remove", "Accounting", "--id", "I2", kT1, "--no-merge"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10"), Row("I2", "E1", "30", "10")));
  EXPECT_EQ(ws.Count("sluice_corrections_pending"), 2);
  ASSERT_RUN_OK(ws.Merge());
  EXPECT_EQ(ws.FinalRows(), original);
  EXPECT_EQ(ws.Count("sluice_corrections_pending"), 0);
}

TEST(CorrectionsCli, AMergeWithNothingPendingRecomputesNothing) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "r"});
  const RunResult merge = ws.Merge();
  ASSERT_RUN_OK(merge);
  EXPECT_THAT(merge.out, Not(HasSubstr("recomputed")));
  EXPECT_THAT(ws.FinalRows(), IsEmpty());
}

}  // namespace
}  // namespace sluice::testing::corrections
