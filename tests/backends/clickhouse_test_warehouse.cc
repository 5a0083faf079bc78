#include "backends/clickhouse_test_warehouse.h"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>
#include <sqlite3.h>

#include "base/poll_until.h"
#include "base/text.h"
#include "pg_harness.h"
#include "testing/pg_test_cluster.h"  // UniqueSchemaName
#include "warehouse/clickhouse/ch_client.h"
#include "warehouse/clickhouse/ch_query.h"
#include "warehouse/clickhouse/ch_tsv.h"

namespace sluice::testing {
namespace {

Cell ChCell(const std::optional<std::string>& text, std::string_view type) {
  Cell c;
  if (!text) {
    c.type = SQLITE_NULL;
    return c;
  }
  while (type.starts_with("Nullable(") || type.starts_with("LowCardinality(")) {
    type.remove_prefix(type.find('(') + 1);
    type.remove_suffix(1);
  }
  if (type.starts_with("Int") || type.starts_with("UInt")) {
    c.type = SQLITE_INTEGER;
    c.integer = std::stoll(*text);
    c.text = std::to_string(c.integer);
  } else if (type.starts_with("Float") || type.starts_with("Decimal")) {
    c.type = SQLITE_FLOAT;
    c.real = std::stod(*text);
    c.text = SqliteRealText(c.real);
  } else {
    c.type = SQLITE_TEXT;
    c.text = *text;
  }
  return c;
}

class ClickHouseTestWarehouse final : public TestWarehouse {
 public:
  ClickHouseTestWarehouse(const std::string& data_dir, bool cluster)
      : url_(ClickHouseUrl()), database_(UniqueSchemaName()), bookkeeping_(data_dir + "/bookkeeping.db"),
        shards_(cluster ? ClickHouseShardUrls() : std::vector<std::string>{}) {}

  ~ClickHouseTestWarehouse() override {
    try {
      Run(fmt::format("DROP DATABASE IF EXISTS {}", ChIdent(database_)), /*in_database=*/false);
      for (size_t i = 1; i < shards_.size(); ++i) {
        auto shard = ClickHouseClient::Make(shards_[i], "");
        if (shard.ok()) (void)(*shard)->Run(fmt::format("DROP DATABASE IF EXISTS {}", ChIdent(database_)));
      }
    } catch (const std::exception& e) {
      // The server is thrown away after the run; a database left behind only costs space.
      fmt::print(stderr, "warning: could not drop database {}: {}\n", database_, e.what());
    }
  }

  std::string backend() const override { return "clickhouse"; }

  std::string Configure(const std::string& yaml) const override {
    std::string ours = fmt::format("backend: clickhouse, url: '{}', database: {}", url_, database_);
    if (!shards_.empty()) ours += fmt::format(", cluster: events, shards: ['{}']", Join(shards_, "', '"));
    return WithWarehouseSection(yaml, ours,
                                {"backend", "url", "database", "cluster", "shards", "dsn", "schema", "readonly_role"});
  }

  std::vector<Row> Query(const std::string& sql) const override {
    if (NamesBookkeepingTable(sql)) return QueryDb(bookkeeping_, sql);
    const std::string out = Run(sql, true, {{"default_format", "TabSeparatedWithNamesAndTypes"}, {"readonly", "1"}});
    const auto rows = ParseTsv(out);
    if (!rows || rows->size() < 2) throw std::runtime_error("ClickHouse: unreadable answer to " + sql);
    std::vector<Row> result;
    for (size_t r = 2; r < rows->size(); ++r) {
      Row& row = result.emplace_back();
      for (size_t c = 0; c < (*rows)[r].size(); ++c) row.push_back(ChCell((*rows)[r][c], *(*rows)[1][c]));
    }
    return result;
  }

  void Exec(const std::string& sql) const override {
    if (NamesBookkeepingTable(sql)) {
      sqlite3* db = nullptr;
      sqlite3_open_v2(bookkeeping_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
      char* error = nullptr;
      const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
      const std::string message = error ? error : "";
      sqlite3_free(error);
      sqlite3_close(db);
      if (rc != SQLITE_OK) throw std::runtime_error(bookkeeping_ + ": " + message);
      return;
    }
    for (const std::string& statement : SplitStatements(sql)) {
      // A cluster's rows are in every shard's _local table: a change to them
      // goes to each, and its mutations are waited for there.
      if (shards_.empty() || statement.find("_local") == std::string::npos) {
        Run(statement, true);
        continue;
      }
      for (const std::string& url : shards_) {
        auto shard = ClickHouseClient::Make(url, database_);
        if (!shard.ok()) throw std::runtime_error(shard.status().ToString());
        auto done = (*shard)->Run(statement);
        if (!done.ok()) throw std::runtime_error(done.status().ToString() + " (" + statement + ")");
        const bool finished = PollUntil([&] {
          auto running = (*shard)->Run("SELECT count() FROM system.mutations WHERE database = currentDatabase() AND "
                                       "is_done = 0 FORMAT TabSeparated");
          return running.ok() && *running == "0\n";
        });
        if (!finished) throw std::runtime_error("mutations still running on " + url + ": " + statement);
      }
    }
  }

  std::vector<std::string> Columns(const std::string& table) const override {
    std::vector<std::string> columns;
    if (NamesBookkeepingTable(table)) {
      for (const auto& row : QueryDb(bookkeeping_, "SELECT name FROM pragma_table_info(" + QuotePgLiteral(table) +
                                                       ") ORDER BY cid"))
        columns.push_back(row.at(0).text);
      return columns;
    }
    if (!HasTable(table)) return columns;
    const auto rows = ParseTsv(Run(fmt::format("DESCRIBE TABLE {} FORMAT TabSeparated", ChIdent(table)), true));
    for (const auto& row : rows.value_or(std::vector<TsvRow>{})) columns.push_back(row.at(0).value_or(""));
    return columns;
  }

  bool HasTable(const std::string& name) const override {
    if (NamesBookkeepingTable(name))
      return QueryDb(bookkeeping_, "SELECT count(*) FROM sqlite_master WHERE name = " + QuotePgLiteral(name))
                 .at(0)
                 .at(0)
                 .integer > 0;
    return Run(fmt::format("EXISTS TABLE {}.{} FORMAT TabSeparated", ChIdent(database_), ChIdent(name)), false) ==
           "1\n";
  }

  int64_t WriteBytes() const override {
    const std::string out = Run(fmt::format("SELECT sum(bytes_on_disk) FROM system.parts WHERE database = {} "
                                            "FORMAT TabSeparated",
                                            ChStringLiteral(database_)),
                                false);
    const int64_t bytes = out.empty() ? 0 : std::stoll(out);
    return bytes == 0 ? -1 : bytes;
  }

 private:
  std::string Run(const std::string& sql, bool in_database, const ClickHouseClient::Settings& settings = {}) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto& client = in_database ? client_ : bare_;
    if (!client) {
      auto made = ClickHouseClient::Make(url_, in_database ? database_ : "");
      if (!made.ok()) throw std::runtime_error(made.status().ToString());
      client = std::move(*made);
    }
    auto out = client->Run(sql, settings);
    if (!out.ok()) throw std::runtime_error(out.status().ToString() + " (" + sql + ")");
    return *out;
  }

  std::string url_, database_, bookkeeping_;
  std::vector<std::string> shards_;  // a cluster's, node 1 first; empty: one node
  mutable std::mutex mu_;
  mutable std::unique_ptr<ClickHouseClient> client_, bare_;  // under mu_
};

}  // namespace

std::string ClickHouseUrl() {
  const char* dir = std::getenv("SLUICE_TEST_CLICKHOUSE_DIR");
  if (dir == nullptr || *dir == '\0')
    throw std::runtime_error("$SLUICE_TEST_CLICKHOUSE_DIR is not set: CTest sets it for the /ch variants");
  std::ifstream in(std::string(dir) + "/url");
  std::string url;
  if (!std::getline(in, url) || url.empty())
    throw std::runtime_error(std::string("no ClickHouse url in ") + dir + "/url: is the fixture's server started?");
  return url;
}

std::vector<std::string> ClickHouseShardUrls() {
  std::ifstream in(std::string(std::getenv("SLUICE_TEST_CLICKHOUSE_DIR")) + "/urls");
  std::vector<std::string> urls;
  for (std::string url; std::getline(in, url);)
    if (!url.empty()) urls.push_back(url);
  return urls;
}

std::unique_ptr<TestWarehouse> MakeClickHouseTestWarehouse(const std::string& data_dir, const WorkspaceOptions&) {
  return std::make_unique<ClickHouseTestWarehouse>(data_dir, /*cluster=*/false);
}

std::unique_ptr<TestWarehouse> MakeClickHouseClusterTestWarehouse(const std::string& data_dir,
                                                                  const WorkspaceOptions&) {
  return std::make_unique<ClickHouseTestWarehouse>(data_dir, /*cluster=*/true);
}

}  // namespace sluice::testing
