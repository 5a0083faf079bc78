// Includes held against the layers, on trees written in the test: each
// problem names the file, the line and the include, and says what is wrong.
#include "include_check.h"

#include <gtest/gtest.h>

namespace sluice::layer_check {
namespace {

constexpr std::string_view kLayers = R"(
base
testing
config
landing warehouse
cli
private: warehouse/*
tests-only: testing
test-files: *_test.cc
)";

std::vector<std::string> Problems(const SourceTree& tree, std::string_view layers_text = kLayers) {
  const ParsedLayers parsed = ParseLayers(layers_text, "src/LAYERS");
  EXPECT_TRUE(parsed.errors.empty());
  return CheckIncludes(parsed.layers, "src/LAYERS", tree).problems;
}

TEST(ScanIncludes, ReadsEveryIncludeLineWithItsNumber) {
  const auto includes = ScanIncludes(
      "// #include \"commented/out.h\"\n#include \"a/b.h\"  // why\n\n  #  include <vector>\n#define X\n"
      "#include_next <x.h>\n#include \"unterminated\n");
  ASSERT_EQ(includes.size(), 2u);
  EXPECT_EQ(includes[0].line, 2);
  EXPECT_EQ(includes[0].spelled, "a/b.h");
  EXPECT_FALSE(includes[0].angled);
  EXPECT_EQ(includes[1].line, 4);
  EXPECT_EQ(includes[1].spelled, "vector");
  EXPECT_TRUE(includes[1].angled);
}

TEST(CheckIncludes, DownwardAndOwnFolderIncludesPass) {
  const SourceTree tree = {
      {"src/base/status.h", "#include <string>\n"},
      {"src/config/config.h", "#include \"base/status.h\"\n#include \"config/yaml.h\"\n#include \"yaml.h\"\n"},
      {"src/config/yaml.h", ""},
      {"src/cli/main.cc", "#include \"config/config.h\"\n#include \"warehouse/backend.h\"\n"},
      {"src/warehouse/backend.h", "#include \"../config/config.h\"\n"},
  };
  EXPECT_EQ(Problems(tree), std::vector<std::string>{});
  const ParsedLayers parsed = ParseLayers(kLayers, "src/LAYERS");
  const CheckResult result = CheckIncludes(parsed.layers, "src/LAYERS", tree);
  EXPECT_EQ(result.files, 5);
  EXPECT_EQ(result.includes, 6);  // <string> is not the tree's
}

TEST(CheckIncludes, AnUpwardIncludeNamesFileLineIncludeAndLevels) {
  const SourceTree tree = {
      {"src/config/tasks_config.cc", "#include \"config/tasks_config.h\"\n\n#include \"cli/schedule.h\"\n"},
      {"src/config/tasks_config.h", ""},
      {"src/cli/schedule.h", ""},
  };
  EXPECT_EQ(Problems(tree), std::vector<std::string>{
                                "src/config/tasks_config.cc:3: #include \"cli/schedule.h\" points up: "
                                "config is on level 3, cli on level 5"});
}

TEST(CheckIncludes, ASidewaysIncludeNamesBothFoldersAndTheirLevel) {
  const SourceTree tree = {
      {"src/landing/reader.cc", "#include <string>\n#include \"warehouse/backend.h\"\n"},
      {"src/warehouse/backend.h", ""},
  };
  EXPECT_EQ(Problems(tree), std::vector<std::string>{
                                "src/landing/reader.cc:2: #include \"warehouse/backend.h\" points sideways: "
                                "landing and warehouse are both on level 4"});
}

TEST(CheckIncludes, SrcNeverIncludesTests) {
  const SourceTree tree = {
      {"src/config/config_test.cc", "#include \"pg_harness.h\"\n"},
      {"tests/pg_harness.h", ""},
  };
  EXPECT_EQ(Problems(tree), std::vector<std::string>{
                                "src/config/config_test.cc:1: #include \"pg_harness.h\" is tests/pg_harness.h: "
                                "src/ never includes tests/"});
}

TEST(CheckIncludes, ABackendIsReachedByItsOwnFilesOnly) {
  const SourceTree tree = {
      {"src/warehouse/backend.h", ""},
      {"src/warehouse/sqlite/db.h", "#include \"warehouse/sqlite/util.h\"\n#include \"warehouse/backend.h\"\n"},
      {"src/warehouse/sqlite/util.h", "#include \"config/config.h\"\n#include \"landing/reader.h\"\n"},
      {"src/warehouse/postgres/pg.h", "#include \"warehouse/sqlite/db.h\"\n"},
      {"src/cli/ddl.cc", "#include \"warehouse/postgres/pg.h\"\n"},
      {"src/config/config.h", ""},
      {"src/landing/reader.h", ""},
  };
  EXPECT_EQ(Problems(tree),
            (std::vector<std::string>{
                "src/cli/ddl.cc:1: #include \"warehouse/postgres/pg.h\" reaches into warehouse/postgres, which only "
                "its own files may include",
                "src/warehouse/postgres/pg.h:1: #include \"warehouse/sqlite/db.h\" reaches into warehouse/sqlite, "
                "which only its own files may include",
                "src/warehouse/sqlite/util.h:2: #include \"landing/reader.h\" points sideways: warehouse/sqlite and "
                "landing are both on level 4",
            }));
}

TEST(CheckIncludes, OnlyTestFilesIncludeTestSupportWhichIncludesOnlyBase) {
  const SourceTree tree = {
      {"src/testing/temp_dir.h", "#include \"base/status.h\"\n#include \"config/config.h\"\n"},
      {"src/base/status.h", ""},
      {"src/base/status_test.cc", "#include \"testing/temp_dir.h\"\n"},
      {"src/config/config.h", "#include \"testing/temp_dir.h\"\n"},
  };
  EXPECT_EQ(Problems(tree), (std::vector<std::string>{
                                "src/config/config.h:1: #include \"testing/temp_dir.h\" is test support (testing), "
                                "which only test files may include",
                                "src/testing/temp_dir.h:2: #include \"config/config.h\" points up: "
                                "testing is on level 2, config on level 3",
                            }));
}

TEST(CheckIncludes, AnAllowExcusesItsIncludeAndIsReportedOnceItExcusesNothing) {
  const std::string layers = std::string(kLayers) +
                             "allow: cli -> warehouse/sqlite\n"
                             "allow: config/config_test.cc -> ../tests/pg_harness.h\n";
  const SourceTree tree = {
      {"src/cli/ddl.cc", "#include \"warehouse/sqlite/db.h\"\n"},
      {"src/warehouse/sqlite/db.h", ""},
      {"src/config/config_test.cc", "#include \"config/config.h\"\n"},
      {"src/config/config.h", ""},
      {"tests/pg_harness.h", ""},
  };
  EXPECT_EQ(Problems(tree, layers), std::vector<std::string>{
                                        "src/LAYERS:11: allow: config/config_test.cc -> ../tests/pg_harness.h "
                                        "excuses no include any more; delete it"});
}

TEST(CheckIncludes, AFileOfAFolderOnNoLevelIsNamed) {
  const SourceTree tree = {{"src/models/graph.cc", "#include \"base/status.h\"\n"}, {"src/base/status.h", ""}};
  EXPECT_EQ(Problems(tree), std::vector<std::string>{"src/models/graph.cc: its folder (models) is on no level of "
                                                     "src/LAYERS"});
}

}  // namespace
}  // namespace sluice::layer_check
