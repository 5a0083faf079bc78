// What sluice must do itself on ClickHouse, which keeps none of these rules
// on its own (lenient casts, no transactions, last-inserted wins on equal
// versions): each result is compared with the embedded SQLite warehouse's
// on the same input, and the crash and shard tests try to break "nothing
// lost, nothing doubled" where ClickHouse offers no help — between an
// insert and the bookkeeping store's commit, and with a shard restarted
// mid-merge.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <sqlite3.h>

#include "backends/clickhouse_test_warehouse.h"
#include "base/poll_until.h"
#include "cli_harness.h"
#include "pg_harness.h"
#include "testing/child_process.h"
#include "testing/source_tree.h"
#include "testing/temp_dir.h"
#include "warehouse/clickhouse/ch_client.h"
#include "warehouse/clickhouse/ch_tsv.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Rows(const Workspace& ws, const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& r : ws.Query(sql)) out.push_back(ToString(r));
  return out;
}

// A count, or 0 while the table is not there yet (the command being watched makes it).
int64_t CountOr0(const Workspace& ws, const std::string& sql) {
  try {
    return ws.Count(sql);
  } catch (const std::runtime_error&) {
    return 0;
  }
}

// The same input through the embedded SQLite warehouse: the reference.
Workspace Reference(const std::string& yaml = AccountingConfigYaml()) {
  WorkspaceOptions options;
  options.sqlite = true;
  return Workspace(yaml, options);
}

void LoadAndMerge(const Workspace& ws, const std::string& name, const std::vector<std::string>& lines) {
  ASSERT_RUN_OK(ws.Sluice({"load", "--type", "Probe", ws.WriteLines(name, lines)}));
  ASSERT_RUN_OK(ws.Merge());
}

const std::string kProbeCatalog = R"(data_dir: data
events:
  Probe:
    table: probes
    key: id
    version: v
    columns:
      id: {path: id, type: varchar(8)}
      v: {path: v, type: int}
      amount: {path: amount, type: number(9,2)}
      n: {path: n, type: int}
      day: {path: day, type: date}
      at: {path: at, type: timestamp}
      flag: {path: flag, type: boolean}
      code: {path: code, type: varchar(3)}
      status: {path: status, type: varchar(16)}
)";

// Values ClickHouse's own casts would turn into something else ('abc' into
// 0.00, an overflowing int into a wrapped one, 2024-02-30 into 2024-03-01,
// a missing field into a default) go to sluice_merge_errors, and missing
// fields stay NULL, exactly as on SQLite.
TEST(ClickHouse, BadValuesItWouldAcceptSilentlyAreMergeErrorsAsOnSqlite) {
  const std::vector<std::string> events = {
      R"({"id":"a","v":1,"amount":"abc"})",
      R"({"id":"b","v":1,"n":"30000000000000000000"})",
      R"({"id":"c","v":1,"day":"2024-02-30"})",
      R"({"id":"d","v":1,"at":"2024-02-30 10:00:00"})",
      R"({"id":"e","v":1,"flag":"maybe"})",
      R"({"id":"f","v":1,"code":"toolong"})",
      R"({"id":"g","v":1,"amount":12.345,"n":-3,"day":"1969-07-20","at":"1969-07-20T20:17:40.123456Z","flag":true})",
      R"({"id":"h","v":1})",
  };
  Workspace ch(kProbeCatalog);
  Workspace ref = Reference(kProbeCatalog);
  LoadAndMerge(ch, "probes.ndjson", events);
  LoadAndMerge(ref, "probes.ndjson", events);
  const std::string errors = "SELECT seq, column_name, value, error FROM sluice_merge_errors ORDER BY seq, column_name";
  const std::string rows = "SELECT id, v, amount, n, day, at, flag, code, status FROM probes ORDER BY id";
  EXPECT_EQ(Rows(ch, errors).size(), 6u);
  EXPECT_EQ(Rows(ch, errors), Rows(ref, errors));
  EXPECT_EQ(Rows(ch, rows), Rows(ref, rows));
  EXPECT_THAT(Rows(ch, "SELECT id, amount, n, day, at, flag FROM probes WHERE id IN ('g', 'h') ORDER BY id"),
              ElementsAre("g|12.35|-3|1969-07-20|1969-07-20 20:17:40.123456|1", "h|NULL|NULL|NULL|NULL|NULL"));
}

// On equal versions ReplacingMergeTree keeps the last row inserted; sluice
// keeps the first delivery, in one merge and across merges.
TEST(ClickHouse, TheFirstOfEqualVersionsWinsAsOnSqlite) {
  Workspace ch(kProbeCatalog);
  Workspace ref = Reference(kProbeCatalog);
  for (const Workspace* ws : {&ch, &ref}) {
    LoadAndMerge(*ws, "one.ndjson",
                 {R"({"id":"a","v":1,"status":"first"})", R"({"id":"a","v":1,"status":"second"})",
                  R"({"id":"b","v":2,"status":"first"})"});
    LoadAndMerge(*ws, "two.ndjson",
                 {R"({"id":"a","v":1,"status":"third"})", R"({"id":"b","v":3,"status":"newer"})",
                  R"({"id":"b","v":3,"status":"newer-again"})"});
  }
  const std::string rows = "SELECT id, v, status FROM probes ORDER BY id";
  EXPECT_THAT(Rows(ch, rows), ElementsAre("a|1|first", "b|3|newer"));
  EXPECT_EQ(Rows(ch, rows), Rows(ref, rows));
}

// A backlog read in many windows (ch_staging_reader.h) and written in many
// blocks, where later blocks update and lose to keys earlier blocks wrote
// (a table that was empty at the start looks up only the run's own keys);
// then a rebuild over staging with a gap (rows deleted behind sluice's back,
// as retention does) and a block inserted twice (a retried insert): each
// committed row is merged once, in seq order.
TEST(ClickHouse, ABacklogOfManyWindowsAndBlocksWithAGapAndARepeatedBlockMergesEachRowOnce) {
  constexpr int kKeys = 40'000;
  // Three rounds over the same keys: version 1, then 3 (wins), then 2 (stale).
  std::string lines;
  for (int round : {1, 3, 2})
    for (int k = 0; k < kKeys; ++k) lines += fmt::format(R"({{"id":"k{}","v":{},"n":{}}})", k, round, k) + "\n";
  Workspace ch(kProbeCatalog);
  ASSERT_RUN_OK(ch.Sluice({"load", "--type", "Probe", ch.WriteInput("rounds.ndjson", lines)}));
  // Seqs 1..120 000; 100 001..105 000 (third round) inserted twice.
  ch.Exec("INSERT INTO probes_stg SELECT * FROM probes_stg WHERE seq > 100000 AND seq <= 105000");
  ASSERT_EQ(ch.Count("SELECT count() FROM probes_stg"), 125'000);
  const RunResult merged = ch.Merge();
  ASSERT_RUN_OK(merged);
  const auto counts = ParseMergeLine(merged.out, "Probe");
  ASSERT_TRUE(counts.has_value()) << merged.out;
  EXPECT_EQ(counts->staging_rows, 3 * kKeys);
  EXPECT_EQ(counts->inserted, kKeys);
  EXPECT_EQ(counts->updated, kKeys);
  EXPECT_EQ(counts->stale, kKeys);
  EXPECT_EQ(ch.Count("SELECT count() FROM probes WHERE v = 3"), kKeys);
  EXPECT_EQ(ch.Count("probes"), kKeys);

  // A gap wider than two windows: the second round (version 3) and the
  // third round's first half. The rest of the third round (version 2) stands
  // over the first round.
  ch.Exec("ALTER TABLE probes_stg DELETE WHERE seq > 40000 AND seq <= 100000");
  ch.AwaitMutations();
  ASSERT_RUN_OK(ch.Sluice({"rebuild", "Probe"}));
  EXPECT_EQ(ch.Count("SELECT count() FROM probes WHERE v = 1 AND n < 20000"), kKeys / 2);
  EXPECT_EQ(ch.Count("SELECT count() FROM probes WHERE v = 2 AND n >= 20000"), kKeys / 2);
  EXPECT_EQ(ch.Count("probes"), kKeys);
}

// A merge killed after some of its rows reached ClickHouse but before the
// bookkeeping store moved the position: the next merge writes them again,
// and the view shows each key once, as SQLite's table does.
TEST(ClickHouse, AMergeKilledBetweenItsInsertsAndItsCommitDoublesNothing) {
  Workspace ch;
  Workspace ref = Reference();
  // Large enough that the merge writes several blocks (of 50 000 rows)
  // before it commits: a wide window to be killed in.
  const std::string file = LargeAccountingFile(100'000, 0);
  ASSERT_RUN_OK(ch.Load({ch.WriteInput("big.ndjson", file)}));
  ASSERT_RUN_OK(ref.Load({ref.WriteInput("big.ndjson", file)}));
  ASSERT_RUN_OK(ref.Merge());

  ChildProcess merge({SluiceBin(), "-c", ch.config_path(), "merge"}, RunOptions{});
  const bool inserted = PollUntil([&] { return CountOr0(ch, "SELECT count() FROM accounting_local") > 0; },
                                  std::chrono::seconds(60));
  merge.Kill(SIGKILL);
  (void)merge.Wait(std::chrono::seconds(20));
  ASSERT_TRUE(inserted) << "the merge wrote nothing before it was killed";
  ASSERT_EQ(ch.Count("SELECT position FROM sluice_streams WHERE event_type = 'Accounting'"), 0)
      << "the merge committed before it was killed: nothing was left to replay";

  ASSERT_RUN_OK(ch.Merge());
  EXPECT_EQ(ch.Count("accounting"), ref.Count("accounting"));
  EXPECT_EQ(ch.Count("SELECT count() FROM (SELECT eventitemid, entryidentifier FROM accounting "
                     "GROUP BY eventitemid, entryidentifier HAVING count() > 1)"),
            0);
  EXPECT_EQ(ch.FinalRows(), ref.FinalRows());
}

// A load killed after its lines reached staging but before its history row
// committed: those lines are never merged, and loading the file again
// stages each line once.
TEST(ClickHouse, ALoadKilledBetweenItsInsertsAndItsCommitStagesEachLineOnce) {
  Workspace ch;
  Workspace ref = Reference();
  // Large enough that the load sends several blocks (of 32 MB) before it
  // commits: a wide window to be killed in.
  const std::string file = LargeAccountingFile(150'000, 0);
  const std::string path = ch.WriteInput("big.ndjson", file);
  ASSERT_RUN_OK(ref.Load({ref.WriteInput("big.ndjson", file)}));
  ASSERT_RUN_OK(ref.Merge());

  ChildProcess load({SluiceBin(), "-c", ch.config_path(), "load", path}, RunOptions{});
  const bool staged = PollUntil([&] { return CountOr0(ch, "SELECT count() FROM accounting_stg") > 0; },
                                std::chrono::seconds(60));
  load.Kill(SIGKILL);
  (void)load.Wait(std::chrono::seconds(20));
  ASSERT_TRUE(staged) << "the load staged nothing before it was killed";
  ASSERT_EQ(ch.Count("SELECT count(*) FROM sluice_load_history"), 0) << "the load committed before it was killed";

  // What the dead load left is not merged.
  ASSERT_RUN_OK(ch.Merge());
  EXPECT_EQ(ch.Count("accounting"), 0);

  ASSERT_RUN_OK(ch.Load({path}));
  EXPECT_EQ(ch.Count("SELECT count() FROM accounting_stg"), 150'000);
  ASSERT_RUN_OK(ch.Merge());
  EXPECT_EQ(ch.FinalRows(), ref.FinalRows());
}

// --------------------------------------------------------------- a cluster

// A two-shard cluster of the test's own (scripts/clickhouse-node.sh), so
// that restarting a shard disturbs no other test.
class OwnCluster {
 public:
  OwnCluster() {
    const RunResult r = RunProcess({SourceDir() + "/scripts/clickhouse-node.sh", "start", dir(), "--shards", "2"});
    if (r.exit_code != 0) throw std::runtime_error("cannot start a cluster: " + r.Describe());
    std::ifstream in(dir() + "/urls");
    for (std::string url; std::getline(in, url);)
      if (!url.empty()) urls_.push_back(url);
  }
  ~OwnCluster() { (void)RunProcess({SourceDir() + "/scripts/clickhouse-node.sh", "stop", dir()}); }
  std::string dir() const { return dir_.path() + "/cluster"; }
  const std::vector<std::string>& urls() const { return urls_; }
  RunResult Restart(int node) const {
    return RunProcess({SourceDir() + "/scripts/clickhouse-node.sh", "restart", dir(), std::to_string(node)});
  }
  // The final table through the Distributed table's view, as the SQLite
  // reference's rows print (amounts as reals).
  std::vector<std::string> Rows(const std::string& database) const {
    auto client = ClickHouseClient::Make(urls_.at(0), database);
    if (!client.ok()) throw std::runtime_error(client.status().ToString());
    auto out = (*client)->Run("SELECT eventitemid, entryidentifier, toFloat64(amount), eventdatetime FROM accounting "
                              "ORDER BY eventitemid, entryidentifier FORMAT TabSeparated");
    if (!out.ok()) throw std::runtime_error(out.status().ToString());
    std::vector<std::string> rows;
    for (const auto& tsv : ParseTsv(*out).value_or(std::vector<TsvRow>{})) {
      Row row;
      for (size_t c = 0; c < tsv.size(); ++c) {
        Cell cell;
        cell.type = !tsv[c] ? SQLITE_NULL : c == 2 ? SQLITE_FLOAT : SQLITE_TEXT;
        cell.text = tsv[c].value_or("");
        if (c == 2 && tsv[c]) cell.real = std::stod(*tsv[c]);
        row.push_back(cell);
      }
      rows.push_back(ToString(row));
    }
    return rows;
  }
  // The key column's values on one shard's local table.
  std::vector<std::string> Keys(size_t shard, const std::string& database) const {
    auto client = ClickHouseClient::Make(urls_.at(shard), database);
    if (!client.ok()) throw std::runtime_error(client.status().ToString());
    auto out = (*client)->Run("SELECT DISTINCT concat(eventitemid, '/', entryidentifier) FROM accounting_local FINAL "
                              "WHERE _sluice_deleted = 0 FORMAT TabSeparated");
    if (!out.ok()) throw std::runtime_error(out.status().ToString());
    std::vector<std::string> keys;
    for (const auto& row : ParseTsv(*out).value_or(std::vector<TsvRow>{})) keys.push_back(row.at(0).value_or(""));
    return keys;
  }

 private:
  TempDir dir_;
  std::vector<std::string> urls_;
};

// sluice.yaml of a workspace folder, pointing at `cluster`.
std::string ClusterConfig(const OwnCluster& cluster) {
  return WithWarehouseSection(AccountingConfigYaml(),
                              fmt::format("backend: clickhouse, url: '{0}', database: own, cluster: events, "
                                          "shards: ['{0}', '{1}']",
                                          cluster.urls().at(0), cluster.urls().at(1)),
                              {"backend"});
}

// Every version of a key lands on one shard (the Distributed table is
// sharded by a hash of the key), and a shard killed and restarted in the
// middle of a merge makes it wait and retry: nothing lost, nothing doubled.
TEST(ClickHouseCluster, EveryKeyOnOneShardAndAShardRestartedMidMergeLosesAndDoublesNothing) {
  OwnCluster cluster;
  TempDir work;
  const std::string config = work.path() + "/sluice.yaml";
  {
    std::ofstream out(config);
    out << ClusterConfig(cluster);
  }
  Workspace ref = Reference();
  const std::string file = LargeAccountingFile(100'000, 0);  // several blocks: the restart comes mid-merge
  const std::string updates = LargeAccountingFile(5'000, 0);   // the same keys again, newer versions
  const std::string path = ref.WriteInput("big.ndjson", file);
  ASSERT_RUN_OK(ref.Load({path}));
  ASSERT_RUN_OK(ref.Merge());
  RunOptions in_work;
  in_work.cwd = work.path();
  const auto sluice = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {SluiceBin(), "-c", config});
    return RunProcess(args, in_work);
  };
  ASSERT_RUN_OK(sluice({"load", path}));

  ChildProcess merge({SluiceBin(), "-c", config, "merge"}, in_work);
  const bool started = PollUntil([&] { return !cluster.Keys(1, "own").empty(); }, std::chrono::seconds(60));
  ASSERT_TRUE(started) << "the merge wrote nothing to shard 2";
  ASSERT_TRUE(merge.Running()) << "the merge ended before shard 2 could be restarted under it";
  const RunResult restarted = cluster.Restart(2);
  ASSERT_RUN_OK(restarted);
  const RunResult merged = merge.Wait(std::chrono::seconds(300));
  EXPECT_RUN_OK(merged);

  const std::vector<std::string> one = cluster.Keys(0, "own"), two = cluster.Keys(1, "own");
  std::set<std::string> both(one.begin(), one.end());
  for (const auto& key : two) EXPECT_TRUE(both.insert(key).second) << key << " is on both shards";
  EXPECT_FALSE(one.empty());
  EXPECT_FALSE(two.empty());
  EXPECT_EQ(static_cast<int64_t>(both.size()), ref.Count("accounting"));

  // More versions of the same keys: updates reach the keys' own shards.
  ASSERT_RUN_OK(ref.Load({ref.WriteInput("updates.ndjson", updates)}));
  ASSERT_RUN_OK(ref.Merge());
  ASSERT_RUN_OK(sluice({"load", ref.WriteInput("updates-again.ndjson", updates)}));
  ASSERT_RUN_OK(sluice({"merge"}));
  EXPECT_EQ(cluster.Rows("own"), Rows(ref, "SELECT eventitemid, entryidentifier, amount, eventdatetime FROM accounting "
                                          "ORDER BY eventitemid, entryidentifier"));
  const std::vector<std::string> after_one = cluster.Keys(0, "own"), after_two = cluster.Keys(1, "own");
  std::set<std::string> after(after_one.begin(), after_one.end());
  for (const auto& key : after_two) EXPECT_TRUE(after.insert(key).second) << key << " is on both shards";
}

}  // namespace
}  // namespace sluice::testing
