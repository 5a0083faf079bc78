// ModelStore on the embedded warehouse.
//
// A rebuilt table is created under a temporary name and renamed into place
// in one transaction (SQLite serialises writers; readers keep the snapshot
// they started with). SQLite does not track which views read a table, so
// dropping or renaming never touches other relations: a view is resolved
// when it is read. Seed values are stored as sluice stores event values:
// booleans 0/1, timestamps as "YYYY-MM-DD HH:MM:SS.ffffff" in UTC.
//
// What builds, replaces or drops a model or seed runs as the user's SQL
// (SqliteSpeaker::kUserWrites): the model's SELECT calls only allowed
// functions, and a model or seed named like one of sluice's tables
// (sluice_*, a staging table) cannot replace it.
#pragma once

#include "warehouse/sql/sql_model_store.h"
#include "warehouse/sqlite/sqlite_db.h"
#include "warehouse/sqlite/sqlite_dialect.h"
#include "warehouse/sqlite/sqlite_session.h"

namespace sluice {

class SqliteModelStore final : public SqlModelStore {
 public:
  // `db`, `session` (on `db`) and `dialect` outlive the store.
  SqliteModelStore(SqliteDb* db, SqliteSession* session, const SqliteDialect* dialect)
      : SqlModelStore(session, dialect, "sqlite"), db_(db) {}

  std::string schema() const override { return "main"; }
  std::string Relation(std::string_view name) const override;
  Result<std::optional<RelationKind>> Find(std::string_view name) override;
  Result<std::vector<RelationColumn>> Columns(std::string_view name) override;
  Status CreateView(std::string_view name, std::string_view select) override;
  Result<int64_t> ReplaceTable(std::string_view name, std::string_view select) override;
  Result<int64_t> MergeIncremental(std::string_view name, std::string_view select,
                                   const std::vector<std::string>& unique_key, SchemaChange change) override;
  Status Drop(std::string_view name) override;
  Result<int64_t> LoadSeed(std::string_view name, const SeedRows& seed) override;

 private:
  // Runs `sql`, one statement of sluice's ending in a model's SELECT; refuses
  // a second statement after it (a model's SQL is one SELECT).
  Status ExecAround(std::string_view sql);
  // DROP of whatever `name` is, inside the caller's transaction.
  Status DropInTransaction(std::string_view name);
  Result<int64_t> Count(std::string_view relation);

  SqliteDb* db_;
};

}  // namespace sluice
