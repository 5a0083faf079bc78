// Reading src/LAYERS: levels, private sub-folders, test support, and the
// mistakes in the file itself.
#include "layers.h"

#include <gtest/gtest.h>

namespace sluice::layer_check {
namespace {

Layers Parse(std::string_view text) {
  ParsedLayers parsed = ParseLayers(text, "LAYERS");
  EXPECT_TRUE(parsed.errors.empty()) << parsed.errors.front();
  return std::move(parsed.layers);
}

TEST(Layers, AFileBelongsToTheLongestFolderNamedOnALevel) {
  const Layers layers = Parse("base  # lowest\nsources/common\nsources/http tasks\n");
  EXPECT_EQ(layers.UnitOf("base/status.h")->folder, "base");
  EXPECT_EQ(layers.UnitOf("base/status.h")->level, 1);
  EXPECT_EQ(layers.UnitOf("sources/common/event_parser.h")->level, 2);
  EXPECT_EQ(layers.UnitOf("sources/http/x/y.h")->folder, "sources/http");
  EXPECT_EQ(layers.UnitOf("tasks/task.h")->level, 3);
  EXPECT_FALSE(layers.UnitOf("sources/amqp/a.h"));
  EXPECT_FALSE(layers.UnitOf("basement/a.h"));
  EXPECT_FALSE(layers.UnitOf("main.cc"));
}

TEST(Layers, EachSubFolderOfAPrivateFolderIsItsOwnUnlessShared) {
  const Layers layers = Parse("base\nwarehouse\nprivate: warehouse/*\nshared: warehouse/dialect\n");
  const auto core = layers.UnitOf("warehouse/backend.h");
  EXPECT_EQ(core->folder, "warehouse");
  EXPECT_FALSE(core->is_private);
  const auto backend = layers.UnitOf("warehouse/sqlite/sqlite_db.h");
  EXPECT_EQ(backend->folder, "warehouse/sqlite");
  EXPECT_TRUE(backend->is_private);
  EXPECT_EQ(backend->parent, "warehouse");
  EXPECT_EQ(backend->level, 2);
  EXPECT_EQ(layers.UnitOf("warehouse/dialect/types.h")->folder, "warehouse");
}

TEST(Layers, TestSupportAndTestFilesAreNamed) {
  const Layers layers = Parse("base\ntesting\ntests-only: testing\ntest-files: *_test.cc *_test_*\n");
  EXPECT_TRUE(layers.UnitOf("testing/temp_dir.h")->tests_only);
  EXPECT_FALSE(layers.UnitOf("base/log.h")->tests_only);
  EXPECT_TRUE(layers.IsTestFile("base/log_test.cc"));
  EXPECT_TRUE(layers.IsTestFile("sources/http/http_test_util.h"));
  EXPECT_FALSE(layers.IsTestFile("base/log.cc"));
  EXPECT_FALSE(layers.IsTestFile("base_test.cc/log.cc"));  // the name, not the folder
}

TEST(Layers, AllowsKeepTheirLine) {
  const Layers layers = Parse("base\ncli\n\nallow: cli -> ../tests/harness.h\n");
  ASSERT_EQ(layers.allows().size(), 1u);
  EXPECT_EQ(layers.allows()[0].line, 4);
  EXPECT_EQ(layers.allows()[0].from, "cli");
  EXPECT_EQ(layers.allows()[0].to, "../tests/harness.h");
}

TEST(Layers, MistakesInTheFileNameTheirLine) {
  const ParsedLayers parsed = ParseLayers(
      "base\ncatalog base\nwarehouse/\nprivate: cli\nallow: a b\nsometimes: x\n"
      "tests-only: testing\nshared: base/x\n",
      "LAYERS");
  const std::vector<std::string> expected = {
      "LAYERS:2: 'base' is on two levels",
      "LAYERS:3: 'warehouse/' is not a folder under src/ (no '*', ':', '..' or end '/')",
      "LAYERS:4: private: takes FOLDER/*, not 'cli'",
      "LAYERS:5: allow: takes FROM -> TO",
      "LAYERS:6: unknown keyword 'sometimes:'",
      "LAYERS: tests-only: testing names a folder on no level",
      "LAYERS: shared: base/x is not a sub-folder of a private: folder",
  };
  EXPECT_EQ(parsed.errors, expected);
  EXPECT_EQ(ParseLayers("# only a comment\n", "LAYERS").errors, std::vector<std::string>{"LAYERS: no levels"});
}

TEST(Layers, GlobStarMatchesAnyRunSlashesIncluded) {
  EXPECT_TRUE(GlobMatch("*_test.cc", "a_test.cc"));
  EXPECT_TRUE(GlobMatch("*_test_*", "pg_parts_test_util.h"));
  EXPECT_FALSE(GlobMatch("*_test.cc", "a_test.h"));
  EXPECT_TRUE(GlobMatch("warehouse/*", "warehouse/sqlite/db.h"));
  EXPECT_TRUE(PathMatches("cli", "cli/ddl_command.cc"));
  EXPECT_TRUE(PathMatches("cli/ddl_command.cc", "cli/ddl_command.cc"));
  EXPECT_FALSE(PathMatches("cli", "client/x.h"));
}

}  // namespace
}  // namespace sluice::layer_check
