// dbt models on ClickHouse (models/): relations in the warehouse's
// database beside the event tables. ClickHouse has no transactions, so a
// rebuilt relation is made under a new name and renamed into place (one
// RENAME of both names): a reader sees the old relation or the new one. An
// incremental run also builds a new table (the old rows whose keys are not
// among the new ones, then the new rows) and renames it into place:
// ClickHouse deletes rows only asynchronously. The run history
// (sluice_model_runs) and the merge positions are the bookkeeping store's.
#pragma once

#include <string>

#include "warehouse/clickhouse/ch_client.h"
#include "warehouse/clickhouse/ch_dialect.h"
#include "warehouse/sql/sql_model_store.h"
#include "warehouse/sql/sql_session.h"

namespace sluice {

class ChModelStore final : public SqlModelStore {
 public:
  // All three outlive the store.
  ChModelStore(ClickHouseClient* client, SqlSession* bookkeeping, const ChDialect* dialect)
      : SqlModelStore(bookkeeping, dialect, "clickhouse"), client_(client), dialect_(dialect) {}

  std::string schema() const override { return dialect_->options().database; }
  std::string Relation(std::string_view name) const override { return dialect_->TableName(name); }
  Result<std::optional<RelationKind>> Find(std::string_view name) override;
  Result<std::vector<RelationColumn>> Columns(std::string_view name) override;
  Status CreateView(std::string_view name, std::string_view select) override;
  Result<int64_t> ReplaceTable(std::string_view name, std::string_view select) override;
  Result<int64_t> MergeIncremental(std::string_view name, std::string_view select,
                                   const std::vector<std::string>& unique_key, SchemaChange change) override;
  // A MergeTree table is ordered by nothing here; lookups by key read it all
  // (fast in a column store), so there is no index to make.
  Status EnsureKeyIndex(std::string_view, const std::vector<std::string>&) override { return Status::Ok(); }
  Status Drop(std::string_view name) override;
  Result<int64_t> LoadSeed(std::string_view name, const SeedRows& seed) override;
  Result<FailingRows> Failures(std::string_view select, size_t sample) override;

 private:
  Result<std::string> Run(const std::string& sql);
  // Puts the relation `built` in the place of `name` (which may not exist) and drops the old one.
  Status SwapIn(std::string_view name, const std::string& built);
  Result<int64_t> Count(const std::string& relation);

  ClickHouseClient* client_;
  const ChDialect* dialect_;
};

}  // namespace sluice
