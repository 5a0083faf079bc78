// A catalog of thousands of event types through the CLI: the first command
// creates every type's tables, `sluice status` lists every type with its
// counts, and a type added later is created beside the others, whose rows
// stay. Correctness only: the time it takes is the benchmark's
// (`sluice_bench --catalog-only`, docs/performance.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kTypes = 3000;

std::string TypeName(int i) { return fmt::format("Type{:05}", i); }
std::string TableName(int i) { return fmt::format("type_{:05}", i); }

// `types` event types of four columns each, keyed by id, latest version wins.
std::string ManyTypesConfig(int types) {
  std::string yaml = "data_dir: data\nevents:\n";
  for (int i = 0; i < types; ++i)
    yaml += fmt::format("  {}:\n"
                        "    table: {}\n"
                        "    key: id\n"
                        "    version: updated_at\n"
                        "    columns:\n"
                        "      id:         {{path: Id, type: varchar(64)}}\n"
                        "      amount:     {{path: Amount, type: number(9,2)}}\n"
                        "      status:     {{path: Status, type: varchar(32)}}\n"
                        "      updated_at: {{path: UpdatedAt, type: timestamp}}\n",
                        TypeName(i), TableName(i));
  return yaml;
}

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

RunOptions Patient() {
  RunOptions options;
  options.timeout = std::chrono::minutes(10);  // a sanitizer build on a busy machine
  return options;
}

TEST(CatalogSizeCli, TheFirstCommandCreatesEveryTypeOfALargeCatalogAndStatusListsThemAll) {
  Workspace ws(ManyTypesConfig(kTypes));
  if (ws.on_clickhouse()) GTEST_SKIP() << "ClickHouse creates each of 6 000 tables with a request of its own";
  const RunResult table = ws.Sluice({"status"}, Patient());
  ASSERT_RUN_OK(table);
  EXPECT_THAT(table.out, HasSubstr(fmt::format("({} rows)", kTypes)));
  EXPECT_THAT(table.out, HasSubstr(TypeName(0)));
  EXPECT_THAT(table.out, HasSubstr(TypeName(kTypes - 1)));
  EXPECT_EQ(ws.Count("sluice_streams"), kTypes);
  EXPECT_EQ(ws.Count("sluice_columns"), 4 * kTypes);  // the catalog as applied: four columns a type
  for (int i : {0, kTypes / 2, kTypes - 1}) {
    EXPECT_TRUE(ws.HasTable(TableName(i))) << TableName(i);
    EXPECT_TRUE(ws.HasTable(TableName(i) + "_stg")) << TableName(i);
  }
  // The second command finds the schema current and lists the same.
  const RunResult json = ws.Sluice({"status", "--format", "json"}, Patient());
  ASSERT_RUN_OK(json);
  EXPECT_EQ(Occurrences(json.out, "\"type\": "), static_cast<size_t>(kTypes));
  EXPECT_THAT(json.out, HasSubstr(fmt::format("\"type\": \"{}\", \"table\": \"{}\", \"staged_rows\": 0",
                                              TypeName(kTypes - 1), TableName(kTypes - 1))));
}

TEST(CatalogSizeCli, ATypeAddedToALargeCatalogIsCreatedAndEveryOtherTypeKeepsItsRows) {
  Workspace ws(ManyTypesConfig(kTypes));
  if (ws.on_clickhouse()) GTEST_SKIP() << "ClickHouse creates each of 6 000 tables with a request of its own";
  const int last = kTypes - 1;
  const std::string file = ws.WriteLines(
      "events.ndjson", {R"({"Id": "a", "Amount": 1.5, "Status": "new", "UpdatedAt": "2026-01-01T10:00:00Z"})",
                        R"({"Id": "b", "Amount": 2.5, "Status": "new", "UpdatedAt": "2026-01-01T10:00:00Z"})"});
  ASSERT_RUN_OK(ws.Sluice({"load", "--type", TypeName(last), file}, Patient()));
  ASSERT_RUN_OK(ws.Sluice({"merge", TypeName(last)}, Patient()));
  ASSERT_EQ(ws.Count(TableName(last)), 2);

  ws.SetConfig(ManyTypesConfig(kTypes + 1));
  const RunResult json = ws.Sluice({"status", "--format", "json"}, Patient());
  ASSERT_RUN_OK(json);
  EXPECT_EQ(Occurrences(json.out, "\"type\": "), static_cast<size_t>(kTypes + 1));
  EXPECT_TRUE(ws.HasTable(TableName(kTypes)));
  EXPECT_EQ(ws.Count("sluice_streams"), kTypes + 1);
  EXPECT_THAT(json.out, HasSubstr(fmt::format("\"type\": \"{}\", \"table\": \"{}\", \"staged_rows\": 2, "
                                              "\"unmerged_rows\": 0, \"final_rows\": 2, \"load_errors\": 0",
                                              TypeName(last), TableName(last))));
  EXPECT_THAT(json.out, HasSubstr(fmt::format("\"type\": \"{}\", \"table\": \"{}\", \"staged_rows\": 0, "
                                              "\"unmerged_rows\": 0, \"final_rows\": 0",
                                              TypeName(kTypes), TableName(kTypes))));
  EXPECT_EQ(ws.Count(TableName(last)), 2);
}

}  // namespace
}  // namespace sluice::testing
