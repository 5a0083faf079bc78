// The shared stores change many rows in a few statements (sql_batch.h):
// enough ids to need several statements each land once, in order, on the
// embedded warehouse.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "testing/temp_dir.h"
#include "warehouse/backend.h"
#include "warehouse/query_sink.h"

namespace sluice {
namespace {

// Collects a query's first column.
class FirstColumn final : public QuerySink {
 public:
  void Columns(const std::vector<std::string>&) override {}
  void Row(const std::vector<QueryCell>& cells) override { values.push_back(cells.at(0).text); }
  std::vector<std::string> values;
};

class SqlBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = ParseConfig(R"(
events:
  Order:
    key: id
    version: v
    id: Id
    columns:
      id: {path: Id, type: string}
      v: {path: V, type: int}
)", dir_.path() + "/sluice.yaml");
    ASSERT_TRUE(config.ok()) << config.status().message();
    config_ = std::move(config).value();
    auto warehouse = OpenWarehouse(config_.warehouse, config_.data_dir);
    ASSERT_TRUE(warehouse.ok()) << warehouse.status().message();
    warehouse_ = std::move(warehouse).value();
    ASSERT_TRUE(warehouse_->Prepare(config_.catalog).ok());
  }

  std::vector<std::string> Column(const std::string& sql) {
    FirstColumn sink;
    EXPECT_TRUE(warehouse_->Query(sql, /*allow_writes=*/false, &sink).ok()) << sql;
    return sink.values;
  }
  const EventSpec& order() { return config_.catalog.events.at(0); }

  testing::TempDir dir_{"sluice-batch"};
  Config config_;
  std::unique_ptr<Warehouse> warehouse_;
};

// 7 parameters a row: 12 000 rows are 84 000 parameters, three statements.
constexpr int kMany = 12'000;

TEST_F(SqlBatchTest, ExclusionsBeyondOneStatementEachLandOnceInTheirOrder) {
  std::vector<Exclusion> exclusions;
  for (int i = 0; i < kMany; ++i) exclusions.push_back({"id-" + std::to_string(i), std::nullopt, "", "spam"});
  exclusions.push_back(exclusions.front());  // listed twice: counted once
  auto added = warehouse_->corrections().AddExclusions(order(), exclusions, "alice");
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(*added, kMany);
  const auto ids = Column("SELECT event_id FROM sluice_exclusions ORDER BY id");
  ASSERT_EQ(ids.size(), static_cast<size_t>(kMany));
  EXPECT_EQ(ids.front(), "id-0");
  EXPECT_EQ(ids.back(), "id-" + std::to_string(kMany - 1));
  EXPECT_EQ(Column("SELECT count(*) FROM sluice_corrections_pending").at(0), std::to_string(kMany));
  // Ending them all is as many statements again, and ends each one.
  std::vector<std::string> all;
  for (int i = 0; i < kMany; ++i) all.push_back("id-" + std::to_string(i));
  ASSERT_TRUE(warehouse_->corrections().Remove(order(), CorrectionKind::kExclusion, all, {"bob", "undo"}).ok());
  EXPECT_EQ(Column("SELECT count(*) FROM sluice_exclusions WHERE removed_at IS NULL").at(0), "0");
}

TEST_F(SqlBatchTest, FixesBeyondOneStatementKeepTheLastOfEachLineAndAreMarkedReplayed) {
  std::vector<LoadErrorFix> fixes;
  for (int i = 0; i < kMany; ++i) fixes.push_back({"landing/a.ndjson.zst", i + 1, R"({"Id":"a"})"});
  fixes.push_back({"landing/a.ndjson.zst", 1, R"({"Id":"later"})"});  // the same line again: it replaces the first
  ASSERT_TRUE(warehouse_->load_errors().StoreFixes(order(), fixes, "alice").ok());
  auto unreplayed = warehouse_->load_errors().Unreplayed(order());
  ASSERT_TRUE(unreplayed.ok());
  ASSERT_EQ(unreplayed->size(), static_cast<size_t>(kMany));
  EXPECT_EQ(unreplayed->front().payload, R"({"Id":"later"})");
  ASSERT_TRUE(warehouse_->load_errors().MarkReplayed(order(), *unreplayed).ok());
  EXPECT_TRUE(warehouse_->load_errors().Unreplayed(order())->empty());
}

}  // namespace
}  // namespace sluice
