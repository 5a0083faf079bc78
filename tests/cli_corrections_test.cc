// `sluice exceptions`, `sluice exclusions` and `sluice rebuild` as a user runs
// them, on both backends: every correction is checked where it matters, in
// the final table after the merge. The final table is
// (original events ∪ exceptions) − exclusions, newest version per key, ties
// to the first arrival; the correction tables are the audit trail; a refused
// command changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr const char* kT1 = "2026-01-01T10:00:00Z";
constexpr const char* kT2 = "2026-01-01T11:00:00Z";
// added_at / removed_at in list output (ListTimestampsAreSpelledAlikeOnBothBackends pins the spelling).
constexpr const char* kTimestamp = "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?";

// One Accounting event with one entry.
std::string Ev(const std::string& item, const std::string& at, const std::string& amount,
               const std::string& extra = "", const std::string& entry = "E1") {
  return AccountingEvent(Quote(item), Quote(at), "[" + Entry(Quote(entry), amount) + "]", extra);
}

// The columns most tests look at, as FinalRows text.
const std::string kCols = "eventitemid, entryidentifier, amount, eventdatetime";
std::string Row(const std::string& item, const std::string& entry, const std::string& amount, const std::string& hour) {
  return fmt::format("{}|{}|{}|2026-01-01 {}:00:00.000000", item, entry, amount, hour);
}

void LoadAndMerge(const Workspace& ws, const std::string& name, const std::vector<std::string>& lines) {
  const RunResult load = ws.Load({ws.WriteLines(name, lines)});
  ASSERT_RUN_OK(load);
  const RunResult merge = ws.Merge();
  ASSERT_RUN_OK(merge);
}

std::vector<std::string> Rows(const Workspace& ws, const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& r : ws.Query(sql)) out.push_back(ToString(r));
  return out;
}

// Everything a correction command may change: the correction tables, the
// pending queue, the final table and the stream (a merge moves merged_at).
std::vector<std::string> Snapshot(const Workspace& ws) {
  std::vector<std::string> out;
  for (const char* sql : {"SELECT * FROM sluice_exceptions ORDER BY id", "SELECT * FROM sluice_exclusions ORDER BY id",
                          "SELECT * FROM sluice_corrections_pending ORDER BY change",
                          "SELECT * FROM accounting ORDER BY eventitemid, entryidentifier",
                          "SELECT staging_table, position, merged_at FROM sluice_streams",
                          "SELECT count(*) FROM sluice_merge_errors"}) {
    out.push_back(std::string("-- ") + sql);
    for (auto& r : Rows(ws, sql)) out.push_back(std::move(r));
  }
  return out;
}

// Runs a command that must be refused: its exit code, a message naming the
// problem, and no change anywhere.
void ExpectRefused(const Workspace& ws, const std::vector<std::string>& args, int exit_code, const std::string& message) {
  SCOPED_TRACE(fmt::format("sluice {}", fmt::join(args, " ")));
  const auto before = Snapshot(ws);
  const RunResult r = ws.Sluice(args);
  EXPECT_EQ(r.exit_code, exit_code) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr(message)) << r.Describe();
  EXPECT_THAT(r.out, Not(HasSubstr("merged"))) << r.Describe();
  EXPECT_EQ(Snapshot(ws), before);
}

RunResult SluiceOk(const Workspace& ws, const std::vector<std::string>& args) {
  RunResult r = ws.Sluice(args);
  EXPECT_RUN_OK(r);
  return r;
}

// A minimal CSV reader for `--format csv` (RFC 4180: CRLF, quoted fields, "" inside quotes).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) row.push_back(std::move(field));
      if (!row.empty()) rows.push_back(std::move(row));
      row.clear();
      field.clear();
      any = false;
    } else {
      field.push_back(c);
      any = true;
    }
  }
  if (any || !field.empty()) row.push_back(std::move(field));
  if (!row.empty()) rows.push_back(std::move(row));
  return rows;
}

// A CSV listing by column name: `want` must be among its columns, in this
// order (columns added later may sit between them).
class Listing {
 public:
  Listing(const std::string& csv, const std::vector<std::string>& want) : rows_(ParseCsv(csv)) {
    if (rows_.empty()) {
      ADD_FAILURE() << "no header in: " << csv;
      return;
    }
    size_t last = 0;
    for (const auto& name : want) {
      const auto it = std::find(rows_[0].begin(), rows_[0].end(), name);
      if (it == rows_[0].end()) {
        ADD_FAILURE() << "no column " << name << " in " << fmt::format("{}", fmt::join(rows_[0], ","));
        continue;
      }
      const size_t at = static_cast<size_t>(it - rows_[0].begin());
      EXPECT_GE(at, last) << name << " is out of order in " << fmt::format("{}", fmt::join(rows_[0], ","));
      last = at;
    }
  }
  size_t rows() const { return rows_.empty() ? 0 : rows_.size() - 1; }
  // Row `r` (0-based, after the header), column `name`.
  std::string at(size_t r, const std::string& name) const {
    const auto it = std::find(rows_[0].begin(), rows_[0].end(), name);
    if (r + 1 >= rows_.size() || it == rows_[0].end() || rows_[r + 1].size() != rows_[0].size()) return "<missing>";
    return rows_[r + 1][static_cast<size_t>(it - rows_[0].begin())];
  }
  const std::vector<std::string>& header() const { return rows_.at(0); }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string Id(const std::string& item, const std::string& at) { return fmt::format(R"(["{}","{}"])", item, at); }

std::string OsUser() {
  const passwd* pw = getpwuid(geteuid());
  return pw ? pw->pw_name : "";
}

// The example catalog with its `id:` line removed.
std::string ConfigWithoutId() {
  std::string yaml = AccountingConfigYaml();
  const size_t at = yaml.find("\n    id:");
  if (at != std::string::npos) yaml.erase(at, yaml.find('\n', at + 1) - at);
  return yaml;
}

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

// ---------------------------------------------------------------------------
// list

TEST(CorrectionsCli, ExceptionsListShowsTheOnesInForceWithTheirAudit) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1", R"("DisputeId": "D-1")"), Ev("I2", kT1, "2")});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", R"(DisputeId="D-9")", "--reason",
                "wrong dispute, see #12", "--by", "alice"});
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I2", kT1, "--set", "EntryList[0].Amount=5", "--reason",
                "gone", "--by", "bob"});
  SluiceOk(ws, {"exceptions", "remove", "Accounting", "--id", "I2", kT1, "--reason", "undo", "--by", "carol"});

  const Listing list(SluiceOk(ws, {"exceptions", "list", "Accounting", "--format", "csv"}).out,
                     {"id", "event_type", "event_id", "payload", "reason", "added_by", "added_at"});
  EXPECT_EQ(list.header().front(), "id");
  EXPECT_THAT(list.header(), Not(::testing::Contains("removed_at")));
  ASSERT_EQ(list.rows(), 1u);
  EXPECT_EQ(list.at(0, "id"), "1");
  EXPECT_EQ(list.at(0, "event_type"), "Accounting");
  EXPECT_EQ(list.at(0, "event_id"), Id("I1", kT1));
  EXPECT_THAT(list.at(0, "payload"), HasSubstr(R"("DisputeId": "D-9")"));
  EXPECT_THAT(list.at(0, "payload"), HasSubstr(R"("EventItemId": "I1")"));
  EXPECT_EQ(list.at(0, "reason"), "wrong dispute, see #12");
  EXPECT_EQ(list.at(0, "added_by"), "alice");
  EXPECT_THAT(list.at(0, "added_at"), MatchesRegex(kTimestamp));
  // On SQLite the payload is the delivered text with the one value changed.
  if (!ws.on_postgres()) {
    EXPECT_EQ(list.at(0, "payload"), Ev("I1", kT1, "1", R"("DisputeId": "D-9")"));
  }

  const Listing all(SluiceOk(ws, {"exceptions", "list", "--all", "--format", "csv"}).out,
                    {"id", "event_type", "event_id", "payload", "reason", "added_by", "added_at", "removed_by",
                     "removed_at", "removed_reason"});
  ASSERT_EQ(all.rows(), 2u);
  EXPECT_EQ(all.at(0, "removed_by"), "");
  EXPECT_EQ(all.at(0, "removed_at"), "");
  EXPECT_EQ(all.at(1, "id"), "2");
  EXPECT_EQ(all.at(1, "event_id"), Id("I2", kT1));
  EXPECT_THAT(all.at(1, "payload"), HasSubstr(R"("Amount": 5)"));
  EXPECT_EQ(all.at(1, "reason"), "gone");
  EXPECT_EQ(all.at(1, "added_by"), "bob");
  EXPECT_EQ(all.at(1, "removed_by"), "carol");
  EXPECT_THAT(all.at(1, "removed_at"), MatchesRegex(kTimestamp));
  EXPECT_EQ(all.at(1, "removed_reason"), "undo");
}

TEST(CorrectionsCli, ExclusionsListHasNoPayloadAndAllShowsRemovedOnes) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "2")});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "spam", "--by", "alice"});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I2", kT1, "--reason", "test", "--by", "bob"});
  SluiceOk(ws, {"exclusions", "remove", "Accounting", "--id", "I2", kT1, "--reason", "real after all", "--by", "carol"});

  const Listing list(SluiceOk(ws, {"exclusions", "list", "--format", "csv"}).out,
                     {"id", "event_type", "event_id", "reason", "added_by", "added_at"});
  EXPECT_THAT(list.header(), Not(::testing::Contains("payload")));
  EXPECT_THAT(list.header(), Not(::testing::Contains("removed_by")));
  ASSERT_EQ(list.rows(), 1u);
  EXPECT_EQ(list.at(0, "id"), "1");
  EXPECT_EQ(list.at(0, "event_type"), "Accounting");
  EXPECT_EQ(list.at(0, "event_id"), Id("I1", kT1));
  EXPECT_EQ(list.at(0, "reason"), "spam");
  EXPECT_EQ(list.at(0, "added_by"), "alice");
  EXPECT_THAT(list.at(0, "added_at"), MatchesRegex(kTimestamp));

  const Listing all(SluiceOk(ws, {"exclusions", "list", "Accounting", "--all", "--format", "csv"}).out,
                    {"id", "event_type", "event_id", "reason", "added_by", "added_at", "removed_by", "removed_at",
                     "removed_reason"});
  ASSERT_EQ(all.rows(), 2u);
  EXPECT_EQ(all.at(1, "id"), "2");
  EXPECT_EQ(all.at(1, "event_id"), Id("I2", kT1));
  EXPECT_EQ(all.at(1, "reason"), "test");
  EXPECT_EQ(all.at(1, "added_by"), "bob");
  EXPECT_EQ(all.at(1, "removed_by"), "carol");
  EXPECT_THAT(all.at(1, "removed_at"), MatchesRegex(kTimestamp));
  EXPECT_EQ(all.at(1, "removed_reason"), "real after all");

  // The other formats work too.
  EXPECT_THAT(SluiceOk(ws, {"exclusions", "list"}).out, HasSubstr("spam"));
  EXPECT_THAT(SluiceOk(ws, {"exclusions", "list", "--format", "ndjson"}).out, HasSubstr(R"("reason":"spam")"));
}

TEST(CorrectionsCli, ListTimestampsAreSpelledAlikeOnBothBackends) {
  // As `sluice tasks history` does: six fractional digits on SQLite and on
  // PostgreSQL, also when the last ones are zeros.
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "r"});
  SluiceOk(ws, {"exclusions", "remove", "Accounting", "--id", "I1", kT1});
  SluiceOk(ws, {"sql", "--write", "UPDATE sluice_exclusions SET added_at = '2026-01-02 03:04:05.100000', "
                                  "removed_at = '2026-01-02 03:04:06.000000'"});
  const Listing all(SluiceOk(ws, {"exclusions", "list", "--all", "--format", "csv"}).out, {"added_at", "removed_at"});
  ASSERT_EQ(all.rows(), 1u);
  EXPECT_EQ(all.at(0, "added_at"), "2026-01-02 03:04:05.100000");
  EXPECT_EQ(all.at(0, "removed_at"), "2026-01-02 03:04:06.000000");
}

TEST(CorrectionsCli, ListOfAnEmptyTableIsJustTheHeader) {
  Workspace ws;
  const RunResult r = SluiceOk(ws, {"exceptions", "list", "--format", "csv"});
  EXPECT_THAT(r.out, ::testing::StartsWith("id,event_type,event_id,payload,"));
  const Listing list(r.out, {"id", "event_type", "event_id", "payload", "reason", "added_by", "added_at"});
  EXPECT_EQ(list.rows(), 0u);
  EXPECT_THAT(r.out, ::testing::EndsWith("added_at\r\n"));
}

TEST(CorrectionsCli, AddedByDefaultsToTheOsUser) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "r"});
  SluiceOk(ws, {"exclusions", "remove", "Accounting", "--id", "I1", kT1});
  EXPECT_THAT(Rows(ws, "SELECT added_by, removed_by FROM sluice_exclusions"), ElementsAre(OsUser() + "|" + OsUser()));
}

// ---------------------------------------------------------------------------
// Refused commands: exit code, message, nothing changed

TEST(CorrectionsCli, AnUnknownTypeIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Nope", "--id", "I1", kT1, "--set", "a=1", "--reason", "r"}, 2,
                "unknown event type 'Nope'");
  ExpectRefused(ws, {"exclusions", "add", "Nope", "--id", "I1", kT1, "--reason", "r"}, 2, "unknown event type");
  ExpectRefused(ws, {"exclusions", "remove", "Nope", "--id", "I1", kT1}, 2, "unknown event type");
  ExpectRefused(ws, {"exceptions", "list", "Nope"}, 2, "unknown event type");
  ExpectRefused(ws, {"rebuild", "Nope"}, 2, "unknown event type");
}

TEST(CorrectionsCli, ATypeWithoutAnIdIsAUsageErrorNamingIt) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ws.SetConfig(ConfigWithoutId());
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", "--reason", "r"}, 2, "Accounting has no id");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", "--set", "a=1", "--reason", "r"}, 2,
                "Accounting has no id");
}

TEST(CorrectionsCli, AWrongNumberOfIdValuesIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", "--reason", "r"}, 2,
                "Accounting has an id of 2 values (EventItemId, EventDateTime); --id got 1 value");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "I2", "--set", "a=1", "--reason", "r"}, 2,
                "--id got 3 values");
  ExpectRefused(ws, {"exclusions", "remove", "Accounting", "--id", "I1"}, 2, "--id got 1 value");
}

TEST(CorrectionsCli, AMissingReasonIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1}, 2, "--reason is required");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "a=1"}, 2, "--reason is required");
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", ""}, 2, "--reason is required");
}

TEST(CorrectionsCli, IdAndFileTogetherOrNeitherIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  const std::string file = ws.WriteLines("f.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--reason", "r"}, 2, "either --id or --file");
  ExpectRefused(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--file", file, "--reason", "r"}, 2,
                "either --id or --file");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--reason", "r"}, 2, "--set PATH=JSON");
}

TEST(CorrectionsCli, ASetPathThatDoesNotParseIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[x].Amount=1",
                     "--reason", "r"},
                2, "does not parse");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "a..b=1", "--reason", "r"}, 2,
                "does not parse");
}

TEST(CorrectionsCli, ASetValueThatIsNotJsonIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "DisputeId=D-9", "--reason", "r"}, 2,
                "not JSON");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "DisputeId", "--reason", "r"}, 2,
                "PATH=JSON");
}

TEST(CorrectionsCli, ASetPathThatCannotBeReachedIsAUsageError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[3].Amount=1",
                     "--reason", "r"},
                2, "past the end");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "TenantId.x=1", "--reason", "r"}, 2,
                "not inside an object");
}

TEST(CorrectionsCli, ACorrectionThatWouldNotCastIsRefused) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", R"(EntryList[0].Amount="abc")",
                     "--reason", "r"},
                2, "would be rejected by the merge");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[0].Amount=1e12",
                     "--reason", "r"},
                2, "amount");
}

TEST(CorrectionsCli, ASetThatChangesTheIdIsRefused) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", R"(EventItemId="I2")", "--reason",
                     "r"},
                2, "changes the id");
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EventItemId=null", "--reason", "r"},
                2, "no id");
}

TEST(CorrectionsCli, ASetForAnIdThatNamesNoEventIsAnError) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "I9", kT1, "--set", "EntryList[0].Amount=2",
                     "--reason", "r"},
                1, "no Accounting event has id " + Id("I9", kT1));
}

TEST(CorrectionsCli, AnExceptionFileWithABadLineNamesItAndStoresNothing) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1")});
  const std::string not_json = ws.WriteLines("not_json.ndjson", {Ev("I1", kT1, "2"), "{\"EventItemId\": "});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--file", not_json, "--reason", "r"}, 2, not_json + ":2:");
  const std::string no_id = ws.WriteLines("no_id.ndjson", {Ev("I1", kT1, "2"), "", R"({"EventItemId": "I5"})"});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--file", no_id, "--reason", "r"}, 2, no_id + ":3: ");
  const std::string bad_cast = ws.WriteLines("bad_cast.ndjson", {Ev("I1", kT1, "2"), Ev("I2", kT1, R"("lots")")});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--file", bad_cast, "--reason", "r"}, 2,
                bad_cast + ":2: event " + Id("I2", kT1) + " would be rejected by the merge");
  const std::string empty = ws.WriteLines("empty.ndjson", {""});
  ExpectRefused(ws, {"exceptions", "add", "Accounting", "--file", empty, "--reason", "r"}, 2, "has no events");
}

TEST(CorrectionsCli, RemovingACorrectionThatIsNotInForceIsAnErrorAndChangesNothing) {
  Workspace ws;
  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "2")});
  SluiceOk(ws, {"exclusions", "add", "Accounting", "--id", "I1", kT1, "--reason", "r"});
  // I2 has none: the whole command is refused, I1 stays excluded.
  ExpectRefused(ws, {"exclusions", "remove", "Accounting", "--id", "I1", kT1, "I2", kT1}, 1,
                "Accounting has no exclusion in force for id " + Id("I2", kT1));
  ExpectRefused(ws, {"exceptions", "remove", "Accounting", "--id", "I1", kT1}, 1,
                "Accounting has no exception in force for id " + Id("I1", kT1));
  SluiceOk(ws, {"exclusions", "remove", "Accounting", "--id", "I1", kT1});
  // Removed already: no longer in force.
  ExpectRefused(ws, {"exclusions", "remove", "Accounting", "--id", "I1", kT1}, 1, "no exclusion in force");
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

// ---------------------------------------------------------------------------
// rebuild

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
  SluiceOk(ws, {"sql", "--write", "UPDATE accounting_stg SET loaded_at = '2000-01-01 00:00:00.000000'"});
  LoadAndMerge(ws, "new.ndjson", {Ev("I3", kT1, "3"), Ev("I2", kT2, "22")});
  const auto good = ws.FinalRows();
  ASSERT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "1", "10"), Row("I2", "E1", "22", "11"),
                                               Row("I3", "E1", "3", "10")));
  // Final rows that differ from what a recompute gives: I1 (old) and I3 (recent) deleted, I2 (recent) altered.
  SluiceOk(ws, {"sql", "--write",
                "DELETE FROM accounting WHERE eventitemid IN ('I1', 'I3'); UPDATE accounting SET amount = 0"});
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
  SluiceOk(ws, {"sql", "--write", "UPDATE accounting_stg SET loaded_at = '2000-01-01 00:00:00.000000'"});
  SluiceOk(ws, {"sql", "--write", "DELETE FROM accounting"});
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
  SluiceOk(ws, {"sql", "--write", "DELETE FROM accounting WHERE eventitemid = 'I9'; UPDATE accounting SET amount = 0"});
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
  SluiceOk(ws, {"sql", "--write", "UPDATE accounting_stg SET loaded_at = '2000-01-01 00:00:00.000000'; "
                                  "UPDATE sluice_load_history SET loaded_at = '2000-01-01 00:00:00.000000'"});
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
}  // namespace sluice::testing
