// The embedded warehouse's rules for the user's SQL, enforced by SQLite's
// authorizer (src/warehouse/sqlite/sqlite_authorizer.h), not by reading the
// statements: `sluice sql` (with and without --write), SQL tasks and models
// call only allowed functions, run only the PRAGMAs that describe tables,
// never ATTACH; tasks and models may write their own tables but not
// sluice's (sluice_*, staging) nor SQLite's (sqlite_*). What is refused is
// named, and changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_harness.h"
#include "models_harness.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A workspace with two merged Accounting rows.
void Populate(const Workspace& ws) {
  ASSERT_RUN_OK(ws.Load({ws.WriteLines(
      "a.ndjson", {AccountingEvent(R"("I1")", R"("2026-01-01T10:00:00Z")", "[" + Entry(R"("E1")", "1.5") + "]"),
                   AccountingEvent(R"("I2")", R"("2026-01-02T10:00:00Z")", "[" + Entry(R"("E1")", "2") + "]")})}));
  ASSERT_RUN_OK(ws.Merge());
}

TEST(SqliteHardening, AFunctionOutsideTheAllowListIsRefusedByNameWithOrWithoutWriteAndChangesNothing) {
  Workspace ws;
  Populate(ws);
  const std::string before = ReadFile(ws.db_path());
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"SELECT sqlite_compileoption_get(0)", "sqlite_compileoption_get"},  // the build's options
      {"SELECT sqlite_compileoption_used('ENABLE_FTS3')", "sqlite_compileoption_used"},
      {"SELECT sqlite_source_id()", "sqlite_source_id"},  // more than the version
      {"SELECT hex(fts3_tokenizer('simple'))", "fts3_tokenizer"},
      {"SELECT load_extension('/nonexistent.so')", "load_extension"},
      {"SELECT sqlite_log(1, 'forged')", "sqlite_log"},
      {"SELECT 1; SELECT upper(eventitemid), SQLITE_SOURCE_ID() FROM accounting", "sqlite_source_id"},
      {"UPDATE accounting SET eventitemid = sqlite_source_id()", "sqlite_source_id"},
  };
  for (const auto& [sql, function] : refused) {
    for (const bool write : {false, true}) {
      std::vector<std::string> args = {"sql"};
      if (write) args.push_back("--write");
      args.push_back(sql);
      const RunResult r = ws.Sluice(args);
      EXPECT_EQ(r.exit_code, 1) << sql << "\n" << r.Describe();
      EXPECT_THAT(r.err, HasSubstr("the function " + function + "() is not allowed in sluice's SQL")) << sql;
      EXPECT_THAT(r.err, Not(HasSubstr("--write"))) << sql;  // --write would not allow it either
      EXPECT_THAT(r.out, Not(HasSubstr("3.")));              // no version or option leaked before the refusal
    }
  }
  EXPECT_EQ(ReadFile(ws.db_path()), before) << "the warehouse changed";
}

TEST(SqliteHardening, TheAllowedFamiliesWork) {
  Workspace ws;
  Populate(ws);
  // Core, date and time, JSON, math, aggregate and window functions, and sluice's md5().
  const RunResult r = ws.Sluice(
      {"sql", "--format", "csv",
       "SELECT eventitemid, json_extract('{\"a\": {\"b\": 2}}', '$.a.b') AS j, '{\"c\": 3}' ->> '$.c' AS op, "
       "strftime('%Y-%m', eventdatetime) AS month, unixepoch('2026-01-01') AS epoch, md5('x') AS h, "
       "sum(amount) OVER (ORDER BY eventitemid) AS running, row_number() OVER (ORDER BY eventitemid DESC) AS n, "
       "sqrt(16) AS root, iif(amount > 1.8, 'big', 'small') AS size, printf('%05d', 42) AS padded, "
       "coalesce(NULL, 'x') AS c, substr('abcdef', 2, 3) AS s, length(sqlite_version()) > 0 AS v "
       "FROM accounting ORDER BY eventitemid"});
  ASSERT_RUN_OK(r);
  EXPECT_EQ(r.out,
            "eventitemid,j,op,month,epoch,h,running,n,root,size,padded,c,s,v\r\n"
            "I1,2,3,2026-01,1767225600,9dd4e461268c8034f5c8564e155c67a6,1.5,2,4.0,small,00042,x,bcd,1\r\n"
            "I2,2,3,2026-01,1767225600,9dd4e461268c8034f5c8564e155c67a6,3.5,1,4.0,big,00042,x,bcd,1\r\n");
  const RunResult aggregates = ws.Sluice(
      {"sql", "--format", "csv",
       "SELECT count(*) AS n, group_concat(eventitemid, '+') AS ids, json_group_array(eventitemid) AS arr, "
       "(SELECT count(*) FROM json_each('[1, 2, 3]')) AS each_n FROM (SELECT eventitemid FROM accounting ORDER BY 1)"});
  ASSERT_RUN_OK(aggregates);
  EXPECT_EQ(aggregates.out, "n,ids,arr,each_n\r\n2,I1+I2,\"[\"\"I1\"\",\"\"I2\"\"]\",3\r\n");
}

TEST(SqliteHardening, AValueLongerThanTheUsersLimitIsRefusedInsteadOfAllocated) {
  Workspace ws;
  const RunResult big = ws.Sluice({"sql", "SELECT length(randomblob(200000000))"});  // 200 MB
  EXPECT_EQ(big.exit_code, 1) << big.Describe();
  EXPECT_THAT(big.err, HasSubstr("too big"));
  const RunResult small = ws.Sluice({"sql", "--format", "csv", "SELECT length(zeroblob(1000000)) AS n"});
  ASSERT_RUN_OK(small);
  EXPECT_EQ(small.out, "n\r\n1000000\r\n");
}

TEST(SqliteHardening, APragmaThatChangesTheConnectionOrRevealsTheProcessIsRefusedEvenWithWrite) {
  Workspace ws;
  Populate(ws);
  const std::string before = ReadFile(ws.db_path());
  for (const std::string sql :
       {"PRAGMA database_list", "SELECT file FROM pragma_database_list", "PRAGMA compile_options",
        "PRAGMA journal_mode = DELETE", "PRAGMA query_only = 0", "PRAGMA writable_schema = 1", "PRAGMA function_list"}) {
    for (const bool write : {false, true}) {
      std::vector<std::string> args = {"sql"};
      if (write) args.push_back("--write");
      args.push_back(sql);
      const RunResult r = ws.Sluice(args);
      EXPECT_EQ(r.exit_code, 1) << sql << "\n" << r.Describe();
      EXPECT_THAT(r.err, HasSubstr("is not allowed in sluice's SQL")) << sql;
      EXPECT_THAT(r.out, Not(HasSubstr(ws.dir()))) << sql;  // the file's path
    }
  }
  // VACUUM INTO writes a file anywhere: SQLite attaches it first.
  const std::string copy = ws.dir() + "/copy.db";
  for (const bool write : {false, true}) {
    std::vector<std::string> args = {"sql"};
    if (write) args.push_back("--write");
    args.push_back("VACUUM INTO '" + copy + "'");
    const RunResult r = ws.Sluice(args);
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
    // Without --write it is refused earlier, as a statement that writes.
    if (write) {
      EXPECT_THAT(r.err, HasSubstr("refused: ATTACH and DETACH are not allowed"));
    }
  }
  EXPECT_FALSE(std::filesystem::exists(copy));
  EXPECT_EQ(ReadFile(ws.db_path()), before) << "the warehouse changed";
  // What maintains the file is --write's (and the existing test covers the hint without it).
  ASSERT_RUN_OK(ws.Sluice({"sql", "--write", "PRAGMA user_version = 7"}));
  EXPECT_EQ(ws.Count("PRAGMA user_version"), 7);
  EXPECT_RUN_OK(ws.Sluice({"sql", "--write", "VACUUM"}));  // VACUUM attaches a database of its own, without a file
  EXPECT_EQ(ws.Count("accounting"), 2);
}

// A view or trigger holds a user's SQL whoever runs it: reading the view,
// or sluice's merge firing the trigger, applies the user's rules.
TEST(SqliteHardening, ViewsAndTriggersWrittenBehindSluicesBackRunUnderTheUsersRules) {
  Workspace ws;
  Populate(ws);
  ws.Exec("CREATE VIEW leak AS SELECT sqlite_source_id() AS id");
  const RunResult read = ws.Sluice({"sql", "SELECT * FROM leak"});
  EXPECT_EQ(read.exit_code, 1) << read.Describe();
  EXPECT_THAT(read.err, HasSubstr("the function sqlite_source_id() is not allowed in sluice's SQL (in leak)"));

  const int64_t history = ws.Count("sluice_load_history");
  ws.Exec("CREATE TRIGGER forget AFTER INSERT ON accounting BEGIN DELETE FROM sluice_load_history; END");
  ASSERT_RUN_OK(ws.Load({ws.WriteLines(
      "b.ndjson", {AccountingEvent(R"("I3")", R"("2026-01-03T10:00:00Z")", "[" + Entry(R"("E1")", "3") + "]")})}));
  const RunResult merge = ws.Merge();
  EXPECT_NE(merge.exit_code, 0) << merge.Describe();
  EXPECT_THAT(merge.out + merge.err,
              HasSubstr("sluice_load_history is one of sluice's own tables: a task or model may not change it (in "
                        "forget)"));
  EXPECT_EQ(ws.Count("sluice_load_history"), history + 1);  // the new file's load, and nothing forgotten
  EXPECT_EQ(ws.Count("accounting"), 2);                      // the merge was rolled back
}

// Tasks: each refused statement fails its task with the reason, and the
// task's transaction, statements before it included, is rolled back.
TEST(SqliteHardening, ATaskMayWriteItsOwnTablesButNotSluicesOrSqlitesAndChangesNothingWhenRefused) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"DELETE FROM sluice_load_history", "sluice_load_history is one of sluice's own tables"},
      {"UPDATE sluice_streams SET position = 0", "sluice_streams is one of sluice's own tables"},
      {"DROP TABLE sluice_task_runs", "sluice_task_runs is one of sluice's own tables"},
      {"CREATE TABLE sluice_mine (x INTEGER)", "sluice_mine is one of sluice's own tables"},
      {"DELETE FROM accounting_stg", "accounting_stg is one of sluice's own tables"},
      {"CREATE INDEX stg_by_source ON accounting_stg (source)", "accounting_stg is one of sluice's own tables"},
      {"ALTER TABLE accounting_stg ADD COLUMN x INTEGER", "accounting_stg is one of sluice's own tables"},
      {"UPDATE sqlite_sequence SET seq = 0", "sqlite_sequence is one of SQLite's own tables"},
      {"ATTACH 'elsewhere.db' AS e", "ATTACH and DETACH are not allowed"},
      {"SELECT sqlite_compileoption_get(0)", "the function sqlite_compileoption_get() is not allowed"},
      {"PRAGMA synchronous = OFF", "PRAGMA synchronous is not allowed in sluice's SQL"},
      {"PRAGMA optimize", "PRAGMA optimize maintains the warehouse file"},
      {"COMMIT", "BEGIN, COMMIT and ROLLBACK are not allowed in a task or model"},
      {"CREATE TRIGGER t AFTER INSERT ON mine BEGIN SELECT 1; END", "triggers are not allowed in a task or model"},
  };
  std::string tasks = "tasks:\n";
  for (size_t i = 0; i < refused.size(); ++i)
    tasks += fmt::format("  t{}:\n    schedule: \"@daily\"\n    sql: |\n      CREATE TABLE mine (x INTEGER);\n"
                         "      INSERT INTO mine VALUES (1);\n      {}\n",
                         i, refused[i].first);
  // What a task may do: its own tables, renamed, dropped, AUTOINCREMENT, analysed.
  tasks += "  allowed:\n    schedule: \"@daily\"\n    sql: |\n"
           "      CREATE TABLE totals AS SELECT count(*) AS n, json_group_array(eventitemid) AS ids FROM accounting;\n"
           "      ALTER TABLE totals RENAME TO daily_totals;\n"
           "      CREATE TABLE counter (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);\n"
           "      INSERT INTO counter (v) SELECT md5(eventitemid) FROM accounting;\n"
           "      DROP TABLE counter;\n"
           "      ANALYZE daily_totals;\n"
           "      SELECT count(*) FROM sluice_load_history;\n";
  Workspace ws(AccountingConfigYaml() + tasks);
  Populate(ws);
  const auto counts = [&] {
    return std::vector<int64_t>{ws.Count("sluice_load_history"), ws.Count("sluice_streams"),
                                ws.Count("accounting_stg"), ws.Count("SELECT seq FROM sqlite_sequence WHERE name = 'accounting_stg'"),
                                ws.Count("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sluice%'")};
  };
  const std::vector<int64_t> before = counts();
  for (size_t i = 0; i < refused.size(); ++i) {
    const RunResult r = ws.Sluice({"tasks", "run", fmt::format("t{}", i)});
    EXPECT_EQ(r.exit_code, 1) << refused[i].first << "\n" << r.Describe();
    EXPECT_THAT(r.err, HasSubstr("refused: " + refused[i].second)) << refused[i].first;
    EXPECT_FALSE(ws.HasTable("mine")) << refused[i].first << ": the statements before it were not rolled back";
    EXPECT_FALSE(ws.HasTable("sluice_mine"));
  }
  EXPECT_EQ(counts(), before);
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_task_runs WHERE status = 'failed'"),
            static_cast<int64_t>(refused.size()));
  EXPECT_FALSE(std::filesystem::exists(ws.dir() + "/elsewhere.db"));

  const RunResult allowed = ws.Sluice({"tasks", "run", "allowed"});
  ASSERT_RUN_OK(allowed);
  EXPECT_EQ(ws.Count("SELECT n FROM daily_totals"), 2);
  EXPECT_FALSE(ws.HasTable("counter"));
  // `sluice sql --write` remains the way to repair sluice's own tables by hand.
  EXPECT_RUN_OK(ws.Sluice({"sql", "--write", "UPDATE sluice_streams SET merged_at = merged_at"}));
}

const std::string kSource = "{{ source('events', 'accounting') }}";

TEST(SqliteHardening, AModelCallingARefusedFunctionFailsNamingItWhateverItsMaterialization) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"models/leak_table.sql", "{{ config(materialized='table') }}\nselect sqlite_source_id() as id\n"},
                    {"models/leak_view.sql",
                     "{{ config(materialized='view') }}\nselect sqlite_compileoption_get(0) as option\n"},
                    {"models/leak_incremental.sql",
                     "{{ config(materialized='incremental') }}\nselect eventitemid, "
                     "{% if is_incremental() %}sqlite_source_id(){% else %}'first'{% endif %} as id from " +
                         kSource + "\n"},
                    {"models/fine.sql",
                     "{{ config(materialized='table') }}\nselect eventitemid, md5(eventitemid) as h, "
                     "json_object('id', eventitemid) as j, row_number() over (order by eventitemid) as n, "
                     "strftime('%Y', eventdatetime) as y from " +
                         kSource + "\n"}});
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I1", "2026-01-01T10:00:00Z", {{"E1", 5}})}));
  const RunResult first = Models(ws, {"run"});
  EXPECT_EQ(first.exit_code, 1) << first.Describe();
  EXPECT_THAT(first.out, HasSubstr("the function sqlite_source_id() is not allowed in sluice's SQL"));
  EXPECT_THAT(first.out, HasSubstr("the function sqlite_compileoption_get() is not allowed in sluice's SQL"));
  EXPECT_FALSE(ws.HasTable("leak_table"));
  EXPECT_EQ(RelationKindOf(ws, "leak_view"), "");
  EXPECT_EQ(ws.Count("fine"), 1);
  EXPECT_EQ(ws.Count("leak_incremental"), 1);  // built the first time, without the function

  const RunResult second = Models(ws, {"run", "--select", "leak_incremental"});
  EXPECT_EQ(second.exit_code, 1) << second.Describe();
  EXPECT_THAT(second.out, HasSubstr("the function sqlite_source_id() is not allowed in sluice's SQL"));
  EXPECT_EQ(ws.Count("SELECT count(*) FROM leak_incremental WHERE id = 'first'"), 1);
}

// A model named like one of sluice's tables is refused when the project is
// compiled (ModelsBuild.AModelOrSeedNamedLikeSluicesOwnTableIsRefusedAndNothingIsReplaced);
// what SQLite itself holds to is that a model's SQL is one SELECT.
TEST(SqliteHardening, AModelHoldingASecondStatementChangesNothing) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"models/good.sql", "{{ config(materialized='table') }}\nselect 1 as x\n"},
                    {"models/two.sql",
                     "{{ config(materialized='table') }}\nselect * from {{ ref('good') }}; drop table good\n"}});
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I1", "2026-01-01T10:00:00Z", {{"E1", 5}})}));
  const RunResult r = Models(ws, {"run"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("a model's SQL must be one SELECT"));
  EXPECT_EQ(ws.Count("good"), 1);
  EXPECT_FALSE(ws.HasTable("two"));
}

}  // namespace
}  // namespace sluice::testing
