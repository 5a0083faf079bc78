// Registers the embedded SQLite warehouse: `warehouse: {backend: sqlite}`,
// the default. It takes no keys: the file is data_dir/warehouse.db.
#include "warehouse/registry.h"
#include "warehouse/sqlite/sqlite_dialect.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace sluice {
namespace {

const bool kRegistered = RegisterBackend({
    .name = "sqlite",
    .summary = "embedded: one file, data_dir/warehouse.db (the default)",
    .options = {},
    .open = [](const WarehouseConfig&, const std::string& data_dir) {
      return SqliteWarehouse::Open(SqliteWarehouse::PathIn(data_dir));
    },
    .dialect = [](const WarehouseConfig&) { return std::unique_ptr<SqlDialect>(new SqliteDialect()); },
    // Any path: a file of its own beside (or instead of) warehouse.db.
    .bookkeeping = BookkeepingHost{
        .accepts = [](std::string_view) { return true; },
        .open = [](const std::string& location, const std::string&, const std::string& data_dir) {
          const bool absolute = !location.empty() && location.front() == '/';
          return SqliteWarehouse::OpenBookkeeping(absolute ? location : data_dir + "/" + location);
        }},
});

}  // namespace
}  // namespace sluice
