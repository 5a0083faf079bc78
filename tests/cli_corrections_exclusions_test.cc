// `sluice exclusions add` as a user runs it, on both backends: an id already
// excluded is a no-op, a file may hold whole events or bare ids, an id that
// names no event or a file with a bad line is refused and stores nothing;
// and with a second type whose id is one path, ids are that value's text
// and corrections stay within their type.
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

// ---------------------------------------------------------------------------
// exclusions add

TEST(CorrectionsCli, ExcludingAnAlreadyExcludedIdIsANoOp) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "2")});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "first", "--by", "alice"});
  const RunResult r =
      SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "I2", kT1, "--reason", "again", "--by", "bob"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: excluded 1 event (1 already excluded)\n"));
  const RunResult again = SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "third"});
  EXPECT_THAT(again.out, HasSubstr("Accounting: excluded 0 events (1 already excluded)\n"));
  EXPECT_THAT(Rows(ws, "SELECT event_id, reason, added_by FROM sluice_exclusions ORDER BY id"),
              ElementsAre(Id("I1", kT1) + "|first|alice", Id("I2", kT1) + "|again|bob"));
  EXPECT_THAT(ws.FinalRows(), IsEmpty());
}

TEST(CorrectionsCli, ExclusionFileTakesEventsAndBareIds) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "2"), Ev("I3", kT1, "3")});
  const std::string file = ws.WriteLines("ex.ndjson", {Ev("I1", kT1, "999"), "", Id("I3", kT1)});
  const RunResult r = SluiceOk(ws, {"exclusions", "add", "Accounting", "--file", file, "--reason", "from a list"});
  EXPECT_THAT(r.out, HasSubstr("Accounting: excluded 2 events (0 already excluded)\n"));
  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I2", "E1", "2", "10")));
  EXPECT_THAT(Rows(ws, "SELECT event_id FROM sluice_exclusions ORDER BY id"), ElementsAre(Id("I1", kT1), Id("I3", kT1)));
}

TEST(CorrectionsCli, ExcludingAnIdThatNamesNoEventIsAnErrorAndChangesNothing) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "NOPE", kT1, "--reason", "r"}, 1,
                "no Accounting event has id " + Id("NOPE", kT1));
  // The version is part of the id: the right item at another time is another event.
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT2, "--reason", "r"}, 1,
                "no Accounting event has id " + Id("I1", kT2));
}

TEST(CorrectionsCli, AnExclusionFileWithABadLineNamesItAndStoresNothing) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "2")});
  const std::string no_id = ws.WriteLines("no_id.ndjson", {Ev("I1", kT1, "1"), R"({"EventItemId": "I2"})"});
  const auto before = Snapshot(ws);
  const RunResult r = ws.Sluice({"exclusions", "add", "Accounting", "--file", no_id, "--reason", "r"});
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr(no_id + ":2:"));
  EXPECT_EQ(Snapshot(ws), before);
  const std::string broken = ws.WriteLines("broken.ndjson", {Id("I1", kT1), "{\"EventItemId\": "});
  const RunResult r2 = ws.Sluice({"exclusions", "add", "Accounting", "--file", broken, "--reason", "r"});
  EXPECT_NE(r2.exit_code, 0) << r2.Describe();
  EXPECT_THAT(r2.err, HasSubstr(broken + ":2:"));
  EXPECT_EQ(Snapshot(ws), before);
}

// ---------------------------------------------------------------------------
// A second type, with a one-path id

// The example catalog plus Refund, whose id is one path (RefundId).
std::string ConfigWithRefund() {
  return AccountingConfigYaml() + R"(  Refund:
    table: refund
    key: [refundid]
    version: at
    id: RefundId
    columns:
      refundid: {path: RefundId, type: varchar(32)}
      at:       {path: At, type: timestamp}
      amount:   {path: Amount, type: number(9,2)}
)";
}

TEST(CorrectionsCli, AOnePathIdIsTheValuesTextAndCorrectionsStayWithinTheirType) {
  Workspace ws(ConfigWithRefund());
  ASSERT_RUN_OK(ws.Sluice({"load", "--type", "Accounting", ws.WriteLines("a.ndjson", {Ev("I1", kT1, "1")})}));
  const RunResult load = ws.Sluice({"load", "--type", "Refund",
                                    ws.WriteLines("refunds.ndjson", {R"({"RefundId": "R1", "At": "2026-01-01T10:00:00Z", "Amount": 5})",
                                                                     R"({"RefundId": 42, "At": "2026-01-01T10:00:00Z", "Amount": 6})"})});
  ASSERT_RUN_OK(load);
  ASSERT_RUN_OK(ws.Merge());
  ASSERT_EQ(ws.Count("refund"), 2);
  // A string id is its text; a number is its text as written.
  SluiceOk(ws, {"exclusions", "add", "Refund", "--id", "R1", "42", "--reason", "duplicates", "--by", "alice"});
  EXPECT_EQ(ws.Count("refund"), 0);
  EXPECT_THAT(Rows(ws, "SELECT event_type, event_id FROM sluice_exclusions ORDER BY id"),
              ElementsAre("Refund|R1", "Refund|42"));
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "r"});
  // list TYPE shows that type's only.
  const Listing refunds(SluiceOk(ws, {"exclusions", "list", "Refund", "--format", "csv"}).out, {"event_type", "event_id"});
  ASSERT_EQ(refunds.rows(), 2u);
  EXPECT_EQ(refunds.at(0, "event_type"), "Refund");
  EXPECT_EQ(refunds.at(1, "event_id"), "42");
  const Listing every(SluiceOk(ws, {"exclusions", "list", "--format", "csv"}).out, {"event_type", "event_id"});
  EXPECT_EQ(every.rows(), 3u);
  // An Accounting-shaped id is not a Refund id.
  ExpectRefused(ws, {"exclusions", "remove", "Refund", "--id", "I1", kT1}, 1, "Refund has no exclusion in force");
  SluiceOk(ws, {"exclusions", "remove", "Refund", "--id", "42"});
  EXPECT_THAT(Rows(ws, "SELECT refundid, amount FROM refund"), ElementsAre("42|6"));
  EXPECT_THAT(ws.FinalRows(), IsEmpty());  // Accounting's exclusion still holds
}

}  // namespace
}  // namespace sluice::testing::corrections
