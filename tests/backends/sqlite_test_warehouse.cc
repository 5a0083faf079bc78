#include "backends/sqlite_test_warehouse.h"

#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>

#include "pg_harness.h"  // QuotePgLiteral: SQL string literals are the same in SQLite

namespace sluice::testing {
namespace {

class SqliteTestWarehouse final : public TestWarehouse {
 public:
  explicit SqliteTestWarehouse(std::string db_path) : db_path_(std::move(db_path)) {}

  std::string backend() const override { return "sqlite"; }
  // The embedded warehouse is the default: a config without a warehouse section uses it.
  std::string Configure(const std::string& yaml) const override { return yaml; }
  std::vector<Row> Query(const std::string& sql) const override { return QueryDb(db_path_, sql); }
  void Exec(const std::string& sql) const override {
    CreateParentFolder();
    sqlite3* db = nullptr;
    const int opened = sqlite3_open_v2(db_path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    char* error = nullptr;
    const int rc = opened == SQLITE_OK ? sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) : opened;
    const std::string message = error ? error : db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_free(error);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error(db_path_ + ": " + message);
  }
  std::vector<std::string> Columns(const std::string& table) const override {
    std::vector<std::string> columns;
    for (const auto& row : Query("SELECT name FROM pragma_table_info(" + QuotePgLiteral(table) + ") ORDER BY cid"))
      columns.push_back(row.at(0).text);
    return columns;
  }
  bool HasTable(const std::string& name) const override {
    return Query("SELECT count(*) FROM sqlite_master WHERE name = " + QuotePgLiteral(name)).at(0).at(0).integer > 0;
  }
  int64_t WriteBytes() const override { return FileSize(db_path_ + "-wal"); }

 private:
  void CreateParentFolder() const {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(db_path_).parent_path(), ec);
  }

  std::string db_path_;
};

}  // namespace

std::unique_ptr<TestWarehouse> MakeSqliteTestWarehouse(const std::string& data_dir, const WorkspaceOptions&) {
  return std::make_unique<SqliteTestWarehouse>(data_dir + "/warehouse.db");
}

}  // namespace sluice::testing
