// A workspace's warehouse on PostgreSQL: a schema of its own on the `pg`
// fixture's cluster (or the server and schema WorkspaceOptions name),
// w_<pid>_<n>_<salt>. sluice.yaml always points at it (WithPostgresWarehouse
// keeps line numbers), sluice creates it, and it is dropped (DROP SCHEMA …
// CASCADE) with the workspace unless it was shared. Read through libpq with
// search_path set to it, one connection, opened on first use.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "pg_harness.h"
#include "test_warehouse.h"

namespace sluice::testing {

class PostgresTestWarehouse final : public TestWarehouse {
 public:
  explicit PostgresTestWarehouse(const WorkspaceOptions& options);
  ~PostgresTestWarehouse() override;

  std::string backend() const override { return "postgres"; }
  std::string Configure(const std::string& yaml) const override;
  std::vector<Row> Query(const std::string& sql) const override;
  void Exec(const std::string& sql) const override;
  std::vector<std::string> Columns(const std::string& table) const override;
  bool HasTable(const std::string& name) const override;
  int64_t WriteBytes() const override;

  const std::string& dsn() const { return dsn_; }
  const std::string& schema() const { return schema_; }

 private:
  std::string dsn_, schema_;
  bool owns_schema_ = false;
  mutable std::mutex mu_;
  mutable std::unique_ptr<PgConnection> reader_;  // under mu_
};

std::unique_ptr<TestWarehouse> MakePostgresTestWarehouse(const std::string& data_dir,
                                                         const WorkspaceOptions& options);

}  // namespace sluice::testing
