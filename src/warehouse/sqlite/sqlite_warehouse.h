// The embedded warehouse: one SQLite file (data/warehouse.db).
//
// Loads and merges take SQLite's write lock for their whole transaction
// (BEGIN IMMEDIATE), so two processes never interleave them; readers run
// beside them thanks to WAL.
#pragma once

#include <memory>
#include <string>

#include "warehouse/backend.h"
#include "warehouse/sqlite/sqlite_db.h"

namespace sluice {

class SqliteWarehouse final : public Warehouse {
 public:
  static Result<std::unique_ptr<Warehouse>> Open(const std::string& path);

  Status Prepare(const Catalog& catalog) override;
  Result<std::optional<std::string>> LoadedAs(const std::string& event_type, const std::string& checksum) override;
  Result<bool> LandedFileLoaded(const std::string& event_type, const std::string& landed_as) override;
  Result<std::unique_ptr<StagingLoad>> BeginLoad(const EventSpec& event, std::string source,
                                                 std::string file) override;
  Result<std::unique_ptr<MergeTransaction>> BeginMerge(const EventSpec& event) override;
  Result<EventStatus> GetStatus(const EventSpec& event) override;
  Status Query(std::string_view sql, bool allow_writes, QuerySink* sink) override;
  Result<std::vector<SqlRow>> Execute(std::string_view sql, const SqlParams& params) override;
  Result<int64_t> RunScript(std::string_view sql, int64_t timeout_micros) override;

  // sluice's own tables, as `sluice ddl --dialect sqlite` prints them.
  static const char* SystemTablesDdl();

 private:
  explicit SqliteWarehouse(SqliteDb db) : db_(std::move(db)) {}
  Result<bool> SchemaIsCurrent(const Catalog& catalog);
  Status PrepareEvent(const EventSpec& event, std::vector<std::string>* refusals);
  SqliteDb db_;
};

}  // namespace sluice
