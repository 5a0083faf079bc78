// Pieces of SqliteWarehouse that live in their own files.
#pragma once

#include <memory>
#include <string>

#include "catalog/event_spec.h"
#include "warehouse/merge_transaction.h"
#include "warehouse/sqlite/sqlite_db.h"
#include "warehouse/staging_load.h"

namespace sluice {

Result<std::unique_ptr<StagingLoad>> BeginSqliteStagingLoad(SqliteDb* db, const EventSpec& event,
                                                            std::string source, std::string file);
Result<std::unique_ptr<MergeTransaction>> BeginSqliteMerge(SqliteDb* db, const EventSpec& event);

}  // namespace sluice
