// What the suites need to run against the PostgreSQL backend as well as the
// embedded SQLite one (backends/postgres_test_warehouse.h uses it), and what
// the PostgreSQL suites need of a server: the throwaway cluster, the
// warehouse section a workspace's sluice.yaml gets, and results read through
// libpq as the same Cells the SQLite reader produces, so that one assertion
// holds on both backends.
//
// CTest sets $SLUICE_TEST_PG_DIR (the folder of the `pg` fixture's cluster,
// whose `dsn` file names the server) for the `/pg` variants of the suites
// and for those that read a PostgreSQL source; $SLUICE_TEST_PG_DSN, when
// set, names a server directly (src/testing/pg_test_cluster.h).
//
// How PostgreSQL values become Cells (PgCell): the SQLite backend stores
// decimals as REAL, timestamps as fixed-width text and booleans as 0/1, so
//   int2, int4, int8, oid              -> SQLITE_INTEGER
//   bool                               -> SQLITE_INTEGER 1 / 0
//   float4, float8, numeric(p,s)       -> SQLITE_FLOAT; .text as sqlite3_column_text renders that double
//                                         (100.0, 12.5, 0.13: SQLite's own renderer, SqliteRealText)
//   numeric without (p,s), integral    -> SQLITE_INTEGER: what sum(bigint) returns, where SQLite's sum
//                                         of integers is an integer (a literal 5.0 stays a float)
//   timestamp, timestamptz (in UTC)    -> SQLITE_TEXT "YYYY-MM-DD HH:MM:SS.ffffff" (FormatTimestampTo's form)
//   date                               -> SQLITE_TEXT "YYYY-MM-DD"
//   json, jsonb                        -> SQLITE_TEXT, minified (jsonb's own key order and number spelling)
//   bytea                              -> SQLITE_BLOB, the bytes
//   text, varchar, char, name, others  -> SQLITE_TEXT, PostgreSQL's text output
//   NULL                               -> SQLITE_NULL
// Nothing here is thread-safe unless it says so.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli_harness.h"
#include "testing/pg_test_cluster.h"  // PgDsn, UniqueSchemaName

typedef struct pg_conn PGconn;

namespace sluice::testing {

// scripts/pg-cluster.sh in the source tree.
std::string PgClusterScript();
// Restarts the cluster in `dir` (scripts/pg-cluster.sh restart DIR MODE;
// MODE fast, smart or immediate). The shared fixture cluster is
// $SLUICE_TEST_PG_DIR: restarting it disturbs every /pg test running beside,
// so a test that restarts the server should use a PgCluster of its own.
RunResult RestartPgCluster(const std::string& dir, const std::string& mode = "fast");

// A private throwaway cluster for one test (e.g. one that restarts or stops
// the server), started in a temporary folder and removed with it.
class PgCluster {
 public:
  PgCluster();   // throws if it cannot start (the script's output in the message)
  ~PgCluster();  // stops it and removes the folder
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  const std::string& dir() const { return dir_; }
  const std::string& dsn() const { return dsn_; }
  RunResult Restart(const std::string& mode = "fast") const { return RestartPgCluster(dir_, mode); }
  RunResult Stop() const;   // stops the server, keeps the data (pg_ctl stop)
  RunResult Start() const;  // starts it again on the same port

 private:
  TempDir parent_;
  std::string dir_, dsn_;
};

// One libpq connection in the session settings the harness reads with:
// search_path = `schema` (when given), TimeZone UTC, DateStyle ISO,
// read-only transactions by default (as the SQLite reader opens read-only),
// lock_timeout 30 s (as the SQLite reader's busy timeout). A query that fails
// because the connection broke (the server restarted) is retried once on a
// fresh connection.
class PgConnection {
 public:
  PgConnection(const std::string& dsn, const std::string& schema, bool read_only = true);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // One statement; its rows as Cells (PgCell). Throws std::runtime_error
  // with the statement and the server's message.
  std::vector<Row> Query(const std::string& sql);
  // Statements without results, several allowed; throws like Query.
  void Exec(const std::string& sql);

 private:
  void Connect();
  PGconn* conn_ = nullptr;
  std::string dsn_, schema_;
  bool read_only_;
};

// The type OIDs PgCell knows (pg_type.oid, stable across versions).
namespace pg_oid {
inline constexpr unsigned kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kJson = 114,
                          kFloat4 = 700, kFloat8 = 701, kDate = 1082, kTimestamp = 1114, kTimestampTz = 1184,
                          kNumeric = 1700, kJsonb = 3802;
}

// One value in PostgreSQL's text output format (with DateStyle ISO and
// TimeZone UTC) as the Cell the SQLite backend would give (see above);
// `type_modifier` is PQfmod's (-1: none, e.g. numeric without (p,s)).
Cell PgCell(std::string_view text, bool is_null, unsigned type_oid, int type_modifier = -1);
// How SQLite renders the REAL `value` as text (sqlite3_column_text).
std::string SqliteRealText(double value);
// "2026-01-01 10:00:00.25" or "…+00" -> "2026-01-01 10:00:00.250000".
std::string SqliteTimestampText(std::string_view pg_text);
// JSON text without whitespace outside strings.
std::string MinifyJson(std::string_view json);

// `yaml` with its warehouse section pointing at PostgreSQL (backend
// postgres, `dsn`, `schema`), keeping every other line where it is (config
// errors name lines): a top-level `warehouse:` block becomes a flow mapping
// over the same lines; backend, dsn and schema are replaced, other keys kept.
// Without one, the section is appended.
std::string WithPostgresWarehouse(const std::string& yaml, const std::string& dsn, const std::string& schema);
// The same for any backend: `ours` ("backend: x, key: value") replaces the
// `replaced` keys of the section, other keys are kept.
std::string WithWarehouseSection(const std::string& yaml, const std::string& ours,
                                 const std::vector<std::string>& replaced);
std::string QuotePgIdent(std::string_view name);
std::string QuotePgLiteral(std::string_view text);

}  // namespace sluice::testing
