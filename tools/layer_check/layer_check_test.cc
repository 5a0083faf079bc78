// The check run as `make test` runs it, on testdata/: a small repository
// with a clean file and one that points up, sideways and into tests/.
#include "layer_check.h"

#include <gtest/gtest.h>

#include <sstream>

namespace sluice::layer_check {
namespace {

TEST(RunLayerCheck, NamesFileLineAndIncludeOfEachProblemAndFails) {
  std::ostringstream out;
  EXPECT_EQ(RunLayerCheck(LAYER_CHECK_TESTDATA, out), 1);
  EXPECT_EQ(out.str(),
            "src/mid/breaks.h:5: #include \"top/top.h\" points up: mid is on level 2, top on level 3\n"
            "src/mid/breaks.h:6: #include \"side/side.h\" points sideways: mid and side are both on level 2\n"
            "src/mid/breaks.h:7: #include \"harness.h\" is tests/harness.h: src/ never includes tests/\n"
            "5 files, 6 includes checked: 3 problems; the levels and their exceptions are in src/LAYERS\n");
}

TEST(RunLayerCheck, ARepositoryWithoutALayerFileIsAnError) {
  std::ostringstream out;
  EXPECT_EQ(RunLayerCheck(std::string(LAYER_CHECK_TESTDATA) + "/src", out), 2);
  EXPECT_NE(out.str().find("src/LAYERS: no such file"), std::string::npos) << out.str();
}

TEST(ReadSourceTree, ReadsSrcWithItsTextAndTestsByName) {
  const SourceTree tree = ReadSourceTree(LAYER_CHECK_TESTDATA);
  ASSERT_EQ(tree.size(), 6u);  // not src/LAYERS
  EXPECT_EQ(tree.at("src/top/top.h"), "#pragma once\n");
  EXPECT_EQ(tree.at("tests/harness.h"), "");
}

}  // namespace
}  // namespace sluice::layer_check
