// Several sluice processes on one warehouse: the same content loaded by
// racing processes lands in staging once, racing merges merge each staged
// row once, and readers (`sluice status`, `sluice sql`) do not wait behind a
// long load.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;

constexpr auto kDeadline = std::chrono::seconds(90);

std::vector<std::unique_ptr<ChildProcess>> StartAll(const Workspace& ws,
                                                    const std::vector<std::vector<std::string>>& commands) {
  std::vector<std::unique_ptr<ChildProcess>> children;
  for (const auto& args : commands) {
    std::vector<std::string> argv = {SluiceBin(), "-c", ws.config_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    children.push_back(std::make_unique<ChildProcess>(argv, RunOptions{}));
  }
  return children;
}

TEST(ConcurrencyCli, RacingLoadsOfTheSameContentStageItOnce) {
  Workspace ws;
  const std::string content = LargeAccountingFile(20'000, 0);
  const std::string plain = ws.WriteInput("same.ndjson", content);
  const std::string gz = ws.WriteInput("same.ndjson.gz", Gzip(content));
  ASSERT_RUN_OK(ws.Sluice({"status"}));
  auto children = StartAll(ws, {{"load", plain}, {"load", plain}, {"load", gz}, {"load", plain}});
  int loaded = 0, skipped = 0;
  for (auto& child : children) {
    const RunResult r = child->Wait(kDeadline);
    EXPECT_RUN_OK(r);
    loaded += r.out.find("loaded 20000 rows") != std::string::npos;
    skipped += r.out.find("skipped") != std::string::npos;
  }
  EXPECT_EQ(loaded, 1);
  EXPECT_EQ(skipped, 3);
  EXPECT_EQ(ws.Count("accounting_stg"), 20'000);
  EXPECT_EQ(ws.Count("sluice_load_history"), 1);
}

TEST(ConcurrencyCli, RacingLoadsOfTheSameContentUnderOtherNamesKeepOnlyTheLoadedCopyInLanding) {
  // A skipped load leaves nothing in the landing zone when it runs after the
  // first one; racing it must not leave more.
  Workspace ws;
  const std::string content = LargeAccountingFile(40'000, 0);
  std::vector<std::vector<std::string>> loads;
  for (const std::string name : {"a.ndjson", "b.ndjson", "c.ndjson", "d.ndjson"})
    loads.push_back({"load", ws.WriteInput(name, content)});
  ASSERT_RUN_OK(ws.Sluice({"status"}));
  for (auto& child : StartAll(ws, loads)) EXPECT_RUN_OK(child->Wait(kDeadline));
  EXPECT_EQ(ws.Count("accounting_stg"), 40'000);
  const auto history = ws.Query("SELECT landed_as FROM sluice_load_history");
  ASSERT_EQ(history.size(), 1u);
  std::vector<std::string> landed;
  for (const auto& f : ListFiles(ws.landing_dir())) landed.push_back("landing/" + f);
  EXPECT_THAT(landed, ::testing::ElementsAre(history[0][0].text))
      << "copies whose load was skipped stay in the landing zone, unrecorded";
}

TEST(ConcurrencyCli, RacingMergesMergeEachStagedRowOnce) {
  Workspace ws, reference;
  const std::string content = LargeAccountingFile(30'000, 0);
  ASSERT_RUN_OK(ws.Load({ws.WriteInput("a.ndjson", content)}));
  ASSERT_RUN_OK(reference.Load({reference.WriteInput("a.ndjson", content)}));
  auto children = StartAll(ws, {{"merge"}, {"merge"}, {"merge"}});
  int64_t merged = 0;
  for (auto& child : children) {
    const RunResult r = child->Wait(kDeadline);
    ASSERT_RUN_OK(r);
    const auto line = ParseMergeLine(r.out);
    ASSERT_TRUE(line) << r.Describe();
    merged += line->staging_rows;
  }
  EXPECT_EQ(merged, 30'000);
  ASSERT_RUN_OK(reference.Merge());
  EXPECT_EQ(ws.FinalRows(), reference.FinalRows());
  EXPECT_EQ(ws.Count("sluice_merge_errors"), reference.Count("sluice_merge_errors"));
  EXPECT_EQ(ws.Count("SELECT position FROM sluice_streams"), 30'000);
}

TEST(ConcurrencyCli, StatusAndSqlDoNotWaitBehindALongLoad) {
  Workspace ws;
  const std::string file = ws.WriteInput("big.ndjson", LargeAccountingFile(200'000, 0));
  ASSERT_RUN_OK(ws.Sluice({"status"}));
  ChildProcess load({SluiceBin(), "-c", ws.config_path(), "load", file}, RunOptions{});
  // Wait until the load is in its transaction, writing staging rows (SQLite:
  // into the WAL; PostgreSQL: into the staging table's files).
  int64_t last = -1;
  bool in_progress = false;
  PollUntil(
      [&] {
        const int64_t written = ws.WarehouseWriteBytes();
        in_progress = last >= 0 && written > last && written > (8 << 20);
        last = written;
        return in_progress || !load.Running();
      },
      kDeadline);
  ASSERT_TRUE(in_progress) << "the load was never seen writing staging rows";
  // Frozen inside its transaction, the load cannot finish while the readers
  // run: a reader waiting behind it would time out.
  ASSERT_TRUE(load.Freeze());
  ASSERT_TRUE(load.Running()) << "the load finished before it was frozen";

  RunOptions quick;
  quick.timeout = std::chrono::seconds(30);
  const RunResult status = ws.Sluice({"status", "--format", "json"}, quick);
  const RunResult sql = ws.Sluice({"sql", "SELECT count(*) AS n FROM accounting_stg"}, quick);
  load.Thaw();
  EXPECT_RUN_OK(status);
  EXPECT_RUN_OK(sql);
  EXPECT_THAT(status.out, HasSubstr("\"staged_rows\": 0"));  // the uncommitted load is invisible
  const RunResult finished = load.Wait(kDeadline);
  EXPECT_RUN_OK(finished);
  EXPECT_EQ(ws.Count("accounting_stg"), 200'000);
}

}  // namespace
}  // namespace sluice::testing
