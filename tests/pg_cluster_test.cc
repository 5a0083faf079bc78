// The PostgreSQL test infrastructure, without sluice's backend: the fixture's
// cluster answers with the settings the suites rely on, a schema comes and
// goes, values read back through libpq are the Cells the SQLite backend's
// values read back as, sluice.yaml gets its warehouse section without moving
// lines, a Workspace lives in a schema of its own, and a private cluster
// restarts, stops and starts, keeping its port while it is down.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "cli_harness.h"
#include "test_warehouse.h"
#include "pg_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

int64_t CountSchemas(PgConnection& db, const std::string& name) {
  return db.Query("SELECT count(*) FROM pg_namespace WHERE nspname = " + QuotePgLiteral(name)).at(0).at(0).integer;
}

TEST(PgCluster, TheFixtureClusterHasTheSettingsTheSuitesRelyOn) {
  ASSERT_EQ(CurrentTestBackend().name, "postgres") << "run through CTest: this suite is registered for postgres only";
  const std::string dsn = PgDsn();
  EXPECT_THAT(dsn, ::testing::MatchesRegex("postgresql://postgres@127\\.0\\.0\\.1:[0-9]+/postgres"));
  PgConnection db(dsn, "");
  std::vector<std::string> settings;
  for (const auto& row : db.Query("SELECT name || '=' || setting FROM pg_settings WHERE name IN ('server_encoding', "
                                  "'lc_collate', 'listen_addresses', 'fsync', 'synchronous_commit') ORDER BY name"))
    settings.push_back(row[0].text);
  EXPECT_THAT(settings, ElementsAre("fsync=off", "lc_collate=C", "listen_addresses=127.0.0.1", "server_encoding=UTF8",
                                    "synchronous_commit=on"));
  EXPECT_GE(std::stoi(db.Query("SHOW max_connections").at(0).at(0).text), 200);
  // Text sorts by bytes, as in SQLite: upper case before lower case.
  std::vector<std::string> sorted;
  for (const auto& row : db.Query("SELECT x FROM (VALUES ('b'), ('B'), ('a'), ('_')) v(x) ORDER BY x"))
    sorted.push_back(row[0].text);
  EXPECT_THAT(sorted, ElementsAre("B", "_", "a", "b"));
}

TEST(PgCluster, ASchemaIsCreatedUsedThroughSearchPathAndDroppedWithEverythingInIt) {
  const std::string schema = UniqueSchemaName();
  PgConnection admin(PgDsn(), "", /*read_only=*/false);
  admin.Exec("CREATE SCHEMA " + QuotePgIdent(schema) + "; CREATE TABLE " + QuotePgIdent(schema) +
             ".t (k text PRIMARY KEY, n bigint); INSERT INTO " + QuotePgIdent(schema) + ".t VALUES ('a', 1), ('b', 2)");
  EXPECT_EQ(CountSchemas(admin, schema), 1);
  PgConnection reader(PgDsn(), schema);
  EXPECT_EQ(reader.Query("SELECT sum(n) FROM t").at(0).at(0).text, "3");
  // The reader is read-only, as the SQLite reader is.
  EXPECT_THAT([&] { reader.Query("DELETE FROM t"); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("read-only transaction")));
  admin.Exec("DROP SCHEMA " + QuotePgIdent(schema) + " CASCADE");
  EXPECT_EQ(CountSchemas(admin, schema), 0);
  EXPECT_THROW(reader.Query("SELECT * FROM t"), std::runtime_error);
}

// The same values as the SQLite backend stores them (decimals as REAL bound
// from the rounded decimal, timestamps as fixed-width text, booleans as 0/1,
// json as minified text) and as PostgreSQL stores them in native types read
// back as equal Cells, text included.
TEST(PgCluster, PostgresValuesReadBackAsTheSqliteBackendsCells) {
  struct Case {
    std::string pg;  // a PostgreSQL expression
    std::function<void(sqlite3_stmt*, int)> bind;  // the SQLite backend's value
  };
  const auto real = [](double v) { return [v](sqlite3_stmt* s, int i) { sqlite3_bind_double(s, i, v); }; };
  const auto integer = [](int64_t v) { return [v](sqlite3_stmt* s, int i) { sqlite3_bind_int64(s, i, v); }; };
  const auto text = [](std::string v) {
    return [v](sqlite3_stmt* s, int i) { sqlite3_bind_text(s, i, v.c_str(), -1, SQLITE_TRANSIENT); };
  };
  const auto null = [](sqlite3_stmt* s, int i) { sqlite3_bind_null(s, i); };
  const std::vector<Case> cases = {
      {"12.50::numeric(9,2)", real(12.5)},
      {"100::numeric(9,2)", real(100)},
      {"0.13::numeric(9,2)", real(0.13)},
      {"-0.13::numeric(9,2)", real(-0.13)},
      {"0.00::numeric(9,2)", real(0)},
      {"1234567.89::numeric(9,2)", real(1234567.89)},
      {"0.1::numeric(38,10)", real(0.1)},
      {"123456789012345678::numeric(38,0)", real(123456789012345678.0)},
      {"1.5::float8", real(1.5)},
      {"0.1::float8", real(0.1)},
      {"1e300::float8", real(1e300)},
      {"42::int2", integer(42)},
      {"-7::int4", integer(-7)},
      {"9007199254740993::int8", integer(9007199254740993)},
      {"true", integer(1)},
      {"false", integer(0)},
      {"NULL::numeric", null},
      {"NULL::timestamp", null},
      {"'ThisIsLongerThan'::varchar(16)", text("ThisIsLongerThan")},
      {"'é ☃'::text", text("é ☃")},
      {"'2026-01-01 11:00:00'::timestamp", text("2026-01-01 11:00:00.000000")},
      {"'2026-11-20 14:03:11.25'::timestamp", text("2026-11-20 14:03:11.250000")},
      {"'2026-11-20 10:00:00.000001'::timestamp", text("2026-11-20 10:00:00.000001")},
      {"'0001-01-01 00:00:00'::timestamp", text("0001-01-01 00:00:00.000000")},
      {"'9999-12-31 23:59:59.999999'::timestamp", text("9999-12-31 23:59:59.999999")},
      {"'2026-11-20 09:05:00-05'::timestamptz", text("2026-11-20 14:05:00.000000")},
      {"'2024-02-29'::date", text("2024-02-29")},
      {R"('{"a": [1, 2], "s": "x y"}'::jsonb)", text(R"({"a":[1,2],"s":"x y"})")},
      {R"('{"q": "say \"hi\" {a: b}"}'::json)", text(R"({"q":"say \"hi\" {a: b}"})")},
  };

  TempDir tmp("sluice-cells");
  const std::string db_path = tmp.path() + "/cells.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  std::string create = "CREATE TABLE t (", insert = "INSERT INTO t VALUES (", pg = "SELECT ";
  for (size_t i = 0; i < cases.size(); ++i) {
    // Column types as SqliteDialect::TypeName writes them: the affinity decides what is stored.
    const std::string type = cases[i].pg.find("numeric") != std::string::npos ? "REAL"
                             : cases[i].pg.find("float") != std::string::npos ? "DOUBLE"
                             : cases[i].pg.find("int") != std::string::npos   ? "BIGINT"
                             : cases[i].pg.find("time") != std::string::npos  ? "TIMESTAMP"
                             : cases[i].pg.find("date") != std::string::npos  ? "DATE"
                             : cases[i].pg == "true" || cases[i].pg == "false" ? "BOOLEAN"
                                                                               : "TEXT";
    create += fmt::format("{}c{} {}", i ? ", " : "", i, type);
    insert += fmt::format("{}?{}", i ? ", " : "", i + 1);
    pg += fmt::format("{}{}", i ? ", " : "", cases[i].pg);
  }
  ASSERT_EQ(sqlite3_exec(db, (create + ")").c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, (insert + ")").c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  for (size_t i = 0; i < cases.size(); ++i) cases[i].bind(stmt, static_cast<int>(i + 1));
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);

  const Row from_sqlite = QueryDb(db_path, "SELECT * FROM t").at(0);
  PgConnection postgres(PgDsn(), "");
  const Row from_postgres = postgres.Query(pg).at(0);
  ASSERT_EQ(from_sqlite.size(), cases.size());
  ASSERT_EQ(from_postgres.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const Cell& s = from_sqlite[i];
    const Cell& p = from_postgres[i];
    EXPECT_EQ(p.type, s.type) << cases[i].pg;
    EXPECT_EQ(p, s) << cases[i].pg << ": postgres " << p.text << ", sqlite " << s.text;
    EXPECT_EQ(p.text, s.text) << cases[i].pg;
  }
  EXPECT_EQ(ToString(from_postgres), ToString(from_sqlite));
}

TEST(PgCluster, ConversionsOfTextOutput) {
  EXPECT_EQ(SqliteTimestampText("2026-01-01 10:00:00"), "2026-01-01 10:00:00.000000");
  EXPECT_EQ(SqliteTimestampText("2026-01-01 10:00:00.5+00"), "2026-01-01 10:00:00.500000");
  EXPECT_EQ(SqliteTimestampText("infinity"), "infinity");
  EXPECT_THROW(SqliteTimestampText("2026-01-01 10:00:00+01"), std::runtime_error);
  EXPECT_EQ(MinifyJson("{\"a\": [1, 2],\n \"b\\\" c\": \"d e\"}"), "{\"a\":[1,2],\"b\\\" c\":\"d e\"}");
  EXPECT_EQ(SqliteRealText(100), "100.0");
  EXPECT_EQ(SqliteRealText(12.5), "12.5");
  EXPECT_EQ(PgCell("NaN", false, pg_oid::kNumeric).type, SQLITE_FLOAT);
  EXPECT_TRUE(std::isnan(PgCell("NaN", false, pg_oid::kNumeric).real));
  EXPECT_EQ(PgCell("\\x00ff", false, pg_oid::kBytea).text, std::string("\x00\xff", 2));
  EXPECT_TRUE(PgCell("", true, pg_oid::kInt8).is_null());
  // sum(bigint) is an unconstrained numeric; a numeric(p,s) column is a decimal.
  EXPECT_EQ(PgCell("3", false, pg_oid::kNumeric).type, SQLITE_INTEGER);
  EXPECT_EQ(PgCell("3", false, pg_oid::kNumeric).integer, 3);
  EXPECT_EQ(PgCell("3.0", false, pg_oid::kNumeric).type, SQLITE_FLOAT);
  EXPECT_EQ(PgCell("3", false, pg_oid::kNumeric, /*numeric(9,0)*/ (9 << 16 | 0) + 4).type, SQLITE_FLOAT);
}

// Line numbers matter: config errors are reported as FILE:LINE:COLUMN.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (char c : text) {
    if (c == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

void ExpectPostgresWarehouse(const std::string& yaml, const std::string& readonly_role = "") {
  const YAML::Node doc = YAML::Load(yaml);
  EXPECT_EQ(doc["warehouse"]["backend"].as<std::string>(), "postgres") << yaml;
  EXPECT_EQ(doc["warehouse"]["dsn"].as<std::string>(), "postgresql://postgres@127.0.0.1:5/postgres") << yaml;
  EXPECT_EQ(doc["warehouse"]["schema"].as<std::string>(), "w_1_2_abcd") << yaml;
  if (!readonly_role.empty()) {
    EXPECT_EQ(doc["warehouse"]["readonly_role"].as<std::string>(), readonly_role) << yaml;
  }
}

TEST(PgCluster, TheWarehouseSectionIsRewrittenWithoutMovingLines) {
  const std::string dsn = "postgresql://postgres@127.0.0.1:5/postgres", schema = "w_1_2_abcd";
  const std::string accounting = AccountingConfigYaml();
  const std::string rewritten = WithPostgresWarehouse(accounting, dsn, schema);
  ExpectPostgresWarehouse(rewritten);
  const auto before = Lines(accounting), after = Lines(rewritten);
  ASSERT_EQ(before.size(), after.size()) << rewritten;
  for (size_t i = 0; i < before.size(); ++i)
    if (before[i].rfind("events:", 0) == 0 || before[i].find("columns:") != std::string::npos) {
      EXPECT_EQ(after[i], before[i]) << "line " << i + 1;
    }
  EXPECT_EQ(YAML::Load(rewritten)["events"]["Accounting"]["table"].as<std::string>(), "accounting");

  const std::string with_role = "data_dir: data\nwarehouse:\n  backend: sqlite   # here\n\n  readonly_role: analysts\n"
                                "events: {}\n";
  const std::string role_rewritten = WithPostgresWarehouse(with_role, dsn, schema);
  ExpectPostgresWarehouse(role_rewritten, "analysts");
  EXPECT_EQ(Lines(role_rewritten).size(), Lines(with_role).size()) << role_rewritten;
  EXPECT_EQ(Lines(role_rewritten)[5], "events: {}");

  const std::string none = "data_dir: data\nevents: {}";
  ExpectPostgresWarehouse(WithPostgresWarehouse(none, dsn, schema));
  EXPECT_EQ(WithPostgresWarehouse(none, dsn, schema).rfind(none + "\n", 0), 0u);
  ExpectPostgresWarehouse(WithPostgresWarehouse("warehouse: {backend: sqlite}  # inline\nevents: {}\n", dsn, schema));
  ExpectPostgresWarehouse(WithPostgresWarehouse("", dsn, schema));
}

TEST(PgCluster, AWorkspaceLivesInItsOwnSchemaThatSluiceAcceptsAndThatIsDroppedAfterIt) {
  PgConnection admin(PgDsn(), "", /*read_only=*/false);
  std::string schema;
  {
    Workspace ws;
    ASSERT_TRUE(ws.on_postgres());
    schema = ws.pg_schema();
    EXPECT_THAT(schema, ::testing::MatchesRegex("w_[0-9]+_[0-9]+_[0-9a-f]{4}"));
    const YAML::Node config = YAML::LoadFile(ws.config_path());
    EXPECT_EQ(config["warehouse"]["schema"].as<std::string>(), schema);
    EXPECT_EQ(config["warehouse"]["dsn"].as<std::string>(), PgDsn());
    // sluice parses and validates it (ddl only prints: it needs no warehouse).
    const RunResult ddl = ws.Sluice({"ddl"});
    EXPECT_RUN_OK(ddl);

    EXPECT_THROW(ws.Query("SELECT 1 FROM accounting"), std::runtime_error);  // nothing created yet
    EXPECT_FALSE(ws.HasTable("accounting"));
    admin.Exec("CREATE SCHEMA " + QuotePgIdent(schema) + "; CREATE TABLE " + QuotePgIdent(schema) +
               ".accounting (eventitemid varchar(64), entryidentifier varchar(64), amount numeric(9,2), "
               "PRIMARY KEY (eventitemid, entryidentifier)); INSERT INTO " + QuotePgIdent(schema) +
               ".accounting VALUES ('I2', 'E1', 2), ('I1', 'E2', 12.50), ('I1', 'E1', NULL)");
    EXPECT_TRUE(ws.HasTable("accounting"));
    EXPECT_THAT(ws.Columns("accounting"), ElementsAre("eventitemid", "entryidentifier", "amount"));
    EXPECT_THAT(ws.FinalRows(), ElementsAre("I1|E1|NULL", "I1|E2|12.5", "I2|E1|2"));
    EXPECT_EQ(ws.Count("accounting"), 3);
    EXPECT_GT(ws.WarehouseWriteBytes(), 0);

    // A second workspace can share the schema (two processes, one warehouse).
    Workspace beside(AccountingConfigYaml(), WorkspaceOptions{.pg_dsn = "", .pg_schema = schema});
    EXPECT_EQ(beside.Count("accounting"), 3);
  }
  EXPECT_EQ(CountSchemas(admin, schema), 0) << "the workspace's schema outlived it";
}

TEST(PgCluster, APrivateClusterRestartsStopsAndStartsAndReadersReconnect) {
  PgCluster cluster;
  PgConnection db(cluster.dsn(), "");
  EXPECT_EQ(db.Query("SELECT 1").at(0).at(0).integer, 1);
  for (const std::string mode : {"fast", "immediate"}) {
    const RunResult r = cluster.Restart(mode);
    ASSERT_RUN_OK(r);
    EXPECT_EQ(db.Query("SELECT 2").at(0).at(0).integer, 2) << "after a " << mode << " restart";
  }
  ASSERT_RUN_OK(cluster.Stop());
  EXPECT_THROW(db.Query("SELECT 3"), std::runtime_error);
  ASSERT_RUN_OK(cluster.Start());
  EXPECT_EQ(db.Query("SELECT 4").at(0).at(0).integer, 4);
}

// A cluster that is down (a test's outage) listens on nothing, yet keeps its
// port: a cluster another test starts meanwhile must not take it, or `up`
// fails with "address in use" (seen in CI with a broker's port). Stopping it
// frees the port. The second cluster may only use the first one's port.
TEST(PgCluster, AClusterThatIsDownKeepsItsPortUntilItIsStopped) {
  std::optional<PgCluster> first(std::in_place);
  const std::string port = std::to_string(std::stoi(ReadFile(first->dir() + "/port")));
  ASSERT_RUN_OK(first->Stop());

  TempDir parent("sluice-pg");
  ::chmod(parent.path().c_str(), 0755);  // for the postgres user, as PgCluster does
  const std::string second = parent.path() + "/cluster";
  struct StopAtExit {
    std::string dir;
    ~StopAtExit() { RunProcess({PgClusterScript(), "stop", dir}); }
  } stop_second{second};
  RunOptions only_that_port;
  only_that_port.env = {{"SLUICE_TEST_PORT_RANGE", port + "-" + port}};

  RunResult r = RunProcess({PgClusterScript(), "start", second}, only_that_port);
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr(fmt::format("no free loopback port between {} and {}", port, port))) << r.Describe();
  ASSERT_RUN_OK(first->Start());
  EXPECT_EQ(PgConnection(first->dsn(), "").Query("SELECT 1").at(0).at(0).integer, 1);

  first.reset();
  r = RunProcess({PgClusterScript(), "start", second}, only_that_port);
  ASSERT_RUN_OK(r);
  EXPECT_EQ(std::to_string(std::stoi(ReadFile(second + "/port"))), port);
}

}  // namespace
}  // namespace sluice::testing
