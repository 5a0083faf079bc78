// The embedded warehouse: one SQLite file (data/warehouse.db).
//
// Loads and merges take SQLite's write lock for their whole transaction
// (BEGIN IMMEDIATE), so two processes never interleave them; readers run
// beside them thanks to WAL.
#pragma once

#include <memory>
#include <string>

#include "warehouse/backend.h"
#include "warehouse/bookkeeping_store.h"
#include "warehouse/schema_plan.h"
#include "warehouse/sql/sql_bookkeeping.h"
#include "warehouse/sql/sql_warehouse.h"
#include "warehouse/sqlite/sqlite_db.h"
#include "warehouse/sqlite/sqlite_dialect.h"
#include "warehouse/sqlite/sqlite_model_store.h"
#include "warehouse/sqlite/sqlite_session.h"

namespace sluice {

class SqliteWarehouse final : public SqlWarehouse {
 public:
  // The warehouse file of a data folder.
  static std::string PathIn(const std::string& data_dir) { return data_dir + "/warehouse.db"; }
  // Opens (creating it and its folder if missing) the warehouse file at `path`.
  static Result<std::unique_ptr<Warehouse>> Open(const std::string& path);
  // Opens the file at `path` as another backend's bookkeeping store.
  static Result<BookkeepingStore> OpenBookkeeping(const std::string& path);
  SqliteWarehouse(const SqliteWarehouse&) = delete;
  SqliteWarehouse& operator=(const SqliteWarehouse&) = delete;

  Status Prepare(const Catalog& catalog) override;
  Result<std::optional<std::string>> LoadedAs(const std::string& event_type, const std::string& checksum) override;
  Result<bool> LandedFileLoaded(const std::string& event_type, const std::string& landed_as) override;
  Result<std::unique_ptr<StagingLoad>> BeginLoad(const EventSpec& event, std::string source,
                                                 std::string file) override;
  Result<std::unique_ptr<MergeTransaction>> BeginMerge(const EventSpec& event) override;
  Result<EventStatus> GetStatus(const EventSpec& event) override;
  Result<std::vector<EventStatus>> GetStatuses(const Catalog& catalog) override;
  Status Query(std::string_view sql, bool allow_writes, QuerySink* sink) override;
  Result<int64_t> RunScript(std::string_view sql, int64_t timeout_micros) override;
  ModelStore& models() override { return models_; }

 protected:
  SqlBookkeeping& bookkeeping() override { return bookkeeping_; }

 private:
  explicit SqliteWarehouse(SqliteDb db) : db_(std::move(db)) {}
  // What the file holds, read in one pass over each catalog table (sqlite_schema.cc).
  Result<StoredSchema> ReadSchema();

  SqliteDb db_;
  SqliteSession session_{&db_};
  SqlBookkeeping bookkeeping_{&session_};
  SqliteDialect dialect_;
  SqliteModelStore models_{&db_, &session_, &dialect_};
};

}  // namespace sluice
