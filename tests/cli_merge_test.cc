// `sluice merge` on the Accounting catalog, driven through the CLI: latest
// wins, ties go to the first arrival, flattening, filtering, rejection, casts,
// and independence from how staging rows are split into runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kV1 = R"("2026-01-01T10:00:00Z")";
constexpr const char* kV2 = R"("2026-01-01T11:00:00Z")";

MergeLine MergeOk(const Workspace& ws) {
  const RunResult r = ws.Merge();
  EXPECT_RUN_OK(r);
  const auto line = ParseMergeLine(r.out);
  EXPECT_TRUE(line.has_value()) << r.Describe();
  return line.value_or(MergeLine{});
}

void LoadOk(const Workspace& ws, const std::vector<std::string>& files) {
  const RunResult r = ws.Load(files);
  EXPECT_RUN_OK(r);
}

TEST(MergeCli, NewerVersionReplacesEveryNonKeyColumn) {
  Workspace ws;
  LoadOk(ws, {ws.WriteLines("v1.ndjson", {AccountingEvent(
                  R"("I1")", kV1,
                  "[" + Entry(R"("E1")", R"("10.00")", R"("Reason": "first", "PerformedOn": "2026-01-01T09:00:00Z")") + "]",
                  R"("DisputeId": "D-1", "StepIdentifier": "S1")")})});
  MergeLine first = MergeOk(ws);
  EXPECT_EQ(first.inserted, 1);

  // The newer version lacks Reason, PerformedOn and DisputeId: they become NULL.
  LoadOk(ws, {ws.WriteLines("v2.ndjson", {AccountingEvent(R"("I1")", kV2, "[" + Entry(R"("E1")", "20") + "]",
                                                          R"("StepIdentifier": "S2")")})});
  MergeLine second = MergeOk(ws);
  EXPECT_EQ(second.staging_rows, 1);
  EXPECT_EQ(second.inserted, 0);
  EXPECT_EQ(second.updated, 1);
  EXPECT_EQ(second.stale, 0);
  EXPECT_THAT(ws.FinalRows("eventitemid, entryidentifier, amount, reason, performedon, disputeid, stepidentifier, "
                           "eventdatetime"),
              ElementsAre("I1|E1|20|NULL|NULL|NULL|S2|2026-01-01 11:00:00.000000"));
}

TEST(MergeCli, OlderVersionArrivingAfterANewerOneIsStale) {
  Workspace ws;
  LoadOk(ws, {ws.WriteLines("new.ndjson", {AccountingEvent(R"("I1")", kV2, "[" + Entry(R"("E1")", "2") + "]")})});
  EXPECT_EQ(MergeOk(ws).inserted, 1);
  LoadOk(ws, {ws.WriteLines("old.ndjson", {AccountingEvent(R"("I1")", kV1, "[" + Entry(R"("E1")", "1") + "]")})});
  MergeLine late = MergeOk(ws);
  EXPECT_EQ(late.updated, 0);
  EXPECT_EQ(late.stale, 1);
  EXPECT_THAT(ws.FinalRows("entryidentifier, amount, eventdatetime"), ElementsAre("E1|2|2026-01-01 11:00:00.000000"));
}

TEST(MergeCli, OlderVersionLaterInTheSameRunIsStale) {
  Workspace ws;
  LoadOk(ws, {ws.WriteLines("both.ndjson", {AccountingEvent(R"("I1")", kV2, "[" + Entry(R"("E1")", "2") + "]"),
                                            AccountingEvent(R"("I1")", kV1, "[" + Entry(R"("E1")", "1") + "]")})});
  MergeLine m = MergeOk(ws);
  EXPECT_EQ(m.inserted, 1);
  EXPECT_EQ(m.stale, 1);
  EXPECT_THAT(ws.FinalRows("amount"), ElementsAre("2"));
}

TEST(MergeCli, ExactRedeliveryInAnotherFileChangesNothing) {
  Workspace ws;
  const std::string event = AccountingEvent(R"("I1")", kV1, "[" + Entry(R"("E1")", "1") + "," + Entry(R"("E2")", "2") + "]");
  LoadOk(ws, {ws.WriteLines("a.ndjson", {event})});
  EXPECT_EQ(MergeOk(ws).inserted, 2);
  const auto before = ws.FinalRows();
  // The same event again, in a file whose content differs (so it is loaded).
  LoadOk(ws, {ws.WriteLines("b.ndjson", {event, AccountingEvent(R"("I2")", kV1, "[" + Entry(R"("E1")", "3") + "]")})});
  MergeLine m = MergeOk(ws);
  EXPECT_EQ(m.staging_rows, 2);
  EXPECT_EQ(m.inserted, 1);
  EXPECT_EQ(m.updated, 0);
  EXPECT_EQ(m.stale, 2);
  auto after = ws.FinalRows();
  ASSERT_EQ(after.size(), 3u);
  after.pop_back();  // I2
  EXPECT_EQ(after, before);
}

TEST(MergeCli, AmongEqualVersionsTheFirstToArriveWinsWithinAFile) {
  Workspace ws;
  // The second event has the same instant written with an offset: a tie.
  LoadOk(ws, {ws.WriteLines("tie.ndjson",
                            {AccountingEvent(R"("I1")", kV1, "[" + Entry(R"("E1")", "1") + "]"),
                             AccountingEvent(R"("I1")", R"("2026-01-01T05:00:00-05:00")", "[" + Entry(R"("E1")", "2") + "]"),
                             AccountingEvent(R"("I1")", R"("2026-01-01 10:00:00.000000")", "[" + Entry(R"("E1")", "3") + "]")})});
  MergeLine m = MergeOk(ws);
  EXPECT_EQ(m.inserted, 1);
  EXPECT_EQ(m.stale, 2);
  EXPECT_THAT(ws.FinalRows("amount, eventdatetime"), ElementsAre("1|2026-01-01 10:00:00.000000"));
}

TEST(MergeCli, AmongEqualVersionsTheEarlierElementOfOneEventWins) {
  Workspace ws;
  LoadOk(ws, {ws.WriteLines("dup.ndjson", {AccountingEvent(R"("I1")", kV1, "[" + Entry(R"("E1")", "1") + "," +
                                                                        Entry(R"("E1")", "2") + "]")})});
  MergeLine m = MergeOk(ws);
  EXPECT_EQ(m.inserted, 1);
  EXPECT_EQ(m.stale, 1);
  EXPECT_THAT(ws.FinalRows("amount"), ElementsAre("1"));
}

TEST(MergeCli, AmongEqualVersionsTheFirstFileLoadedWinsInOneRun) {
  Workspace ws;
  const std::string a = ws.WriteLines("a.ndjson", {AccountingEvent(R"("I1")", kV1, "[" + Entry(R"("E1")", "1") + "]")});
  const std::string b = ws.WriteLines("b.ndjson", {AccountingEvent(R"("I1")", kV1, "[" + Entry(R"("E1")", "2") + "]")});
  LoadOk(ws, {b});
  LoadOk(ws, {a});
  MergeOk(ws);
  EXPECT_THAT(ws.FinalRows("amount"), ElementsAre("2"));
}

TEST(MergeCli, AmongEqualVersionsTheRowMergedInAnEarlierRunStays) {
  Workspace ws;
  LoadOk(ws, {ws.WriteLines("a.ndjson", {AccountingEvent(R"("I1")", kV1, "[" + Entry(R"("E1")", "1") + "]")})});
  MergeOk(ws);
  LoadOk(ws, {ws.WriteLines("b.ndjson", {AccountingEvent(R"("I1")", kV1, "[" + Entry(R"("E1")", "2") + "]")})});
  MergeLine m = MergeOk(ws);
  EXPECT_EQ(m.updated, 0);
  EXPECT_EQ(m.stale, 1);
  EXPECT_THAT(ws.FinalRows("amount"), ElementsAre("1"));
}

// A run with fewer staging rows than the table has rows: on PostgreSQL every
// row then goes through INSERT … ON CONFLICT (a large backlog COPYs rows with
// new keys straight in instead); the outcome is the same.
TEST(MergeCli, ASmallRunIntoALargerTableInsertsNewKeysAndReplacesOnlyOlderRows) {
  Workspace ws;
  LoadOk(ws, {ws.WriteLines("a.ndjson", {AccountingEvent(R"("I1")", kV1,
                                                         "[" + Entry(R"("E1")", "1") + "," + Entry(R"("E2")", "2") + "]"),
                                         AccountingEvent(R"("I2")", kV1, "[" + Entry(R"("E1")", "3") + "]")})});
  EXPECT_EQ(MergeOk(ws).inserted, 3);
  LoadOk(ws, {ws.WriteLines("b.ndjson", {AccountingEvent(R"("I1")", kV2,
                                                         "[" + Entry(R"("E1")", "10") + "," + Entry(R"("E3")", "30") + "]")})});
  MergeLine newer = MergeOk(ws);
  EXPECT_EQ(newer.inserted, 1);
  EXPECT_EQ(newer.updated, 1);
  EXPECT_EQ(newer.stale, 0);
  LoadOk(ws, {ws.WriteLines("c.ndjson", {AccountingEvent(R"("I2")", kV1, "[" + Entry(R"("E1")", "99") + "]")})});
  MergeLine tie = MergeOk(ws);
  EXPECT_EQ(tie.inserted, 0);
  EXPECT_EQ(tie.updated, 0);
  EXPECT_EQ(tie.stale, 1);
  EXPECT_THAT(ws.FinalRows("eventitemid, entryidentifier, amount"),
              ElementsAre("I1|E1|10", "I1|E2|2", "I1|E3|30", "I2|E1|3"));
}

TEST(MergeCli, MissingNullEmptyOrNonArrayEntryListMakesNoRowsAndNoErrors) {
  Workspace ws;
  LoadOk(ws, {ws.WriteLines("none.ndjson", {AccountingEvent(R"("I1")", kV1, ""),
                                            AccountingEvent(R"("I2")", kV1, "null"),
                                            AccountingEvent(R"("I3")", kV1, "[]"),
                                            AccountingEvent(R"("I4")", kV1, R"("not an array")"),
                                            AccountingEvent(R"("I5")", kV1, R"({"EntryIdentifier": "E1"})"),
                                            AccountingEvent(R"("I6")", kV1, "42")})});
  MergeLine m = MergeOk(ws);
  EXPECT_EQ(m.staging_rows, 6);
  EXPECT_EQ(m.inserted + m.updated + m.stale + m.filtered + m.rejected, 0);
  EXPECT_EQ(ws.Count("accounting"), 0);
  EXPECT_EQ(ws.Count("sluice_merge_errors"), 0);
  EXPECT_EQ(ws.Count("SELECT position FROM sluice_streams WHERE staging_table = 'accounting_stg'"), 6);
}

TEST(MergeCli, RowsWithANullKeyAreFilteredAndCounted) {
  Workspace ws;
  LoadOk(ws, {ws.WriteLines("keys.ndjson",
                            {AccountingEvent("null", kV1, "[" + Entry(R"("E1")", "1") + "]"),
                             AccountingEvent("", kV1, "[" + Entry(R"("E1")", "1") + "]"),
                             AccountingEvent(R"("I1")", kV1, "[" + Entry("", "1") + "," + Entry("null", "1") + "," +
                                                                 Entry(R"("E1")", "1") + ", null]")})});
  MergeLine m = MergeOk(ws);
  EXPECT_EQ(m.filtered, 5);
  EXPECT_EQ(m.inserted, 1);
  EXPECT_EQ(m.rejected, 0);
  EXPECT_EQ(ws.Count("sluice_merge_errors"), 0);
  EXPECT_THAT(ws.FinalRows("eventitemid, entryidentifier"), ElementsAre("I1|E1"));
}

TEST(MergeCli, ABadValueRejectsOnlyItsRowWithColumnValueAndReason) {
  Workspace ws;
  LoadOk(ws, {ws.WriteLines("bad.ndjson", {AccountingEvent(
                  R"("I1")", kV1,
                  "[" + Entry(R"("E1")", R"("12.5")") + "," + Entry(R"("E2")", R"("abc")") + "," +
                      Entry(R"("E3")", "12345678.90") + "," +
                      Entry(R"("E4")", "1", R"("PerformedOn": "yesterday")") + "," +
                      Entry(R"("E5")", "1", R"("DebitCredit": "ThisIsLongerThan16")") + "]")})});
  MergeLine m = MergeOk(ws);
  EXPECT_EQ(m.inserted, 1);
  EXPECT_EQ(m.rejected, 4);
  EXPECT_THAT(ws.FinalRows("entryidentifier, amount"), ElementsAre("E1|12.5"));
  const auto errors = ws.Query(
      "SELECT event_type, seq, item_index, column_name, value, error FROM sluice_merge_errors ORDER BY item_index");
  ASSERT_EQ(errors.size(), 4u);
  std::vector<std::string> brief;
  for (const auto& e : errors) {
    EXPECT_EQ(e[0].text, "Accounting");
    EXPECT_EQ(e[1].integer, 1);
    EXPECT_FALSE(e[5].text.empty()) << ToString(e);
    brief.push_back(fmt::format("{}|{}|{}", e[2].integer, e[3].text, e[4].text));
  }
  EXPECT_THAT(brief, ElementsAre("1|amount|abc", "2|amount|12345678.90", "3|performedon|yesterday",
                                 "4|debitcredit|ThisIsLongerThan16"));
  EXPECT_THAT(errors[0][5].text, HasSubstr("not a number"));
  EXPECT_THAT(errors[1][5].text, HasSubstr("number(9,2)"));
}

TEST(MergeCli, ABadOrMissingVersionRejectsEveryRowOfTheEvent) {
  Workspace ws;
  LoadOk(ws, {ws.WriteLines("version.ndjson",
                            {AccountingEvent(R"("I1")", R"("not a time")", "[" + Entry(R"("E1")", "1") + "," +
                                                                                Entry(R"("E2")", "1") + "]"),
                             AccountingEvent(R"("I2")", "", "[" + Entry(R"("E1")", "1") + "]"),
                             AccountingEvent(R"("I3")", "null", "[" + Entry(R"("E1")", "1") + "]")})});
  MergeLine m = MergeOk(ws);
  EXPECT_EQ(m.inserted, 0);
  EXPECT_EQ(m.rejected, 4);
  EXPECT_EQ(ws.Count("accounting"), 0);
  std::vector<std::string> brief;
  for (const auto& e : ws.Query("SELECT seq, item_index, column_name, value FROM sluice_merge_errors "
                                "ORDER BY seq, item_index"))
    brief.push_back(ToString(e));
  EXPECT_THAT(brief, ElementsAre("1|0|eventdatetime|not a time", "1|1|eventdatetime|not a time",
                                 "2|0|eventdatetime|NULL", "3|0|eventdatetime|NULL"));
}

TEST(MergeCli, TimestampsAreStoredInUtcAndAmountsRoundHalfAwayFromZero) {
  Workspace ws;
  const auto event = [](const std::string& id, const std::string& amount, const std::string& performed) {
    return AccountingEvent(Quote(id), kV1, "[" + Entry(R"("E")", amount, R"("PerformedOn": )" + Quote(performed)) + "]");
  };
  LoadOk(ws, {ws.WriteLines("casts.ndjson", {
                                                event("a", "0.125", "2026-11-20T09:05:00-05:00"),
                                                event("b", "-0.125", "2026-11-20T14:03:11.25Z"),
                                                event("c", R"("2.675")", "2026-03-01T00:30:00+01:00"),
                                                event("d", "1.005", "2026-11-20 23:30:00+0130"),
                                                event("e", "-0.004", "2026-11-20"),
                                                event("f", "1e2", "2026-11-20T10:00:00.0000005Z"),
                                                event("g", R"("+7")", "2024-02-29T12:00:00z"),
                                            })});
  MergeLine m = MergeOk(ws);
  EXPECT_EQ(m.inserted, 7);
  EXPECT_EQ(m.rejected, 0);
  EXPECT_THAT(ws.FinalRows("eventitemid, amount, performedon"),
              ElementsAre("a|0.13|2026-11-20 14:05:00.000000", "b|-0.13|2026-11-20 14:03:11.250000",
                          "c|2.68|2026-02-28 23:30:00.000000", "d|1.01|2026-11-20 22:00:00.000000",
                          "e|0|2026-11-20 00:00:00.000000", "f|100|2026-11-20 10:00:00.000001",
                          "g|7|2024-02-29 12:00:00.000000"));
  // Amounts are numbers (SQLite: REAL; PostgreSQL: numeric, read back as a float Cell), never text.
  for (const auto& row : ws.Query("SELECT eventitemid, amount FROM accounting"))
    EXPECT_EQ(row[1].type, SQLITE_FLOAT) << ToString(row);
  // No negative zero: -0.004 rounds to 0.00, stored as +0.
  EXPECT_EQ(ws.Count("SELECT count(*) FROM accounting WHERE eventitemid = 'e' AND CAST(amount AS TEXT) LIKE '-%'"),
            0);
}

TEST(MergeCli, FinalTableIsTheSameWhetherMergedInOneRunOrSeveral) {
  // Collisions, ties, stale rows, filtered and rejected rows spread over files.
  std::vector<std::vector<std::string>> files;
  for (int f = 0; f < 6; ++f) {
    std::vector<std::string> lines;
    for (int i = 0; i < 12; ++i) {
      const int n = f * 12 + i;
      const std::string version = fmt::format(R"("2026-01-01T{:02}:00:00Z")", (n * 7) % 5);
      std::string entries = "[";
      for (int e = 0; e < n % 4; ++e)
        entries += (e ? "," : "") + Entry(fmt::format(R"("E{}")", (n + e) % 3),
                                          n % 11 == 0 ? R"("bad")" : fmt::format("{}.{}", n, e));
      entries += "]";
      lines.push_back(AccountingEvent(n % 13 == 0 ? "null" : fmt::format(R"("I{}")", n % 4), version, entries,
                                      fmt::format(R"("StepIdentifier": "S{}")", n)));
    }
    files.push_back(lines);
  }
  Workspace once, several;
  std::vector<std::string> once_paths;
  for (size_t f = 0; f < files.size(); ++f) {
    const std::string name = fmt::format("f{}.ndjson", f);
    once_paths.push_back(once.WriteLines(name, files[f]));
    LoadOk(several, {several.WriteLines(name, files[f])});
    MergeOk(several);
  }
  LoadOk(once, once_paths);
  MergeLine m = MergeOk(once);
  EXPECT_GT(m.stale, 0);
  EXPECT_GT(m.filtered, 0);
  EXPECT_GT(m.rejected, 0);
  EXPECT_THAT(once.FinalRows(), ::testing::Not(IsEmpty()));
  EXPECT_EQ(once.FinalRows(), several.FinalRows());
  const std::string errors = "SELECT seq, item_index, column_name, value, error FROM sluice_merge_errors ORDER BY 1, 2, 3";
  EXPECT_EQ(once.Query(errors), several.Query(errors));
}

}  // namespace
}  // namespace sluice::testing
