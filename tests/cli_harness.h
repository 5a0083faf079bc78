// What the end-to-end and crash suites share: a temporary workspace with a
// sluice.yaml and input files, the real `sluice` binary run in it, and the
// warehouse read back through the backend this test process runs against
// (test_warehouse.h: $SLUICE_TEST_BACKEND, each backend's reader in
// tests/backends/, read back alike). The generic parts (temporary
// folders, files, compression, child processes with a deadline, where the
// binary and the repository are) come from the test-support library in
// src/testing/ and are included here, so that a suite includes this one
// header.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "base/poll_until.h"  // PollUntil: how the suites wait
#include "testing/child_process.h"
#include "testing/compression.h"
#include "testing/files.h"
#include "testing/source_tree.h"
#include "testing/temp_dir.h"

namespace sluice::testing {

// The Accounting catalog of examples/accounting/sluice.yaml.
std::string AccountingConfigYaml();

// One cell read back from SQLite.
struct Cell {
  int type = 0;  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL
  std::string text;
  double real = 0;
  int64_t integer = 0;
  bool is_null() const;
  bool operator==(const Cell& o) const;
};
using Row = std::vector<Cell>;
std::string ToString(const Row& row);

// Runs `sql` on the SQLite file at `db_path` (read-only connection), with
// the databases of `attach` (schema name, path) attached first.
std::vector<Row> QueryDb(const std::string& db_path, const std::string& sql,
                         const std::vector<std::pair<std::string, std::string>>& attach = {});

// Where a Workspace's warehouse lives.
struct WorkspaceOptions {
  bool sqlite = false;    // the embedded default even in a run for another backend (to compare the two)
  // On PostgreSQL:
  std::string pg_dsn;     // default: PgDsn(), the fixture's cluster
  std::string pg_schema;  // a schema shared with another workspace (not dropped by this one);
                          // default: a fresh one, dropped with this workspace
};

class TestWarehouse;  // test_warehouse.h

// A temporary folder holding sluice.yaml (data_dir: data) and input files,
// and its warehouse on the backend this test process runs against
// (test_warehouse.h): sluice.yaml always points at it (SetConfig has the
// backend rewrite the warehouse section, keeping line numbers), and it goes
// with the workspace. Query may be called from several threads.
class Workspace {
 public:
  explicit Workspace(const std::string& config_yaml = AccountingConfigYaml(), WorkspaceOptions options = {});
  ~Workspace();

  const std::string& dir() const { return dir_.path(); }
  std::string config_path() const { return dir() + "/sluice.yaml"; }
  std::string data_dir() const { return dir() + "/data"; }
  std::string db_path() const { return data_dir() + "/warehouse.db"; }  // SQLite only
  std::string landing_dir() const { return data_dir() + "/landing"; }
  void SetConfig(const std::string& yaml) const;

  // The backend's name, as sluice.yaml spells it; for tests of what one backend does differently.
  std::string backend() const;
  bool on_postgres() const { return backend() == "postgres"; }
  bool on_clickhouse() const { return backend() == "clickhouse"; }
  // The server and schema of a PostgreSQL workspace; empty on another backend.
  std::string pg_dsn() const;
  std::string pg_schema() const;

  // Writes an input file under in/ and returns its path.
  std::string WriteInput(const std::string& name, std::string_view content) const;
  std::string WriteLines(const std::string& name, const std::vector<std::string>& lines) const;

  // `sluice -c <config> args...`
  RunResult Sluice(const std::vector<std::string>& args, RunOptions options = {}) const;
  RunResult Load(const std::vector<std::string>& files) const;
  RunResult Merge() const;

  // One read-only statement on the warehouse. Throws std::runtime_error
  // (also when the warehouse or the table does not exist yet).
  std::vector<Row> Query(const std::string& sql) const;
  // Statements that change the warehouse behind sluice's back (TestWarehouse::Exec).
  void Exec(const std::string& sql) const;
  int64_t Count(const std::string& table_or_query) const;  // count(*) of a table, or a query's first integer
  // On ClickHouse, where ALTER TABLE … UPDATE/DELETE are mutations that finish
  // after the statement returns: waits (polling, with a deadline; throws
  // std::runtime_error past it) until the workspace database has none
  // running. A no-op on the other backends, whose writes are done on return.
  void AwaitMutations() const;
  // The final table as text rows ("NULL" for NULL), ordered by its key.
  std::vector<std::string> FinalRows(const std::string& columns = "*") const;

  // Backend-neutral looks at the catalog, for what tests would otherwise
  // ask sqlite_master or pragma_table_info.
  std::vector<std::string> Columns(const std::string& table) const;  // in table order; empty if no such table
  bool HasTable(const std::string& name) const;
  // A measure of what writers have put into the warehouse, committed or not,
  // that grows while a long load runs: the SQLite WAL file's size (-1 before
  // there is one); on PostgreSQL the on-disk size of the workspace schema's
  // tables and indexes (an open transaction's rows count too).
  int64_t WarehouseWriteBytes() const;

 private:
  TempDir dir_;
  std::unique_ptr<TestWarehouse> warehouse_;
};

// Counts printed by `sluice merge` for the Accounting type.
struct MergeLine {
  int64_t staging_rows = -1, inserted = -1, updated = -1, stale = -1, filtered = -1, rejected = -1;
};
std::optional<MergeLine> ParseMergeLine(const std::string& out, const std::string& type = "Accounting");

// One Accounting event as an NDJSON line. Arguments are JSON texts, so that
// tests can pass null, numbers or invalid values; an empty `entry_list`
// leaves EntryList out, and `extra` is appended to the top-level fields.
std::string AccountingEvent(const std::string& item_id, const std::string& version, const std::string& entry_list,
                            const std::string& extra = "");
// `events` Accounting events of ~900 bytes, two entries each, keys repeating
// every 250k events, every 997th with a bad amount; every `bad_line_every`-th
// line (0: none) is not JSON.
std::string LargeAccountingFile(int events, int bad_line_every);

// One EntryList element; `extra` is appended to its fields.
std::string Entry(const std::string& entry_id, const std::string& amount, const std::string& extra = "");
std::string Quote(const std::string& text);  // a JSON string literal (no escaping beyond \" and \\)

// Fails the current test (non-fatally) unless `result` exited 0.
#define EXPECT_RUN_OK(result) EXPECT_EQ((result).exit_code, 0) << (result).Describe()
#define ASSERT_RUN_OK(result) ASSERT_EQ((result).exit_code, 0) << (result).Describe()

}  // namespace sluice::testing
