// A warehouse whose sluice_* tables the hand-written DDL of earlier versions
// created (tests/testdata/system_tables_bb9fc2f.*.sql, printed by `sluice
// ddl` at commit bb9fc2f, before the tables were described once and
// rendered per dialect): the current binary takes it over, and every kind
// of bookkeeping works in it: loads, merges, exceptions, dedupe's
// exclusions, the task history that status reads. On SQLite and PostgreSQL
// (the ClickHouse backend is newer than that DDL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "corrections_harness.h"
#include "pg_harness.h"

namespace sluice::testing::corrections {
namespace {

using ::testing::ElementsAre;

// The earlier DDL of the workspace's backend, for its schema on PostgreSQL.
std::string EarlierSystemTables(const Workspace& ws) {
  std::string ddl = ReadFile(SourceDir() + "/tests/testdata/system_tables_bb9fc2f." + ws.backend() + ".sql");
  if (!ws.on_postgres()) return ddl;
  const std::string from = "\"public\"", to = QuotePgIdent(ws.pg_schema());
  for (size_t at = ddl.find(from); at != std::string::npos; at = ddl.find(from, at + to.size()))
    ddl.replace(at, from.size(), to);
  return ddl;
}

TEST(SchemaCli, AWarehouseWhoseTablesTheEarlierHandWrittenDdlCreatedKeepsWorking) {
  Workspace ws;
  if (ws.on_clickhouse())
    GTEST_SKIP() << "ClickHouse came after the hand-written DDL: no ClickHouse warehouse was ever made by it";
  ws.Exec(EarlierSystemTables(ws));
  ASSERT_TRUE(ws.HasTable("sluice_load_history"));
  ASSERT_FALSE(ws.HasTable("accounting"));

  LoadAndMerge(ws, "a.ndjson", {Ev("I1", kT1, "1"), Ev("I2", kT1, "2")});
  LoadAndMerge(ws, "b.ndjson", {Ev("I2", kT1, "2")});  // the same event delivered again
  SluiceOk(ws, {"exceptions", "add", "Accounting", "--id", "I1", kT1, "--set", "EntryList[0].Amount=7", "--reason",
                "wrong amount"});
  SluiceOk(ws, {"dedupe", "Accounting", "--by", "id"});
  SluiceOk(ws, {"status"});

  EXPECT_THAT(ws.FinalRows(kCols), ElementsAre(Row("I1", "E1", "7", "10"), Row("I2", "E1", "2", "10")));
  EXPECT_EQ(ws.Count("sluice_load_history"), 2);
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_exceptions WHERE removed_at IS NULL"), 1);
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_exclusions WHERE seq IS NOT NULL"), 1);
  EXPECT_EQ(ws.Count("sluice_corrections_pending"), 0);
}

}  // namespace
}  // namespace sluice::testing::corrections
