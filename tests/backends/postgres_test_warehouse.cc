#include "backends/postgres_test_warehouse.h"

namespace sluice::testing {

PostgresTestWarehouse::PostgresTestWarehouse(const WorkspaceOptions& options)
    : dsn_(options.pg_dsn.empty() ? PgDsn() : options.pg_dsn),
      schema_(options.pg_schema.empty() ? UniqueSchemaName() : options.pg_schema),
      owns_schema_(options.pg_schema.empty()) {}

PostgresTestWarehouse::~PostgresTestWarehouse() {
  reader_.reset();
  if (!owns_schema_) return;
  try {
    PgConnection admin(dsn_, "", /*read_only=*/false);
    admin.Exec("SET lock_timeout = '20s'; DROP SCHEMA IF EXISTS " + QuotePgIdent(schema_) + " CASCADE");
  } catch (const std::exception& e) {
    // The cluster is thrown away after the run; a schema left behind only costs space.
    fmt::print(stderr, "warning: could not drop schema {}: {}\n", schema_, e.what());
  }
}

std::string PostgresTestWarehouse::Configure(const std::string& yaml) const {
  return WithPostgresWarehouse(yaml, dsn_, schema_);
}

std::vector<Row> PostgresTestWarehouse::Query(const std::string& sql) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!reader_) reader_ = std::make_unique<PgConnection>(dsn_, schema_);
  return reader_->Query(sql);
}

void PostgresTestWarehouse::Exec(const std::string& sql) const {
  PgConnection writer(dsn_, schema_, /*read_only=*/false);
  writer.Exec(sql);
}

std::vector<std::string> PostgresTestWarehouse::Columns(const std::string& table) const {
  std::vector<std::string> columns;
  for (const auto& row : Query("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                               "current_schema() AND table_name = " + QuotePgLiteral(table) +
                               " ORDER BY ordinal_position"))
    columns.push_back(row.at(0).text);
  return columns;
}

bool PostgresTestWarehouse::HasTable(const std::string& name) const {
  return Query("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND "
               "table_name = " + QuotePgLiteral(name))
             .at(0)
             .at(0)
             .integer > 0;
}

int64_t PostgresTestWarehouse::WriteBytes() const {
  return Query("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n "
               "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'm')")
      .at(0)
      .at(0)
      .integer;
}

std::unique_ptr<TestWarehouse> MakePostgresTestWarehouse(const std::string&, const WorkspaceOptions& options) {
  return std::make_unique<PostgresTestWarehouse>(options);
}

}  // namespace sluice::testing
