// `sluice load-errors export|import` and `sluice replay --load-errors`, on
// both backends: lines that failed to load, fixed by hand, loaded once, and
// merged like any event; bad fixes refused without changing anything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <simdjson.h>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Event(const std::string& id, const std::string& amount) {
  return AccountingEvent(Quote(id), R"("2026-01-01T10:00:00Z")", "[" + Entry(R"("E1")", amount) + "]");
}

// Loads two good lines and one broken one (line 2), merges, and returns the export.
std::string LoadWithABrokenLine(const Workspace& ws) {
  EXPECT_RUN_OK(ws.Load({ws.WriteLines("in.ndjson", {Event("I1", "1"), R"({"TenantId": "T001", "broken)", Event("I3", "3")})}));
  EXPECT_RUN_OK(ws.Merge());
  const RunResult exported = ws.Sluice({"load-errors", "export", "Accounting"});
  EXPECT_RUN_OK(exported);
  return exported.out;
}

// The export line with its "raw" replaced by `fixed`.
std::string Fixed(const std::string& export_line, const std::string& fixed) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(simdjson::padded_string(export_line));
  std::string_view landed_as = doc["landed_as"];
  int64_t line = doc["line"];
  return fmt::format(R"({{"landed_as":{},"line":{},"raw":{}}})", Quote(std::string(landed_as)), line, Quote(fixed));
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

TEST(LoadErrorsCli, ExportListsEachLineThatFailedToLoadWithWhereAndWhy) {
  Workspace ws;
  const auto lines = Lines(LoadWithABrokenLine(ws));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr(R"("line":2,)"));
  EXPECT_THAT(lines[0], HasSubstr(R"("raw":"{\"TenantId\": \"T001\", \"broken")"));
  EXPECT_THAT(lines[0], HasSubstr("invalid JSON"));
  EXPECT_THAT(lines[0], HasSubstr(R"("landed_as":"landing/Accounting/)"));
}

TEST(LoadErrorsCli, AFixedLineLoadsOnceAndMergesAndLeavesTheExport) {
  Workspace ws;
  const auto lines = Lines(LoadWithABrokenLine(ws));
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_RUN_OK(ws.Sluice({"load-errors", "import", "Accounting", ws.WriteLines("fixed.ndjson", {Fixed(lines[0], Event("I2", "2"))})}));
  EXPECT_EQ(ws.Count("accounting"), 2);  // imported, not yet replayed
  const RunResult replay = ws.Sluice({"replay", "Accounting", "--load-errors"});
  ASSERT_RUN_OK(replay);
  EXPECT_THAT(replay.out, HasSubstr("Accounting: loaded 1 fixed lines"));
  EXPECT_THAT(ws.FinalRows("eventitemid, amount"), ElementsAre("I1|1", "I2|2", "I3|3"));
  // Idempotent: nothing left to replay, and the staging row is there once.
  const RunResult again = ws.Sluice({"replay", "Accounting", "--load-errors"});
  ASSERT_RUN_OK(again);
  EXPECT_THAT(again.out, HasSubstr("loaded 0 fixed lines"));
  EXPECT_EQ(ws.Count("accounting_stg"), 3);
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_load_error_fixes WHERE replayed_at IS NOT NULL"), 1);
  // The error stays recorded, but is no longer offered for fixing.
  EXPECT_EQ(ws.Count("sluice_load_errors"), 1);
  const RunResult exported = ws.Sluice({"load-errors", "export", "Accounting"});
  ASSERT_RUN_OK(exported);
  EXPECT_EQ(exported.out, "");
}

TEST(LoadErrorsCli, ABadFixIsRefusedNamingItsLineAndNothingIsStored) {
  Workspace ws;
  const auto lines = Lines(LoadWithABrokenLine(ws));
  ASSERT_EQ(lines.size(), 1u);
  const std::string file =
      ws.WriteLines("fixed.ndjson", {Fixed(lines[0], Event("I2", "2")), Fixed(lines[0], R"({"still": "broken)")});
  const RunResult r = ws.Sluice({"load-errors", "import", "Accounting", file});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("fixed.ndjson:2: its raw text is still not JSON"));
  EXPECT_EQ(ws.Count("sluice_load_error_fixes"), 0);
  const RunResult not_export = ws.Sluice({"load-errors", "import", "Accounting", ws.WriteLines("x.ndjson", {R"({"a":1})"})});
  EXPECT_EQ(not_export.exit_code, 2) << not_export.Describe();
  EXPECT_THAT(not_export.err, HasSubstr("x.ndjson:1: not a line of `sluice load-errors export`"));
  EXPECT_EQ(ws.Count("sluice_load_error_fixes"), 0);
}

TEST(LoadErrorsCli, AFixThatIsNotAnObjectIsRefused) {
  Workspace ws;
  const auto lines = Lines(LoadWithABrokenLine(ws));
  ASSERT_EQ(lines.size(), 1u);
  const RunResult r = ws.Sluice({"load-errors", "import", "Accounting", ws.WriteLines("f.ndjson", {Fixed(lines[0], "[1, 2]")})});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("f.ndjson:1: its raw text is JSON but not an object"));
  EXPECT_EQ(ws.Count("sluice_load_error_fixes"), 0);
}

TEST(LoadErrorsCli, ASecondImportBeforeTheReplayReplacesTheFirst) {
  Workspace ws;
  const auto lines = Lines(LoadWithABrokenLine(ws));
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_RUN_OK(ws.Sluice({"load-errors", "import", "Accounting", ws.WriteLines("a.ndjson", {Fixed(lines[0], Event("I2", "20"))})}));
  ASSERT_RUN_OK(ws.Sluice({"load-errors", "import", "Accounting", ws.WriteLines("b.ndjson", {Fixed(lines[0], Event("I2", "2"))})}));
  ASSERT_RUN_OK(ws.Sluice({"replay", "Accounting", "--load-errors"}));
  EXPECT_THAT(ws.FinalRows("eventitemid, amount"), ElementsAre("I1|1", "I2|2", "I3|3"));
  EXPECT_EQ(ws.Count("accounting_stg"), 3);
}

}  // namespace
}  // namespace sluice::testing
