// kill -9 in the middle of `sluice load` and `sluice merge`, then run the
// same command again: a load lands its file exactly once, and a merge ends
// with the final table an uninterrupted merge makes (guarantees 3 and 4).
// Also: a torn compressed input is refused with a clear error and loads nothing.
//
// "In the middle" is observed, not guessed: the tests poll (short interval,
// hard deadline) until the landed file exists and the SQLite WAL is growing,
// kill, and then check that the killed run had not committed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <functional>
#include <thread>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int kEvents = 300'000;
constexpr int kBadLineEvery = 10'000;  // a few bad lines, to check errors are not doubled either
constexpr auto kDeadline = std::chrono::seconds(90);

std::string LargeFile() { return LargeAccountingFile(kEvents, kBadLineEvery); }

constexpr int64_t kBadLines = kEvents / kBadLineEvery;
constexpr int64_t kGoodLines = kEvents - kBadLines;

// Polls `ready` every few milliseconds until it holds, the child exits, or
// the deadline passes. True when `ready` held while the child still ran.
bool WaitUntilInProgress(ChildProcess& child, const std::function<bool()>& ready) {
  bool held = false;
  PollUntil(
      [&] {
        if (!child.Running()) return true;
        held = ready();
        return held;
      },
      kDeadline);
  return held && child.Running();
}

std::vector<std::string> LandedFiles(const Workspace& ws, bool temporary) {
  std::vector<std::string> out;
  for (const auto& f : ListFiles(ws.landing_dir()))
    if ((fs::path(f).filename().string().rfind(".tmp-", 0) == 0) == temporary) out.push_back(f);
  return out;
}

// True once the WAL has grown past `min_bytes` and is still growing.
std::function<bool()> WalGrowing(const Workspace& ws, int64_t min_bytes) {
  auto last = std::make_shared<int64_t>(-1);
  return [&ws, min_bytes, last] {
    const int64_t size = FileSize(ws.db_path() + "-wal");
    const bool growing = *last >= 0 && size > *last && size >= min_bytes;
    *last = size;
    return growing;
  };
}

void ExpectLoadedExactlyOnce(const Workspace& ws) {
  EXPECT_EQ(ws.Count("accounting_stg"), kGoodLines);
  EXPECT_EQ(ws.Count("SELECT count(DISTINCT line) FROM accounting_stg"), kGoodLines);
  EXPECT_EQ(ws.Count("sluice_load_errors"), kBadLines);
  const auto history = ws.Query("SELECT rows, errors FROM sluice_load_history");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0][0].integer, kGoodLines);
  EXPECT_EQ(history[0][1].integer, kBadLines);
  EXPECT_EQ(LandedFiles(ws, /*temporary=*/false).size(), 1u);
}

TEST(Crash, LoadKilledWhileStagingThenRerunLoadsTheFileExactlyOnce) {
  Workspace ws;
  const std::string file = ws.WriteInput("big.ndjson", LargeFile());
  ASSERT_RUN_OK(ws.Sluice({"status"}));  // the warehouse exists before the load starts

  ChildProcess load({SluiceBin(), "-c", ws.config_path(), "load", file}, RunOptions{});
  const auto wal_growing = WalGrowing(ws, 16 << 20);
  const bool caught = WaitUntilInProgress(load, [&] {
    return !LandedFiles(ws, /*temporary=*/false).empty() && wal_growing();
  });
  load.Kill(SIGKILL);
  const RunResult killed = load.Wait(kDeadline);
  ASSERT_TRUE(caught) << "the load finished before it was seen writing staging rows\n" << killed.Describe();
  ASSERT_EQ(killed.signal, SIGKILL);

  // The killed load committed nothing.
  EXPECT_EQ(ws.Count("sluice_load_history"), 0);
  EXPECT_EQ(ws.Count("accounting_stg"), 0);
  EXPECT_EQ(ws.Count("sluice_load_errors"), 0);

  const RunResult rerun = ws.Load({file});
  ASSERT_RUN_OK(rerun);
  EXPECT_THAT(rerun.out, HasSubstr(fmt::format("loaded {} rows", kGoodLines)));
  ExpectLoadedExactlyOnce(ws);

  const RunResult third = ws.Load({file});
  ASSERT_RUN_OK(third);
  EXPECT_THAT(third.out, HasSubstr("skipped"));
  ExpectLoadedExactlyOnce(ws);
}

TEST(Crash, LoadKilledWhileLandingThenRerunLoadsTheFileExactlyOnce) {
  Workspace ws;
  const std::string file = ws.WriteInput("big.ndjson", LargeFile());
  ChildProcess load({SluiceBin(), "-c", ws.config_path(), "load", file}, RunOptions{});
  const bool caught = WaitUntilInProgress(load, [&] {
    const auto temporary = LandedFiles(ws, /*temporary=*/true);
    return !temporary.empty() && FileSize(ws.landing_dir() + "/" + temporary[0]) > (1 << 20);
  });
  load.Kill(SIGKILL);
  const RunResult killed = load.Wait(kDeadline);
  ASSERT_TRUE(caught) << "the load was never seen landing its file\n" << killed.Describe();
  EXPECT_EQ(ws.Count("sluice_load_history"), 0);
  EXPECT_TRUE(LandedFiles(ws, /*temporary=*/false).empty()) << "a half-landed file must not look landed";

  ASSERT_RUN_OK(ws.Load({file}));
  ExpectLoadedExactlyOnce(ws);
}

// The final table and the merge errors of two warehouses, compared in SQL:
// same row counts, and every row matched by key with all columns equal.
void ExpectSameMergeResult(const std::string& db, const std::string& other_db) {
  const auto count = [&](const std::string& sql) {
    return QueryDb(db, sql, {{"other", other_db}}).at(0).at(0).integer;
  };
  std::string same;
  for (const auto& row : QueryDb(db, "SELECT name FROM pragma_table_info('accounting')"))
    same += fmt::format("{}a.\"{}\" IS b.\"{}\"", same.empty() ? "" : " AND ", row[0].text, row[0].text);
  const int64_t rows = count("SELECT count(*) FROM main.accounting");
  EXPECT_GT(rows, 0);
  EXPECT_EQ(rows, count("SELECT count(*) FROM other.accounting"));
  EXPECT_EQ(rows, count("SELECT count(*) FROM main.accounting a JOIN other.accounting b "
                        "USING (eventitemid, entryidentifier) WHERE " + same));

  const std::string errors = "SELECT event_type, seq, item_index, column_name, value, error FROM ";
  EXPECT_EQ(count("SELECT count(*) FROM main.sluice_merge_errors"), count("SELECT count(*) FROM other.sluice_merge_errors"));
  EXPECT_EQ(count("SELECT count(*) FROM (" + errors + "main.sluice_merge_errors EXCEPT " + errors +
                  "other.sluice_merge_errors)"), 0);
  EXPECT_EQ(count("SELECT position FROM main.sluice_streams"), count("SELECT max(seq) FROM main.accounting_stg"));
  EXPECT_EQ(count("SELECT position FROM other.sluice_streams"), count("SELECT max(seq) FROM other.accounting_stg"));
}

TEST(Crash, MergeKilledMidRunThenRerunEqualsAnUninterruptedMerge) {
  Workspace ws, reference;
  ASSERT_RUN_OK(ws.Load({ws.WriteInput("big.ndjson", LargeFile())}));
  // The same staged rows for the uninterrupted merge: a copy of the warehouse
  // (the load exited cleanly, so it is checkpointed into warehouse.db).
  fs::create_directories(reference.data_dir());
  for (const std::string suffix : {"", "-wal"})
    if (fs::exists(ws.db_path() + suffix)) fs::copy_file(ws.db_path() + suffix, reference.db_path() + suffix);

  ChildProcess merge({SluiceBin(), "-c", ws.config_path(), "merge"}, RunOptions{});
  const auto wal_growing = WalGrowing(ws, 16 << 20);
  const bool caught = WaitUntilInProgress(merge, wal_growing);
  merge.Kill(SIGKILL);
  const RunResult killed = merge.Wait(kDeadline);
  ASSERT_TRUE(caught) << "the merge finished before it was seen writing\n" << killed.Describe();
  ASSERT_EQ(killed.signal, SIGKILL);
  // The killed run committed nothing: no rows, no errors, no stream position.
  EXPECT_EQ(ws.Count("accounting"), 0);
  EXPECT_EQ(ws.Count("sluice_merge_errors"), 0);
  EXPECT_EQ(ws.Count("SELECT position FROM sluice_streams"), 0);

  const RunResult rerun = ws.Merge();
  ASSERT_RUN_OK(rerun);
  const RunResult uninterrupted = reference.Merge();
  ASSERT_RUN_OK(uninterrupted);
  const auto a = ParseMergeLine(rerun.out), b = ParseMergeLine(uninterrupted.out);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->staging_rows, kGoodLines);
  EXPECT_EQ(a->inserted, b->inserted);
  EXPECT_EQ(a->rejected, b->rejected);
  EXPECT_GT(a->rejected, 0);
  ExpectSameMergeResult(ws.db_path(), reference.db_path());
}

TEST(Crash, TornGzipOrZstdInputFailsClearlyAndLoadsNothing) {
  std::string content;
  for (int i = 0; i < 2000; ++i)
    content += AccountingEvent(fmt::format(R"("I{}")", i), R"("2026-01-01T10:00:00Z")",
                               "[" + Entry(R"("E1")", std::to_string(i)) + "]") + "\n";
  const std::string gz = Gzip(content), zst = Zstd(content);
  ASSERT_GT(gz.size(), 100u);
  ASSERT_GT(zst.size(), 100u);
  struct Torn {
    std::string name;
    std::string bytes;
  };
  const std::vector<Torn> torn = {
      {"half.ndjson.gz", gz.substr(0, gz.size() / 2)},
      {"no-trailer.ndjson.gz", gz.substr(0, gz.size() - 8)},
      {"last-byte.ndjson.gz", gz.substr(0, gz.size() - 1)},
      {"header-only.ndjson.gz", gz.substr(0, 12)},
      {"half.ndjson.zst", zst.substr(0, zst.size() / 2)},
      {"last-byte.ndjson.zst", zst.substr(0, zst.size() - 1)},
      {"header-only.ndjson.zst", zst.substr(0, 8)},
  };
  Workspace ws;
  for (const auto& t : torn) {
    const std::string path = ws.WriteInput(t.name, t.bytes);
    const RunResult r = ws.Load({path});
    EXPECT_EQ(r.exit_code, 1) << t.name << "\n" << r.Describe();
    EXPECT_THAT(r.err, StartsWith("error: ")) << t.name;
    EXPECT_THAT(r.err, HasSubstr(path)) << t.name;
    EXPECT_THAT(r.err, ::testing::AnyOf(HasSubstr("truncated"), HasSubstr("corrupt"))) << t.name;
    EXPECT_EQ(ws.Count("accounting_stg"), 0) << t.name;
    EXPECT_EQ(ws.Count("sluice_load_errors"), 0) << t.name;
    EXPECT_EQ(ws.Count("sluice_load_history"), 0) << t.name;
    EXPECT_THAT(ListFiles(ws.landing_dir()), ::testing::IsEmpty()) << t.name;
  }
  // The whole file still loads afterwards.
  ASSERT_RUN_OK(ws.Load({ws.WriteInput("whole.ndjson.gz", gz)}));
  EXPECT_EQ(ws.Count("accounting_stg"), 2000);
}

}  // namespace
}  // namespace sluice::testing
