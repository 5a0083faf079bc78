// NDJSON loading against the public JSON conformance corpus
// (../shared/testdata/json-test-suite/test_parsing, see its README): each
// corpus file is loaded as its own NDJSON file. An `n_` file never lands in
// staging, a one-line `y_` object lands exactly once, everything else is a
// bad line in sluice_load_errors, and nothing crashes or hangs, in the load
// or in the merge that reads what landed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "cli_harness.h"
#include "testing/json_corpus.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

// A second event type without flatten, whose paths go into nested values, so
// the merge's extractor reads every landed corpus object.
constexpr const char* kDocEvent = R"(
  Doc:
    table: doc
    key: [k]
    version: v
    columns:
      k: {path: a, type: string}
      v: {path: asd, type: string}
      whole: {path: a, type: json}
      deep: {path: "a.b[0]", type: string}
      num: {path: a, type: double}
      empty: {path: '""', type: varchar(8)}
)";

struct Expectation {
  std::string name;
  std::string content;
  bool blank = false;        // no line with anything but whitespace (or a BOM)
  bool one_line_object = false;
};

Expectation Classify(const fs::path& path) {
  Expectation e;
  e.name = path.filename().string();
  e.content = ReadFile(path.string());
  std::string text = e.content;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  e.blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  const size_t first = trimmed.find_first_not_of(" \t\r");
  e.one_line_object = trimmed.find('\n') == std::string::npos && first != std::string::npos && trimmed[first] == '{';
  return e;
}

TEST(JsonConformance, NFilesNeverLandYObjectsLandOnceAndNothingCrashes) {
  std::vector<Expectation> corpus;
  for (const auto& path : JsonCorpusFiles()) corpus.push_back(Classify(path));  // sorted by name
  ASSERT_GT(corpus.size(), 300u) << JsonCorpusDir();

  Workspace ws(AccountingConfigYaml() + kDocEvent);
  std::vector<std::string> paths;
  for (const auto& e : corpus) paths.push_back(JsonCorpusDir() + "/" + e.name);
  for (const std::string type : {"Accounting", "Doc"}) {
    std::vector<std::string> args = {"load", "--type", type};
    args.insert(args.end(), paths.begin(), paths.end());
    const RunResult r = ws.Sluice(args);
    ASSERT_RUN_OK(r);
    ASSERT_EQ(r.signal, 0);
  }

  // What landed, per file, for each type.
  struct Landed {
    int64_t staged = -1, errors = 0;
  };
  std::map<std::pair<std::string, std::string>, Landed> landed;  // (type, file name)
  for (const auto& [stg, type] : {std::pair<std::string, std::string>{"accounting_stg", "Accounting"}, {"doc_stg", "Doc"}}) {
    if (ws.on_clickhouse()) {
      // Staging is on ClickHouse, the history in the bookkeeping store: one
      // query each, joined here.
      std::map<std::string, int64_t> staged;  // by source
      for (const auto& row : ws.Query("SELECT source, count() FROM " + stg + " GROUP BY source"))
        staged[row[0].text] = row[1].integer;
      for (const auto& row : ws.Query("SELECT path, landed_as, errors FROM sluice_load_history WHERE event_type = '" +
                                      type + "'")) {
        const auto it = staged.find(row[1].text);
        landed[{type, fs::path(row[0].text).filename().string()}] = {it == staged.end() ? 0 : it->second,
                                                                     row[2].integer};
      }
      continue;
    }
    for (const auto& row : ws.Query("SELECT h.path, (SELECT count(*) FROM " + stg + " s WHERE s.source = h.landed_as), "
                                    "h.errors FROM sluice_load_history h WHERE h.event_type = '" + type + "'"))
      landed[{type, fs::path(row[0].text).filename().string()}] = {row[1].integer, row[2].integer};
  }

  int64_t y_objects = 0, total_staged = 0, jsonb_refused = 0;
  std::map<std::string, std::string> first_with_content;
  for (const auto& e : corpus) {
    const auto [it, first] = first_with_content.emplace(e.content, e.name);
    for (const std::string type : {"Accounting", "Doc"}) {
      const auto found = landed.find({type, e.name});
      if (!first) {  // the same bytes as an earlier corpus file: skipped
        EXPECT_EQ(found, landed.end()) << e.name << " has the content of " << it->second;
        continue;
      }
      ASSERT_NE(found, landed.end()) << e.name << " has no load history for " << type;
      const Landed& l = found->second;
      total_staged += l.staged;
      switch (e.name[0]) {
        case 'n':
          EXPECT_EQ(l.staged, 0) << e.name << " must not land";
          if (!e.blank) {
            EXPECT_GE(l.errors, 1) << e.name << " must be in sluice_load_errors";
          }
          break;
        case 'y':
          if (e.one_line_object && ws.on_postgres() && e.content.find("\\u0000") != std::string::npos) {
            // Valid JSON that PostgreSQL's jsonb cannot hold: a load error
            // that says so (docs/warehouse.md, PostgreSQL), never a failed load.
            EXPECT_EQ(l.staged, 0) << e.name;
            EXPECT_EQ(l.errors, 1) << e.name;
            ++jsonb_refused;
          } else if (e.one_line_object) {
            EXPECT_EQ(l.staged, 1) << e.name << " is a JSON object and must land once";
            EXPECT_EQ(l.errors, 0) << e.name;
            y_objects += type == "Accounting";
          } else {
            EXPECT_EQ(l.staged, 0) << e.name << " is not a one-line JSON object";
            EXPECT_GE(l.errors, 1) << e.name;
          }
          break;
        default:  // i_: either way, but accounted for
          EXPECT_LE(l.staged, 1) << e.name;
          if (!e.blank) {
            EXPECT_GE(l.staged + l.errors, 1) << e.name;
          }
      }
    }
  }
  // The y_object_* files, less the one written over several lines (and on
  // PostgreSQL the one with \u0000, for each of the two types).
  EXPECT_EQ(y_objects, ws.on_postgres() ? 10 : 11);
  EXPECT_EQ(jsonb_refused, ws.on_postgres() ? 2 : 0);
  if (ws.on_postgres()) {
    EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_load_errors WHERE error LIKE '%jsonb cannot store%'"), 2);
  }

  // Every staged row is exactly the content of a file, as one line.
  EXPECT_EQ(ws.Count("SELECT count(*) FROM accounting_stg WHERE line <> 1"), 0);

  const RunResult merge = ws.Merge();
  ASSERT_RUN_OK(merge);
  const auto accounting = ParseMergeLine(merge.out, "Accounting");
  const auto doc = ParseMergeLine(merge.out, "Doc");
  ASSERT_TRUE(accounting && doc) << merge.Describe();
  EXPECT_EQ(accounting->staging_rows + doc->staging_rows, total_staged);
  EXPECT_EQ(doc->inserted + doc->updated + doc->stale + doc->filtered + doc->rejected, doc->staging_rows)
      << "without flatten, every staged Doc payload is one row with one fate";
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_merge_errors WHERE column_name = '(payload)'"), 0)
      << "a payload the loader admitted must be readable by the merge";
}

}  // namespace
}  // namespace sluice::testing
