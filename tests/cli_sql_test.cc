// `sluice sql`, `sluice status` and `sluice ddl` through the CLI: output
// formats, read-only by default, and what status and ddl report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <simdjson.h>
#include <sqlite3.h>

#include <filesystem>

#include "cli_harness.h"
#include "test_warehouse.h"
#include "testing/files.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The newline is written into the literal (char(10) is SQLite's, chr(10) PostgreSQL's).
constexpr const char* kAwkwardRow =
    "SELECT 'a,b' AS x, 'say \"hi\"' AS y, '' AS z, NULL AS n, 42 AS i, 2.5 AS r, 'line1\nline2' AS nl, "
    "'plain' AS p, 5.0 AS whole, -7 AS neg";

// A workspace with a few merged rows and one merge error.
void Populate(const Workspace& ws) {
  const std::string file = ws.WriteLines(
      "a.ndjson", {AccountingEvent(R"("I1")", R"("2026-01-01T10:00:00Z")",
                                   "[" + Entry(R"("E1")", "1.5") + "," + Entry(R"("E2")", R"("x")") + "]"),
                   AccountingEvent(R"("I2")", R"("2026-01-01T10:00:00Z")", "[" + Entry(R"("E1")", "2") + "]"),
                   "not json"});
  ASSERT_RUN_OK(ws.Load({file}));
}

TEST(SqlCli, CsvHasAHeaderQuotesPerRfc4180EndsLinesWithCrlfAndTellsNullFromEmpty) {
  Workspace ws;
  const RunResult r = ws.Sluice({"sql", "--format", "csv", kAwkwardRow});
  ASSERT_RUN_OK(r);
  EXPECT_EQ(r.out,
            "x,y,z,n,i,r,nl,p,whole,neg\r\n"
            "\"a,b\",\"say \"\"hi\"\"\",\"\",,42,2.5,\"line1\nline2\",plain,5.0,-7\r\n");
}

// The UNION ALLs are ordered: ClickHouse runs their parts in parallel.
TEST(SqlCli, CsvQuotesColumnNamesThatNeedIt) {
  Workspace ws;
  const RunResult r = ws.Sluice({"sql", "-f", "csv", "SELECT * FROM (SELECT 1 AS \"a,b\", 2 AS \"q\"\"x\" UNION ALL SELECT 3, 4) AS t "
                                                 "ORDER BY \"a,b\""});
  ASSERT_RUN_OK(r);
  EXPECT_EQ(r.out, "\"a,b\",\"q\"\"x\"\r\n1,2\r\n3,4\r\n");
}

TEST(SqlCli, JsonKeepsNumbersUnquotedNullAsNullAndEscapesStrings) {
  Workspace ws;
  const RunResult r = ws.Sluice({"sql", "--format", "json", std::string(kAwkwardRow) + ", '\x01' AS ctl"});
  ASSERT_RUN_OK(r);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(r.out).get(doc), simdjson::SUCCESS) << r.out;
  simdjson::dom::array rows;
  ASSERT_EQ(doc.get_array().get(rows), simdjson::SUCCESS) << r.out;
  ASSERT_EQ(rows.size(), 1u);
  simdjson::dom::object row = rows.at(0).get_object().value();
  EXPECT_EQ(std::string_view(row["x"].get_string().value()), "a,b");
  EXPECT_EQ(std::string_view(row["y"].get_string().value()), "say \"hi\"");
  EXPECT_EQ(std::string_view(row["z"].get_string().value()), "");
  EXPECT_TRUE(row["n"].is_null());
  EXPECT_EQ(row["i"].value().type(), simdjson::dom::element_type::INT64);
  EXPECT_EQ(int64_t(row["i"].get_int64().value()), 42);
  EXPECT_EQ(row["r"].value().type(), simdjson::dom::element_type::DOUBLE);
  EXPECT_EQ(double(row["r"].get_double().value()), 2.5);
  EXPECT_EQ(row["whole"].value().type(), simdjson::dom::element_type::DOUBLE);
  EXPECT_EQ(std::string_view(row["nl"].get_string().value()), "line1\nline2");
  EXPECT_EQ(std::string_view(row["ctl"].get_string().value()), "\x01");
  EXPECT_EQ(int64_t(row["neg"].get_int64().value()), -7);
}

TEST(SqlCli, JsonOfNoRowsIsAnEmptyArrayAndNdjsonIsOneObjectPerLine) {
  Workspace ws;
  const RunResult empty = ws.Sluice({"sql", "--format", "json", "SELECT 1 AS a WHERE 1 = 0"});
  ASSERT_RUN_OK(empty);
  EXPECT_EQ(empty.out, "[]\n");
  const RunResult lines = ws.Sluice({"sql", "--format", "ndjson", "SELECT * FROM (SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, NULL) AS t ORDER BY a"});
  ASSERT_RUN_OK(lines);
  EXPECT_EQ(lines.out, "{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":null}\n");
}

TEST(SqlCli, JsonStaysValidForRealsOutsideJsonNumbers) {
  Workspace ws;
  // Infinities and NaN, as each backend spells them.
  const std::string sql = ws.on_postgres()     ? "SELECT 'Infinity'::float8 AS big, '-Infinity'::float8 AS small, 'NaN'::float8 AS x"
                          : ws.on_clickhouse() ? "SELECT inf AS big, -inf AS small, nan AS x"
                                               : "SELECT 1e999 AS big, -1e999 AS small, 1e300 * 10 AS x";
  const RunResult r = ws.Sluice({"sql", "--format", "json", sql});
  ASSERT_RUN_OK(r);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(r.out).get(doc), simdjson::SUCCESS) << "not valid JSON:\n" << r.out;
}

TEST(SqlCli, TableFormatShowsNullAndCountsRows) {
  Workspace ws;
  const RunResult r = ws.Sluice({"sql", "SELECT * FROM (SELECT 1 AS a, NULL AS b UNION ALL SELECT 22, 'x') AS t ORDER BY a"});
  ASSERT_RUN_OK(r);
  EXPECT_EQ(r.out, " a  | b\n----+------\n 1  | NULL\n 22 | x\n(2 rows)\n");
}

TEST(SqlCli, StatementsThatWriteAreRefusedWithoutWrite) {
  Workspace ws;
  Populate(ws);
  ASSERT_RUN_OK(ws.Merge());
  const int64_t rows = ws.Count("accounting");
  std::vector<std::string> writes;
  if (ws.on_clickhouse()) {
    // ClickHouse's writes: no UPDATE/DELETE statements (mutations on the
    // rows table behind the view instead), no transactions, no PRAGMA, and
    // CREATE TABLE names an engine.
    writes = {"ALTER TABLE accounting_local DELETE WHERE 1", "ALTER TABLE accounting_local UPDATE amount = 0 WHERE 1",
              "INSERT INTO sluice_streams (staging_table, event_type) VALUES ('x', 'y')",
              "INSERT INTO accounting_local SELECT * FROM accounting_local", "DROP TABLE accounting",
              "TRUNCATE TABLE accounting_local", "CREATE TABLE t (x Int64) ENGINE = Memory",
              "CREATE TABLE t ENGINE = Memory AS SELECT 1 AS x", "ALTER TABLE accounting_local ADD COLUMN z Int64",
              "RENAME TABLE accounting TO gone", "OPTIMIZE TABLE accounting_local FINAL",
              "SELECT 1; ALTER TABLE accounting_local DELETE WHERE 1"};
  } else {
    writes = {"DELETE FROM accounting", "UPDATE accounting SET amount = 0",
              "INSERT INTO sluice_streams (staging_table, event_type) VALUES ('x', 'y')",
              "DROP TABLE accounting", "CREATE TABLE t (x INTEGER)",
              "ALTER TABLE accounting ADD COLUMN z INTEGER", "SELECT 1; DELETE FROM accounting",
              "BEGIN; DELETE FROM accounting; COMMIT",
              "WITH a AS (SELECT 1) DELETE FROM accounting"};
    if (!ws.on_postgres()) writes.push_back("PRAGMA user_version = 5");
  }
  for (const std::string& sql : writes) {
    const RunResult r = ws.Sluice({"sql", sql});
    EXPECT_EQ(r.exit_code, 1) << sql << "\n" << r.Describe();
    EXPECT_THAT(r.err, StartsWith("error: ")) << sql;
    EXPECT_THAT(r.err, HasSubstr("--write")) << sql;
  }
  ws.AwaitMutations();  // had one slipped through
  EXPECT_EQ(ws.Count("accounting"), rows);
  EXPECT_FALSE(ws.HasTable("t"));
  EXPECT_EQ(ws.Count("SELECT count(*) FROM accounting WHERE amount = 0"), 0);
  if (ws.on_clickhouse()) {
    EXPECT_THAT(ws.Columns("accounting_local"), ::testing::Not(::testing::Contains("z")));
    // Neither written twice nor collapsed (a cluster's rows: all its shards').
    const bool cluster = CurrentTestBackend().name == "clickhouse_cluster";
    EXPECT_EQ(ws.Count(cluster ? "accounting_all" : "accounting_local"), rows);
  } else if (!ws.on_postgres()) {
    EXPECT_EQ(ws.Count("PRAGMA user_version"), 0);
  }

  if (CurrentTestBackend().name == "clickhouse_cluster")
    GTEST_SKIP() << "a mutation of a _local table reaches only the server sluice sql talks to, not every shard";
  const RunResult allowed =
      ws.Sluice({"sql", "--write", ws.on_clickhouse() ? "ALTER TABLE accounting_local DELETE WHERE eventitemid = 'I2'"
                                                      : "DELETE FROM accounting WHERE eventitemid = 'I2'"});
  EXPECT_RUN_OK(allowed);
  ws.AwaitMutations();
  EXPECT_EQ(ws.Count("accounting"), rows - 1);
}

// The read-only path is enforced by SQLite (query_only, an authorizer, a
// hardened connection), not by reading the statements: each of these once
// crashed sluice, wrote to the warehouse or created a file.
TEST(SqlCli, HostileSqlIsRefusedBySqliteItselfAndChangesNothing) {
  Workspace ws;
  if (ws.backend() != "sqlite") GTEST_SKIP() << "SQLite's own functions and pragmas";
  Populate(ws);
  ASSERT_RUN_OK(ws.Merge());
  // An attached database with an FTS3 table, whose tokenizer a forged
  // pointer would replace: a jump to 0x4141414141414141.
  const std::string evil = ws.dir() + "/evil.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(evil.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE VIRTUAL TABLE f USING fts3(x); INSERT INTO f VALUES ('hello')", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const std::string before = ReadFile(ws.db_path());

  const std::string crash = fmt::format("ATTACH '{}' AS e; SELECT fts3_tokenizer('simple', X'4141414141414141'); "
                                        "SELECT count(*) FROM e.f WHERE f MATCH 'hello'",
                                        evil);
  for (const bool write : {false, true}) {
    std::vector<std::string> args = {"sql"};
    if (write) args.push_back("--write");
    args.push_back(crash);
    const RunResult r = ws.Sluice(args);
    EXPECT_EQ(r.signal, 0) << r.Describe();
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
  }
  const RunResult tokenizer = ws.Sluice({"sql", "SELECT hex(fts3_tokenizer('simple'))"});  // a code address
  EXPECT_EQ(tokenizer.exit_code, 1) << tokenizer.Describe();
  EXPECT_THAT(tokenizer.err, HasSubstr("fts3_tokenizer() is not allowed"));
  const RunResult extension = ws.Sluice({"sql", "SELECT load_extension('/nonexistent.so')"});
  EXPECT_EQ(extension.exit_code, 1) << extension.Describe();
  EXPECT_THAT(extension.err, HasSubstr("load_extension() is not allowed"));

  const RunResult optimize = ws.Sluice({"sql", "PRAGMA optimize"});  // creates and fills sqlite_stat1
  EXPECT_EQ(optimize.exit_code, 1) << optimize.Describe();
  EXPECT_THAT(optimize.err, HasSubstr("--write"));
  const std::string created = ws.dir() + "/elsewhere/new.db";
  std::filesystem::create_directories(ws.dir() + "/elsewhere");
  for (const bool write : {false, true}) {
    std::vector<std::string> args = {"sql"};
    if (write) args.push_back("--write");
    args.push_back(fmt::format("ATTACH '{}' AS a", created));
    const RunResult attach = ws.Sluice(args);
    EXPECT_EQ(attach.exit_code, 1) << attach.Describe();
  }
  EXPECT_FALSE(std::filesystem::exists(created));
  EXPECT_EQ(ReadFile(ws.db_path()), before) << "the warehouse changed";
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"), 0);

  // What reading needs still works: a table's description, functions.
  const RunResult describe = ws.Sluice({"sql", "PRAGMA table_info('accounting')"});
  EXPECT_RUN_OK(describe);
  const RunResult functions = ws.Sluice({"sql", "SELECT json_extract('{\"a\": 1}', '$.a'), md5('x'), substr('abc', 2)"});
  EXPECT_RUN_OK(functions);
}

TEST(SqlCli, AnInvalidQueryFailsWithExitOne) {
  Workspace ws;
  const RunResult r = ws.Sluice({"sql", "SELEC nothing"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.err, StartsWith("error: "));
  const RunResult bad_format = ws.Sluice({"sql", "--format", "xml", "SELECT 1"});
  EXPECT_EQ(bad_format.exit_code, 2) << bad_format.Describe();
}

TEST(StatusCli, JsonReportsStagedUnmergedFinalRowsErrorsAndTimes) {
  Workspace ws;
  Populate(ws);
  const auto status = [&] {
    const RunResult r = ws.Sluice({"status", "--format", "json"});
    EXPECT_RUN_OK(r);
    return r.out;
  };
  simdjson::dom::parser parser;
  simdjson::dom::element before;
  const std::string before_text = status();
  ASSERT_EQ(parser.parse(before_text).get(before), simdjson::SUCCESS) << before_text;
  simdjson::dom::object e = before["events"].at(0).get_object().value();
  EXPECT_EQ(std::string_view(e["type"].get_string().value()), "Accounting");
  EXPECT_EQ(std::string_view(e["table"].get_string().value()), "accounting");
  EXPECT_EQ(int64_t(e["staged_rows"].get_int64().value()), 2);
  EXPECT_EQ(int64_t(e["unmerged_rows"].get_int64().value()), 2);
  EXPECT_EQ(int64_t(e["final_rows"].get_int64().value()), 0);
  EXPECT_EQ(int64_t(e["load_errors"].get_int64().value()), 1);
  EXPECT_EQ(int64_t(e["merge_errors"].get_int64().value()), 0);
  EXPECT_TRUE(e["last_load"].is_string());
  EXPECT_TRUE(e["last_merge"].is_null());

  ASSERT_RUN_OK(ws.Merge());
  simdjson::dom::parser parser2;
  simdjson::dom::element after;
  const std::string after_text = status();
  ASSERT_EQ(parser2.parse(after_text).get(after), simdjson::SUCCESS) << after_text;
  e = after["events"].at(0).get_object().value();
  EXPECT_EQ(int64_t(e["staged_rows"].get_int64().value()), 2);
  EXPECT_EQ(int64_t(e["unmerged_rows"].get_int64().value()), 0);
  EXPECT_EQ(int64_t(e["final_rows"].get_int64().value()), 2);
  EXPECT_EQ(int64_t(e["merge_errors"].get_int64().value()), 1);
  EXPECT_THAT(std::string(e["last_merge"].get_string().value()),
              ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}"));
}

TEST(DdlCli, SnowflakeDialectPrintsStageTablesPipeStreamAndTasks) {
  Workspace ws;
  const RunResult r = ws.Sluice({"ddl", "--dialect", "snowflake"});
  ASSERT_RUN_OK(r);
  for (const char* object : {"create or replace stage", "create or replace TABLE", "_STG", "create or replace pipe",
                             "create or replace stream", "create or replace task", "_MERGE", "_CLEANUP",
                             "LATERAL FLATTEN", "merge into", "QUALIFY ROW_NUMBER()", "VALUE:Amount::NUMBER(9,2)",
                             "primary key (EVENTITEMID, ENTRYIDENTIFIER)"})
    EXPECT_THAT(r.out, HasSubstr(object));
  // ddl only prints: it creates no warehouse.
  EXPECT_THAT(ListFiles(ws.dir()), ElementsAre("sluice.yaml"));
}

TEST(DdlCli, SqliteDialectPrintsTheTablesSluiceCreates) {
  Workspace ws;
  const RunResult r = ws.Sluice({"ddl"});
  ASSERT_RUN_OK(r);
  for (const char* table : {"sluice_load_history", "sluice_load_errors", "sluice_merge_errors", "sluice_streams",
                            "CREATE TABLE IF NOT EXISTS \"accounting\"", "\"accounting_stg\"",
                            "PRIMARY KEY (\"eventitemid\", \"entryidentifier\")"})
    EXPECT_THAT(r.out, HasSubstr(table));
  const RunResult bad = ws.Sluice({"ddl", "--dialect", "oracle"});
  EXPECT_EQ(bad.exit_code, 2) << bad.Describe();
  EXPECT_THAT(bad.out + bad.err, Not(HasSubstr("CREATE")));
}

TEST(DdlCli, PostgresDialectPrintsNativeTypesInTheConfiguredSchema) {
  Workspace ws;
  const RunResult r = ws.Sluice({"ddl", "--dialect", "postgres"});
  ASSERT_RUN_OK(r);
  const std::string schema = ws.on_postgres() ? ws.pg_schema() : "public";
  for (const std::string& text :
       {"CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"", "\"" + schema + "\".\"sluice_load_history\"",
        "CREATE TABLE IF NOT EXISTS \"" + schema + "\".\"accounting\"", std::string("\"amount\" numeric(9,2)"),
        std::string("\"eventdatetime\" timestamp"), std::string("\"eventitemid\" varchar(64)"),
        std::string("payload jsonb NOT NULL"), std::string("seq bigint GENERATED ALWAYS AS IDENTITY"),
        std::string("PRIMARY KEY (\"eventitemid\", \"entryidentifier\")")})
    EXPECT_THAT(r.out, HasSubstr(text));
  EXPECT_THAT(r.out, Not(HasSubstr("WITHOUT ROWID")));
}

}  // namespace
}  // namespace sluice::testing
