// The limits of a catalog (catalog/catalog_limits.h) and of the config
// file, checked when the file loads: each one holds exactly at the limit,
// and one past it is refused at its file:line:col with the limit named.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <simdjson.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "catalog/catalog_limits.h"
#include "config/config.h"
#include "config/config_test_util.h"

namespace sluice {
namespace {

// A path of kMaxPathDepth levels must be able to find a value, even an
// object or array (one level more), in an event the loader's JSON reader
// accepts: simdjson's max_depth counts the event's own object too.
static_assert(kMaxPathDepth + 2 <= simdjson::DEFAULT_MAX_DEPTH);

// One event type, `Wide`, with `n` int columns c0, c1, …: column i is on line 4 + i.
std::string WideEvent(size_t n) {
  std::string yaml = "events:\n  Wide:\n    columns:\n";
  for (size_t i = 0; i < n; ++i) yaml += "      c" + std::to_string(i) + ": {path: C, type: int}\n";
  return yaml;
}

// `n` event types T0, T1, …, one a line: type i is on line 2 + i.
std::string ManyTypes(size_t n) {
  std::string yaml = "events:\n";
  for (size_t i = 0; i < n; ++i) yaml += "  T" + std::to_string(i) + ": {columns: {id: {path: Id, type: int}}}\n";
  return yaml;
}

// "a.a.…" of `levels` segments.
std::string DeepPath(size_t levels) {
  std::string path = "a";
  for (size_t i = 1; i < levels; ++i) path += ".a";
  return path;
}

// An event `E` with one column `x` at `path`, and `extra` lines of its
// definition before `columns:`; the column is on line 4 plus those lines.
std::string OneColumn(const std::string& path, const std::string& extra = "") {
  return "events:\n  E:\n" + extra + "    columns:\n      x: {path: \"" + path + "\", type: int}\n";
}

TEST(ConfigLimits, AnEventTypeMayHaveAsManyColumnsAsTheLimit) {
  const Config c = MustParse(WideEvent(kMaxColumnsPerEvent));
  ASSERT_EQ(c.catalog.events.size(), 1u);
  EXPECT_EQ(c.catalog.events[0].columns.size(), kMaxColumnsPerEvent);
}

TEST(ConfigLimits, OneColumnPastTheLimitIsRefusedAtThatColumn) {
  const auto p = Problems(WideEvent(kMaxColumnsPerEvent + 1));
  EXPECT_TRUE(HasProblem(p, 4 + static_cast<int>(kMaxColumnsPerEvent), 7,
                         {"event type 'Wide' has 1001 columns (the limit is 1000)"}));
  EXPECT_EQ(p.size(), 1u) << Join(p);
}

TEST(ConfigLimits, TenThousandColumnsFailAtLoadNamingTheLimitOnce) {
  // Before the limit such a catalog passed, and the warehouse failed later
  // with "sqlite: too many columns on evt" and no position.
  const auto p = Problems(WideEvent(10'000));
  EXPECT_TRUE(HasProblem(p, 4 + static_cast<int>(kMaxColumnsPerEvent), 7,
                         {"event type 'Wide' has 10000 columns (the limit is 1000)", "column 1001 is here"}));
  EXPECT_EQ(p.size(), 1u) << Join(p);
}

TEST(ConfigLimits, ACatalogOfTwentyThousandTypesLoads) {
  const Config c = MustParse(ManyTypes(20'000));
  ASSERT_EQ(c.catalog.events.size(), 20'000u);
  EXPECT_EQ(c.catalog.events.back().name, "T19999");
  EXPECT_EQ(c.catalog.events.back().table, "t19999");
}

TEST(ConfigLimits, ACatalogMayHaveAsManyTypesAsTheLimit) {
  EXPECT_EQ(MustParse(ManyTypes(kMaxEventTypes)).catalog.events.size(), kMaxEventTypes);
}

TEST(ConfigLimits, OneTypePastTheLimitIsRefusedAtThatType) {
  const auto p = Problems(ManyTypes(kMaxEventTypes + 1));
  EXPECT_TRUE(HasProblem(p, 2 + static_cast<int>(kMaxEventTypes), 3,
                         {"the catalog has 50001 event types (the limit is 50000)"}));
  EXPECT_EQ(p.size(), 1u) << Join(p);
}

TEST(ConfigLimits, APathMayReachAsDeepAsTheLimit) {
  const Config c = MustParse(OneColumn(DeepPath(kMaxPathDepth)));
  EXPECT_EQ(c.catalog.events[0].columns[0].path.segments.size(), kMaxPathDepth);
}

TEST(ConfigLimits, APathOneLevelDeeperIsRefusedAtThePath) {
  const auto p = Problems(OneColumn(DeepPath(kMaxPathDepth + 1)));
  EXPECT_TRUE(HasProblem(p, 4, 17, {"path 'a.a.a", "…' of column 'x' is 1001 levels deep (the limit is 1000"}));
  EXPECT_EQ(p.size(), 1u) << Join(p);
}

TEST(ConfigLimits, AnIndexCountsAsALevel) {
  EXPECT_TRUE(HasProblem(Problems(OneColumn(DeepPath(kMaxPathDepth) + "[0]")), 4, 17, {"1001 levels deep"}));
}

TEST(ConfigLimits, AnItemPathCountsTheFlattenedArrayAndItsElement) {
  // flatten: L is one level, its element another: 2 + 998 = 1000.
  const std::string flatten = "    flatten: L\n";
  const Config c = MustParse(OneColumn("item." + DeepPath(kMaxPathDepth - 2), flatten));
  EXPECT_TRUE(c.catalog.events[0].columns[0].path.relative_to_item);
  const auto p = Problems(OneColumn("item." + DeepPath(kMaxPathDepth - 1), flatten));
  EXPECT_TRUE(HasProblem(p, 5, 17, {"1001 levels deep, counting the flattened array 'L' and its element",
                                    "(the limit is 1000"}));
  EXPECT_EQ(p.size(), 1u) << Join(p);
}

TEST(ConfigLimits, AFlattenedArrayMustLeaveItsElementsWithinTheLimit) {
  const std::string column = "item";  // the element itself, one level below the array
  MustParse(OneColumn(column, "    flatten: \"" + DeepPath(kMaxPathDepth - 1) + "\"\n"));
  const auto p = Problems(OneColumn(column, "    flatten: \"" + DeepPath(kMaxPathDepth) + "\"\n"));
  EXPECT_TRUE(HasProblem(p, 3, 14, {"is 1000 levels deep, and its elements one more (the limit is 1000"}));
}

TEST(ConfigLimits, IdAndTenantPathsAreHeldToTheLimitToo) {
  const auto p = Problems(OneColumn("x", "    id: \"" + DeepPath(kMaxPathDepth + 1) + "\"\n    tenant: \"" +
                                             DeepPath(kMaxPathDepth + 1) + "\"\n"));
  EXPECT_TRUE(HasProblem(p, 3, 9, {"id path", "1001 levels deep"}));
  EXPECT_TRUE(HasProblem(p, 4, 13, {"tenant path", "1001 levels deep"}));
}

TEST(ConfigLimits, ATableNameMayLeaveExactlyRoomForItsStagingSuffix) {
  const std::string table(kMaxTableNameBytes, 't');
  EXPECT_EQ(MustParse(OneColumn("x", "    table: " + table + "\n")).catalog.events[0].staging_table().size(),
            kMaxIdentifierBytes);
  const auto p = Problems(OneColumn("x", "    table: " + table + "t\n"));
  EXPECT_TRUE(HasProblem(p, 3, 12, {"is 60 bytes long (the limit is 59", "_stg' must fit in the 63 bytes"}));
  EXPECT_EQ(p.size(), 1u) << Join(p);
}

TEST(ConfigLimits, ADefaultTableNameTooLongAsksForATable) {
  // A 60-character event name is a valid name, but not a table name.
  const auto p = Problems("events:\n  " + std::string(kMaxTableNameBytes + 1, 'E') +
                          ":\n    columns: {x: {path: X, type: int}}\n");
  EXPECT_TRUE(HasProblem(p, 2, 3, {"is 60 bytes long (the limit is 59", "the default, from the event name: set 'table'"}));
  EXPECT_EQ(p.size(), 1u) << Join(p);
}

TEST(ConfigLimits, AColumnNameMayBeAsLongAsAPostgresName) {
  const std::string name(kMaxIdentifierBytes, 'c');
  MustParse("events:\n  E:\n    columns:\n      " + name + ": {path: X, type: int}\n");
  const auto p = Problems("events:\n  E:\n    columns:\n      " + name + "c: {path: X, type: int}\n");
  EXPECT_TRUE(HasProblem(p, 4, 7, {"column name '" + name + "c' of event 'E' is 64 bytes long (the limit is 63"}));
  EXPECT_EQ(p.size(), 1u) << Join(p);
}

TEST(ConfigLimits, AnEventNameMayBeAsLongAsTheLimit) {
  const std::string name(kMaxEventNameBytes, 'E');
  MustParse("events:\n  " + name + ":\n    table: e\n    columns: {x: {path: X, type: int}}\n");
  const auto p = Problems("events:\n  " + name + "E:\n    table: e\n    columns: {x: {path: X, type: int}}\n");
  EXPECT_TRUE(HasProblem(p, 2, 3, {"is 129 bytes long (the limit is 128)"}));
  EXPECT_EQ(p.size(), 1u) << Join(p);
}

TEST(ConfigLimits, ATenMegabyteNameIsRefusedInAShortMessage) {
  // Written as explicit keys (`? name`): YAML refuses a plain key past 1024
  // bytes itself (yaml_document_test.cc).
  const auto p = Problems("events:\n  ? " + std::string(10 << 20, 'E') + "\n  :\n    columns:\n      ? " +
                          std::string(1 << 20, 'c') + "\n      : {path: X, type: int}\n");
  // The event name's length, not a table named after it; the column's length.
  EXPECT_TRUE(HasProblem(p, 2, 5, {"event name 'EEEE", "…' is 10485760 bytes long (the limit is 128)"}));
  EXPECT_TRUE(HasProblem(p, 5, 9, {"column name 'cccc", "is 1048576 bytes long (the limit is 63"}));
  EXPECT_EQ(p.size(), 2u) << Join(p);
  for (const auto& problem : p) EXPECT_LT(problem.size(), 1000u);
}

TEST(ConfigLimits, AnyMessageQuotingAHugeValueIsCut) {
  // A bad path is quoted in full by its parser: the message loses its middle.
  const auto p = Problems(std::string(kOrders) + "      y: {path: \"a b" + std::string(1 << 20, 'p') +
                          "\", type: int}\n");
  ASSERT_EQ(p.size(), 1u) << Join(p).substr(0, 2000);
  EXPECT_LT(p[0].size(), 4100u);
  EXPECT_TRUE(HasProblem(p, 8, 17, {"path of column 'y': invalid path 'a bppp", "bytes left out", "at character 2"}));
}

TEST(ConfigLimits, AFileAsLongAsTheLimitParses) {
  std::string yaml = std::string(kOrders) + "# ";
  yaml += std::string(kMaxConfigFileBytes - yaml.size() - 1, 'x') + "\n";
  ASSERT_EQ(yaml.size(), kMaxConfigFileBytes);
  EXPECT_EQ(MustParse(yaml).catalog.events.size(), 1u);
}

TEST(ConfigLimits, AFileOneBytePastTheLimitIsRefusedBeforeParsing) {
  // Not YAML at all: the size alone refuses it, before any parse.
  auto c = ParseConfig(std::string(kMaxConfigFileBytes + 1, '{'), "big.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "big.yaml: the file is too long (16777217 bytes; the limit is 16 MiB)");
}

// A folder of its own under the system's temporary folder, removed after the test.
class ConfigFileLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "sluice-config-limits-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigFileLimits, LoadConfigRefusesAFilePastTheLimitUnread) {
  const std::string path = Write("sluice.yaml", std::string(kMaxConfigFileBytes + 1, '{'));
  auto c = LoadConfig(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(), path + ": the file is too long (16777217 bytes; the limit is 16 MiB)");
}

TEST_F(ConfigFileLimits, LoadConfigReadsAFileAtTheLimit) {
  std::string yaml = std::string(kOrders) + "# ";
  yaml += std::string(kMaxConfigFileBytes - yaml.size() - 1, 'x') + "\n";
  auto c = LoadConfig(Write("sluice.yaml", yaml));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->catalog.events.size(), 1u);
}

// docs/configuration.md states each limit; this holds the text to the code.
TEST(ConfigLimits, TheConfigurationDocStatesEveryLimit) {
  const char* source_dir = std::getenv("SLUICE_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr) << "SLUICE_SOURCE_DIR is not set (CTest sets it)";
  std::ifstream in(std::string(source_dir) + "/docs/configuration.md");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string doc = buffer.str();
  const size_t start = doc.find("\n## Limits\n");
  ASSERT_NE(start, std::string::npos) << "docs/configuration.md has no '## Limits' section";
  const std::string section = doc.substr(start, doc.find("\n## ", start + 1) - start);
  for (const std::string& stated :
       {fmt::format("{} columns", kMaxColumnsPerEvent), fmt::format("{} event types", kMaxEventTypes),
        fmt::format("{} levels", kMaxPathDepth), fmt::format("{} bytes", kMaxIdentifierBytes),
        fmt::format("{} bytes", kMaxTableNameBytes), fmt::format("{} bytes", kMaxEventNameBytes),
        fmt::format("{} MiB", kMaxConfigFileBytes >> 20)})
    EXPECT_NE(section.find(stated), std::string::npos) << "the Limits section does not say '" << stated << "'";
}

}  // namespace
}  // namespace sluice
