// The correction tables as the audit trail, on both backends: `sluice
// exceptions list` and `sluice exclusions list` show what is in force (with
// --all, what was removed, by whom and why), in every output format, with
// timestamps spelled alike on SQLite and PostgreSQL; who made a correction
// defaults to the OS user.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "corrections_harness.h"

namespace sluice::testing::corrections {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// Who sluice records when --by is not given.
std::string OsUser() {
  const passwd* pw = getpwuid(geteuid());
  return pw ? pw->pw_name : "";
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

}  // namespace
}  // namespace sluice::testing::corrections
