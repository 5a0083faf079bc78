// YAML errors that say what is wrong as well as where (config/yaml_document.h),
// seen through ParseConfig as a user sees them.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config/config_test_util.h"

namespace sluice {
namespace {

// The one message ParseConfig gives for `yaml`, which must not parse.
std::string ErrorOf(const std::string& yaml) {
  auto c = ParseConfig(yaml, "sluice.yaml");
  EXPECT_FALSE(c.ok()) << "parsed:\n" << yaml;
  return c.ok() ? "" : c.status().message();
}

TEST(ConfigYaml, AnUnclosedQuoteInAFlowMapIsReportedWhereItOpens) {
  // yaml-cpp: "5:1: end of map flow not found", at the end of the file.
  const std::string e = ErrorOf(
      "events:\n  A:\n    columns:\n      id: {path: \"Id, type: int}\n      x: {path: X, type: int}\n");
  EXPECT_EQ(e.rfind("sluice.yaml:4:18: the quote that starts here is never closed (the parser stopped at 6:1: end "
                    "of map flow not found)", 0), 0u) << e;
}

TEST(ConfigYaml, AnUnclosedQuoteThatSwallowsTheRestOfTheFileIsRefused) {
  // yaml-cpp takes this, and data_dir swallows `events:`: a config without
  // its catalog, and no word said.
  EXPECT_EQ(ErrorOf("data_dir: \"data\nevents:\n  A: {columns: {x: {path: X, type: int}}}\n"),
            "sluice.yaml:1:11: the quote that starts here is never closed: its value runs to the end of the file");
  EXPECT_EQ(ErrorOf(std::string(kOrders) + "tasks:\n  t: {schedule: 1h, sql: 'SELECT 1}\n"),
            "sluice.yaml:9:26: the quote that starts here is never closed (the parser stopped at 10:1: end of map "
            "flow not found)");
  EXPECT_EQ(ErrorOf(std::string(kOrders) + "tasks:\n  t:\n    schedule: 1h\n    sql: 'SELECT 1\n"),
            "sluice.yaml:11:10: the quote that starts here is never closed: its value runs to the end of the file");
}

TEST(ConfigYaml, AnUnclosedQuoteAtTheVeryEndIsReportedWhereItOpens) {
  // No line break at the end: yaml-cpp says "illegal EOF in scalar" at the end.
  const std::string e = ErrorOf("data_dir: 'data");
  EXPECT_EQ(e.rfind("sluice.yaml:1:11: the quote that starts here is never closed (the parser stopped at 1:16: "
                    "illegal EOF in scalar)", 0), 0u) << e;
}

TEST(ConfigYaml, AnUnclosedQuoteBeforeADocumentMarkerIsReportedWhereItOpens) {
  const std::string e = ErrorOf("data_dir: \"data\n---\nevents: {}\n");
  EXPECT_EQ(e.rfind("sluice.yaml:1:11: the quote that starts here is never closed (the parser stopped at 2:1: "
                    "illegal document indicator in scalar)", 0), 0u) << e;
}

TEST(ConfigYaml, AQuoteThatClosesOnlyOnTheNextValuesLineIsPointedOut) {
  // The first value lacks its closing quote, so the second value's opening
  // quote closes it, and the parse fails on that line.
  const std::string e = ErrorOf(
      "events:\n  A:\n    columns:\n      id: {path: \"Id, type: int}\n      x: {path: \"X\", type: int}\n");
  EXPECT_NE(e.find("sluice.yaml:5:"), std::string::npos) << e;
  EXPECT_NE(e.find("the quoted value at 4:18 runs to line 5: is its closing quote missing?"), std::string::npos) << e;
}

TEST(ConfigYaml, QuotedValuesWithEscapesAndLineBreaksStillParse) {
  const Config c = MustParse(std::string(kOrders) + "tasks:\n  t:\n    schedule: 1h\n    sql: 'SELECT ''a'',\n"
                             "      \"b \\\" c\"'\n  u: {schedule: \"1h\", sql: \"SELECT\n      2\"}\n");
  ASSERT_EQ(c.tasks.size(), 2u);
  EXPECT_EQ(c.tasks[0].sql, "SELECT 'a', \"b \\\" c\"");
  EXPECT_EQ(c.tasks[1].sql, "SELECT 2");
}

TEST(ConfigYaml, AKeyPastYamlsLengthForAKeySaysSo) {
  // YAML reads a key written without `? ` only up to 1024 bytes; yaml-cpp
  // then says "illegal map value" at its end.
  EXPECT_EQ(ErrorOf("events:\n  " + std::string(2000, 'E') + ": {columns: {x: {path: X, type: int}}}\n"),
            "sluice.yaml:2:3: this key is 2000 bytes long, and YAML reads a key of at most 1024 bytes unless it is "
            "written as '? key' (the parser stopped at 2:2003: illegal map value)");
  // Within YAML's 1024, a long name reaches sluice's own rule for event names.
  const auto p = Problems("events:\n  " + std::string(1000, 'E') + ": {table: e, columns: {x: {path: X, type: int}}}\n");
  EXPECT_TRUE(HasProblem(p, 2, 3, {"is 1000 bytes long (the limit is 128)"}));
}

TEST(ConfigYaml, ATabInTheIndentationIsNamed) {
  // yaml-cpp: "2:3: illegal map value".
  EXPECT_EQ(ErrorOf("events:\n\tA:\n    columns: {}\n"),
            "sluice.yaml:2:1: a tab indents this line, and YAML indents with spaces only (the parser stopped at 2:3: "
            "illegal map value)");
  EXPECT_EQ(ErrorOf("events:\n  A:\n  \t  columns: {}\n").rfind("sluice.yaml:3:3: a tab indents this line", 0), 0u);
}

TEST(ConfigYaml, AFlowCollectionNeverClosedIsReportedWhereItOpens) {
  EXPECT_EQ(ErrorOf("events: {A: {columns: {id: {path: Id, type: int}}}\n"),
            "sluice.yaml:1:9: this '{' is never closed: the file ends first (end of map flow not found)");
  EXPECT_EQ(ErrorOf("events:\n  Orders: [unclosed\n"),
            "sluice.yaml:2:11: this '[' is never closed: the file ends first (end of sequence flow not found)");
}

TEST(ConfigYaml, AFlowCollectionMissingACommaSaysWhatItExpected) {
  EXPECT_EQ(ErrorOf("data_dir: [a, b\nevents: {}\n"),
            "sluice.yaml:2:7: expected ',' or ']' here, to go on with or close the '[' at 1:11 (end of sequence flow "
            "not found)");
}

TEST(ConfigYaml, ABadIndentationSaysToCheckIt) {
  EXPECT_EQ(ErrorOf(std::string(kOrders) + "   data_dir: x\n"),
            "sluice.yaml:8:4: end of map not found: this line does not go on with the block above it; check its "
            "indentation against the lines above");
}

TEST(ConfigYaml, AColonInsideAPlainValueSaysToQuoteIt) {
  const std::string e = ErrorOf("data_dir: a: b\n");
  EXPECT_EQ(e.rfind("sluice.yaml:1:12: illegal map value: a ': ' where no key can start; put a value that holds ': ' "
                    "in quotes", 0), 0u) << e;
}

TEST(ConfigYaml, ASecondDocumentIsRefusedNotDropped) {
  // yaml-cpp's Load would read `data_dir: a` and drop the events.
  EXPECT_EQ(ErrorOf("data_dir: a\n---\nevents: {A: {columns: {x: {path: X, type: int}}}}\n"),
            "sluice.yaml:3:1: a second YAML document starts here (after a '---' line); the config is one document");
  // Markers around the one document are fine.
  EXPECT_EQ(MustParse("---\n" + std::string(kOrders) + "...\n").catalog.events.size(), 1u);
  EXPECT_EQ(MustParse(std::string(kOrders) + "---\n").catalog.events.size(), 1u);
}

TEST(ConfigYaml, AKeyGivenTwiceIsReportedNotIgnored) {
  const auto p = Problems(std::string(kOrders) + "data_dir: a\ndata_dir: b\n    ");
  EXPECT_TRUE(HasProblem(p, 9, 1, {"key 'data_dir' appears twice in the config (first at line 8)"}));
  const auto q = Problems("events:\n  A:\n    columns: {x: {path: X, type: int}}\n    table: a\n    table: b\n");
  EXPECT_TRUE(HasProblem(q, 5, 5, {"key 'table' appears twice in event 'A' (first at line 4)"}));
}

TEST(ConfigYaml, AByteOrderMarkDoesNotShiftThePositions) {
  EXPECT_EQ(MustParse("\xEF\xBB\xBF" + std::string(kOrders) + "data_dir: \"d\"\n").data_dir, "./d");
  EXPECT_EQ(ErrorOf("\xEF\xBB\xBF" "data_dir: \"d\n"),
            "sluice.yaml:1:11: the quote that starts here is never closed: its value runs to the end of the file");
}

TEST(ConfigYaml, AFileOfOnlyCommentsIsEmpty) {
  EXPECT_EQ(ErrorOf("# nothing yet\n"), "sluice.yaml: the file is empty");
}

}  // namespace
}  // namespace sluice
