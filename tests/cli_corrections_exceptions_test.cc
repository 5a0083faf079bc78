// `sluice exceptions add` as a user runs it, on both backends: `--id … --set
// PATH=JSON` changes fields of delivered events (several at once, building
// on the exception in force, even moving an event to another key), and
// `--file` replaces a delivered event whole or backfills one that never
// arrived, which then wins or loses by version like a delivery. Every
// correction is checked where it matters, in the final table after the
// merge.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "corrections_harness.h"

namespace sluice::testing::corrections {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// exceptions add --id … --set

TEST(CorrectionsCli, ExceptionSetReplacesFieldsOfTheEventInTheFinalTable) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "10.00", R"("DisputeId": "D-1")"), Ev("I2", kT1, "20")});
  const RunResult r = SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", R"(DisputeId="D-9")",
                                    "--set", "EntryList[0].Amount=99.5", "--reason", "wrong amount", "--by", "alice"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: added 1 exception\n"));
  EXPECT_THAT(r.out, HasSubstr("Accounting: recomputed 1 keys of accounting from its history and corrections: 1 rows "
                               "written"));
  EXPECT_THAT(ws.FinalRows("eventitemid, amount, disputeid"), ElementsAre("I1|99.5|D-9", "I2|20|NULL"));
  EXPECT_EQ(ws.Count("sluice_corrections_pending"), 0);  // applied by the merge
  const auto stored = ws.Query("SELECT event_type, event_id, reason, added_by, removed_at FROM sluice_exceptions");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(ToString(stored[0]), "Accounting|" + Id("I1", kT1) + "|wrong amount|alice|NULL");
}

TEST(CorrectionsCli, ExceptionSetCreatesAMissingFieldAndKeepsTheOthers) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "10", R"("DisputeId": "D-1")")});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", R"(StepIdentifier="S-7")", "--set",
                R"(EntryList[0].Reason="late")", "--reason", "missing step"});
  EXPECT_THAT(ws.FinalRows("amount, disputeid, stepidentifier, reason"), ElementsAre("10|D-1|S-7|late"));
}

TEST(CorrectionsCli, AnEventDeliveredWithoutEntriesCanBeGivenThemByAnException) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {AccountingEvent(Quote("I1"), Quote(kT1), "[]"), AccountingEvent(Quote("I2"), Quote(kT1), "")});
  ASSERT_EQ(ws.Count("accounting"), 0);
  const std::string entries = R"(EntryList=[{"EntryIdentifier": "E1", "DebitCredit": "Debit", "Amount": 3}])";
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "I2", kT1, "--set", entries, "--reason",
                "entries were lost"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "3", "10"), Row("I2", "E1", "3", "10")));
}

TEST(CorrectionsCli, ASecondExceptionBuildsOnTheOneInForceAndReplacesIt) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "10", R"("DisputeId": "D-1")")});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[0].Amount=11", "--reason",
                "first", "--by", "alice"});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", R"(DisputeId="D-2")", "--reason",
                "second", "--by", "bob"});
  // The second --set started from the first exception, not from the delivery.
  EXPECT_THAT(ws.FinalRows("amount, disputeid"), ElementsAre("11|D-2"));
  EXPECT_THAT(Rows(ws, "SELECT reason, added_by, removed_by, removed_reason FROM sluice_exceptions ORDER BY id"),
              ElementsAre("first|alice|bob|replaced by a newer exception", "second|bob|NULL|NULL"));
}

TEST(CorrectionsCli, ExceptionSetCorrectsSeveralEventsAtOnce) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT2, "2"), Ev("I3", kT1, "3")});
  const RunResult r = SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "I2", kT2, "--set",
                                    "EntryList[0].Amount=0", "--reason", "zeroed"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: added 2 exceptions\n"));
  EXPECT_THAT(ws.FinalRows("eventitemid, amount"), ElementsAre("I1|0", "I2|0", "I3|3"));
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_exceptions WHERE removed_at IS NULL"), 2);
}

TEST(CorrectionsCli, AnExceptionThatMovesAnEventToAnotherKeyFixesBothKeys) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", R"(EntryList[0].EntryIdentifier="E2")",
                "--reason", "wrong entry"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E2", "1", "10")));
  SluiceOk(ws, {"exceptions", "remove", "Accounting", "--id", "I1", kT1, "--reason", "it was right"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10")));
}

// ---------------------------------------------------------------------------
// exceptions add --file

TEST(CorrectionsCli, ExceptionFileReplacesADeliveredEventWhole) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1", R"("DisputeId": "D-1")"), Ev("I2", kT1, "2")});
  const std::string fixed = ws.WriteLines("fixed.ndjson", {Ev("I1", kT1, "5", R"("StepIdentifier": "S-5")")});
  const RunResult r = SluiceOk(ws, {"exceptions", "add", "Accounting", "--file", fixed, "--reason", "resent by app"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: added 1 exception\n"));
  // Whole event: DisputeId is gone, StepIdentifier is new.
  EXPECT_THAT(ws.FinalRows("eventitemid, amount, disputeid, stepidentifier"),
              ElementsAre("I1|5|NULL|S-5", "I2|2|NULL|NULL"));
}

TEST(CorrectionsCli, ExceptionFileBackfillsAnEventThatNeverArrived) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  const std::string backfill = ws.WriteLines("backfill.ndjson", {Ev("I9", kT1, "9"), "", Ev("I8", kT2, "8")});
  const RunResult r = SluiceOk(ws, {"exceptions", "add", "Accounting", "--file", backfill, "--reason", "lost in 2025"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: added 2 exceptions\n"));
  EXPECT_THAT(ws.FinalRows(kCols),
              ElementsAre(Row("I1", "E1", "1", "10"), Row("I8", "E1", "8", "11"), Row("I9", "E1", "9", "10")));
  EXPECT_EQ(ws.Count("accounting_stg"), 1);  // a backfill is a correction, not a delivery
}

TEST(CorrectionsCli, ABackfilledEventWinsOrLosesByVersion) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT2, "2")});
  // I1: the backfill is newer and wins; I2: the backfill is older and loses.
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--file",
                ws.WriteLines("b.ndjson", {Ev("I1", kT2, "10"), Ev("I2", kT1, "20")}), "--reason", "backfill"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "10", "11"), Row("I2", "E1", "2", "11")));
  // Excluding the delivered I2 lets the older backfill through.
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I2", kT2, "--reason", "bad"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "10", "11"), Row("I2", "E1", "20", "10")));
}

TEST(CorrectionsCli, RemovingABackfillRemovesItsRow) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--file", ws.WriteLines("b.ndjson", {Ev("I9", kT1, "9")}),
                "--reason", "backfill"});
  ASSERT_EQ(ws.Count("accounting"), 2);
  SluiceOk(ws, {"exceptions", "remove", "Accounting", "--id", "I9", kT1, "--reason", "not ours"});
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10")));
}

TEST(CorrectionsCli, ABackfilledEventKeepsItsPlaceInArrivalOrderAcrossARebuild) {
  // A backfill, then a delivery of the same key with an equal version (the
  // same instant, another spelling, so another id): the backfill arrived
  // first and wins. A rebuild must give the same rows (guarantee 4).
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I0", kT1, "0")});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--file",
                ws.WriteLines("b.ndjson", {Ev("I1", "2026-01-01T05:00:00-05:00", "7")}), "--reason", "backfill"});
  LoadAndMerge(ws, "late.ndjson", {Ev("I1", kT1, "1")});
  const auto merged = ws.FinalRows(kCols);
  EXPECT_THAT(merged, ElementsAre(Row("I0", "E1", "0", "10"), Row("I1", "E1", "7", "10")));
  SluiceOk(ws, {"rebuild", "Accounting"});
  EXPECT_EQ(ws.FinalRows(kCols), merged);
}

}  // namespace
}  // namespace sluice::testing::corrections
