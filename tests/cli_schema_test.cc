// Config errors and schema evolution through the CLI: a bad sluice.yaml is
// exit 2 with FILE:LINE:COLUMN, a new catalog column is added to the table,
// and changes that would lose data are refused, naming the column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A small Accounting catalog whose line numbers the tests below rely on.
std::string SmallConfig(const std::string& extra_columns = "", const std::string& amount_type = "number(9,2)",
                        const std::string& key = "[eventitemid, entryidentifier]") {
  return "data_dir: data\n"                                                           // 1
         "warehouse:\n"                                                               // 2
         "  backend: sqlite\n"                                                        // 3
         "events:\n"                                                                  // 4
         "  Accounting:\n"                                                            // 5
         "    table: accounting\n"                                                    // 6
         "    flatten: EntryList\n"                                                   // 7
         "    key: " + key + "\n"                                                     // 8
         "    version: eventdatetime\n"                                               // 9
         "    columns:\n"                                                             // 10
         "      eventitemid: {path: EventItemId, type: varchar(64)}\n"                // 11
         "      entryidentifier: {path: item.EntryIdentifier, type: varchar(64)}\n"   // 12
         "      eventdatetime: {path: EventDateTime, type: timestamp}\n"              // 13
         "      amount: {path: item.Amount, type: " + amount_type + "}\n"             // 14
         "      reason: {path: item.Reason, type: varchar(64)}\n" +                   // 15
         extra_columns;
}

std::string Event(const std::string& id, const std::string& extra_entry = "") {
  return AccountingEvent(Quote(id), R"("2026-01-01T10:00:00Z")",
                         "[" + Entry(R"("E1")", "1", R"("Reason": "r")" + extra_entry) + "]");
}

RunResult WithConfig(const Workspace& ws, const std::string& yaml) {
  ws.SetConfig(yaml);
  return ws.Sluice({"status"});
}

TEST(ConfigCli, ABadTypeIsExitTwoWithFileLineAndColumn) {
  Workspace ws(SmallConfig("", "numbr(9,2)"));
  const RunResult r = ws.Sluice({"status"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, StartsWith("error: " + ws.config_path() + ":14:41: column 'amount'"));
  EXPECT_FALSE(std::filesystem::exists(ws.data_dir())) << "a bad config must not create the warehouse";
}

TEST(ConfigCli, EveryProblemIsReportedAtOnceEachWithItsPosition) {
  Workspace ws("data_dir: data\n"
               "bogus: 1\n"
               "events:\n"
               "  Accounting:\n"
               "    table: Accounting Table\n"
               "    key: [nope]\n"
               "    version: eventdatetime\n"
               "    columns:\n"
               "      eventdatetime: {path: EventDateTime, type: timestamp}\n");
  const RunResult r = ws.Sluice({"merge"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  const std::string p = ws.config_path();
  EXPECT_THAT(r.err, StartsWith("error: "));
  EXPECT_THAT(r.err, HasSubstr(p + ":2:1: unknown key 'bogus'"));
  EXPECT_THAT(r.err, HasSubstr(p + ":5:12: table name 'Accounting Table'"));
  EXPECT_THAT(r.err, HasSubstr(p + ":6:11: key column 'nope'"));
}

TEST(ConfigCli, AYamlSyntaxErrorIsExitTwoWithItsPosition) {
  Workspace ws("data_dir: data\nevents:\n  Accounting: {table: [unclosed\n");
  const RunResult r = ws.Sluice({"load", ws.WriteInput("a.ndjson", "{}\n")});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, ::testing::MatchesRegex("error: " + ws.config_path() + ":[0-9]+:[0-9]+: .*"));
}

TEST(ConfigCli, AMissingConfigFileIsExitTwoNamingIt) {
  Workspace ws;
  const std::string missing = ws.dir() + "/nope.yaml";
  const RunResult r = RunProcess({SluiceBin(), "-c", missing, "merge"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, StartsWith("error: "));
  EXPECT_THAT(r.err, HasSubstr(missing));
}

TEST(SchemaCli, ANewCatalogColumnIsAddedOnTheNextCommandAndFilledByLaterMerges) {
  Workspace ws(SmallConfig());
  ASSERT_RUN_OK(ws.Load({ws.WriteLines("a.ndjson", {Event("I1")})}));
  ASSERT_RUN_OK(ws.Merge());

  ws.SetConfig(SmallConfig("      channel: {path: item.Channel, type: varchar(16)}\n"));
  ASSERT_RUN_OK(ws.Sluice({"status"}));
  EXPECT_THAT(ws.Columns("accounting"),
              ElementsAre("eventitemid", "entryidentifier", "eventdatetime", "amount", "reason", "channel"));
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_columns WHERE table_name = 'accounting' AND "
                     "column_name = 'channel' AND type = 'varchar(16)'"), 1);
  EXPECT_THAT(ws.FinalRows("eventitemid, channel"), ElementsAre("I1|NULL"));

  ASSERT_RUN_OK(ws.Load({ws.WriteLines("b.ndjson", {Event("I2", R"(, "Channel": "web")")})}));
  ASSERT_RUN_OK(ws.Merge());
  EXPECT_THAT(ws.FinalRows("eventitemid, channel"), ElementsAre("I1|NULL", "I2|web"));
}

// events.<name>.indexes added to the catalog of an existing warehouse: the
// next command creates the index, and merges keep working with it.
TEST(SchemaCli, AnIndexAddedToTheCatalogIsCreatedOnTheNextCommand) {
  Workspace ws(SmallConfig());
  if (ws.on_clickhouse()) GTEST_SKIP() << "ClickHouse orders the rows by the key; no secondary indexes";
  ASSERT_RUN_OK(ws.Load({ws.WriteLines("a.ndjson", {Event("I1")})}));
  ASSERT_RUN_OK(ws.Merge());
  const std::string index_count =
      ws.on_postgres() ? "SELECT count(*) FROM pg_indexes WHERE indexname = 'accounting_by_eventdatetime_reason' "
                         "AND schemaname = '" + ws.pg_schema() + "'"
                       : "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                         "AND name = 'accounting_by_eventdatetime_reason' AND tbl_name = 'accounting'";
  EXPECT_EQ(ws.Count(index_count), 0);
  std::string config = SmallConfig();
  config.insert(config.find("    columns:\n"), "    indexes: [[eventdatetime, reason]]\n");
  ws.SetConfig(config);
  ASSERT_RUN_OK(ws.Sluice({"status"}));
  EXPECT_EQ(ws.Count(index_count), 1);
  ASSERT_RUN_OK(ws.Load({ws.WriteLines("b.ndjson", {Event("I2")})}));
  ASSERT_RUN_OK(ws.Merge());
  EXPECT_THAT(ws.FinalRows("eventitemid"), ElementsAre("I1", "I2"));
}

TEST(SchemaCli, DroppingACatalogColumnIsRefusedNamingItAndChangesNothing) {
  Workspace ws(SmallConfig());
  ASSERT_RUN_OK(ws.Load({ws.WriteLines("a.ndjson", {Event("I1")})}));
  ASSERT_RUN_OK(ws.Merge());
  std::string without_reason = SmallConfig();
  without_reason.erase(without_reason.find("      reason:"));
  // Dropping `reason` while adding `channel`: the add must not happen either.
  const RunResult r = WithConfig(ws, without_reason + "      channel: {path: item.Channel, type: varchar(16)}\n");
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, StartsWith("error: "));
  EXPECT_THAT(r.err, HasSubstr("'reason'"));
  EXPECT_THAT(ws.Columns("accounting"), ::testing::Contains("reason"));
  EXPECT_THAT(ws.Columns("accounting"), ::testing::Not(::testing::Contains("channel")));
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_columns WHERE column_name = 'channel'"), 0);
  EXPECT_THAT(ws.FinalRows("eventitemid, reason"), ElementsAre("I1|r"));
  // Putting it back makes the warehouse usable again.
  EXPECT_RUN_OK(WithConfig(ws, SmallConfig()));
}

TEST(SchemaCli, ChangingAColumnTypeIsRefusedNamingIt) {
  Workspace ws(SmallConfig());
  ASSERT_RUN_OK(ws.Sluice({"status"}));
  const RunResult r = WithConfig(ws, SmallConfig("", "number(10,2)"));
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("'amount'"));
  EXPECT_THAT(r.err, HasSubstr("number(10,2)"));
  // Loads are refused too, not only status.
  const RunResult load = ws.Load({ws.WriteLines("a.ndjson", {Event("I1")})});
  EXPECT_EQ(load.exit_code, 2) << load.Describe();
  ws.SetConfig(SmallConfig());
  EXPECT_EQ(ws.Count("accounting_stg"), 0);
}

TEST(SchemaCli, ChangingTheKeyIsRefusedNamingTheColumn) {
  Workspace ws(SmallConfig());
  ASSERT_RUN_OK(ws.Sluice({"status"}));
  const RunResult r = WithConfig(ws, SmallConfig("", "number(9,2)", "[eventitemid]"));
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("key"));
  EXPECT_THAT(r.err, HasSubstr("'entryidentifier'"));
  const RunResult added = WithConfig(ws, SmallConfig("      channel: {path: item.Channel, type: varchar(16)}\n",
                                                     "number(9,2)", "[eventitemid, entryidentifier, channel]"));
  EXPECT_EQ(added.exit_code, 2) << added.Describe();
  EXPECT_THAT(added.err, HasSubstr("'channel'"));
  EXPECT_THAT(added.out, Not(HasSubstr("Accounting")));
}

TEST(SchemaCli, ATableSluiceDidNotCreateIsNotTakenOver) {
  Workspace ws("data_dir: data\nevents: {}\n");
  ASSERT_RUN_OK(ws.Sluice({"sql", "--write", ws.on_clickhouse() ? "CREATE TABLE accounting (x String) ENGINE = Memory"
                                                                 : "CREATE TABLE accounting (x TEXT)"}));
  ws.SetConfig(SmallConfig());
  const RunResult r = ws.Sluice({"status"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("'accounting'"));
  EXPECT_THAT(r.err, HasSubstr("not created by sluice"));
  EXPECT_THAT(ws.Columns("accounting"), ElementsAre("x"));
}

}  // namespace
}  // namespace sluice::testing
