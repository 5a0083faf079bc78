// ModelStore on PostgreSQL: relations in the warehouse's schema, readable
// by its readonly_role (when set) like the final tables.
//
// PostgreSQL views depend on the tables they read. A rebuilt table whose
// columns are unchanged is refilled in place (DELETE and INSERT in one
// transaction: readers see the old rows until it commits, and the views on
// it stay); one whose columns changed is built beside it and swapped in,
// which drops the views that read it (as dbt does): `sluice models build`
// recreates them when they are selected. A view whose columns changed is
// dropped and created again in the same way; a seed is loaded like a table.
// Builds of one relation are serialised by an advisory lock, so two runs of
// an incremental model never insert the same rows twice. Seed timestamps are stored in
// UTC like the event tables' (an offset in the CSV is applied, not dropped).
#pragma once

#include <string>

#include "warehouse/postgres/pg_dialect.h"
#include "warehouse/postgres/pg_options.h"
#include "warehouse/postgres/pg_session.h"
#include "warehouse/sql/sql_model_store.h"

namespace sluice {

class PgModelStore final : public SqlModelStore {
 public:
  // `session` and `dialect` outlive the store.
  PgModelStore(PgSession* session, const PgDialect* dialect, std::string readonly_role)
      : SqlModelStore(session, dialect, "postgres"), pg_(session), dialect_(dialect), readonly_role_(std::move(readonly_role)) {}

  std::string schema() const override { return dialect_->schema(); }
  std::string Relation(std::string_view name) const override { return dialect_->TableName(name); }
  Result<std::optional<RelationKind>> Find(std::string_view name) override;
  Result<std::vector<RelationColumn>> Columns(std::string_view name) override;
  Status CreateView(std::string_view name, std::string_view select) override;
  Result<int64_t> ReplaceTable(std::string_view name, std::string_view select) override;
  Result<int64_t> MergeIncremental(std::string_view name, std::string_view select,
                                   const std::vector<std::string>& unique_key, SchemaChange change) override;
  Status Drop(std::string_view name) override;
  Result<int64_t> LoadSeed(std::string_view name, const SeedRows& seed) override;

 private:
  // Inside the caller's transaction.
  // Serialises the builds of `name` (one process's on_merge, another's
  // `sluice models run`) until the transaction ends.
  Status LockRelation(std::string_view name);
  // Puts the rows of the temporary table `built` in `name`: refilled in
  // place when the columns are the same, else created anew (and granted).
  Result<int64_t> SwapIn(std::string_view name, std::string_view built);
  Status DropRelation(std::string_view name, bool cascade);
  // The columns of `relation` (a name to_regclass reads: schema-qualified, or pg_temp.x).
  Result<std::vector<RelationColumn>> ColumnsOf(const std::string& relation);
  Status Grant(std::string_view name);
  Result<int64_t> Exec(const std::string& sql);  // rows it changed

  PgSession* pg_;
  const PgDialect* dialect_;
  std::string readonly_role_;
};

}  // namespace sluice
