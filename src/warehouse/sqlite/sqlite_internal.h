// Pieces of SqliteWarehouse that live in their own files.
#pragma once

#include <memory>
#include <string>

#include "warehouse/backend.h"
#include "warehouse/sqlite/sqlite_db.h"

namespace sluice {

Result<std::unique_ptr<StagingLoad>> BeginSqliteStagingLoad(SqliteDb* db, const EventSpec& event,
                                                            std::string source, std::string file);
Result<std::unique_ptr<MergeTransaction>> BeginSqliteMerge(SqliteDb* db, const EventSpec& event);
// Warehouse::Execute on `db`, in whatever transaction is open.
Result<std::vector<SqlRow>> SqliteExecute(SqliteDb* db, std::string_view sql, const SqlParams& params);

}  // namespace sluice
