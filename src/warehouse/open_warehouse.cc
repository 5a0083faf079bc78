#include "config/config.h"
#include "warehouse/backend.h"
#include "warehouse/postgres/pg_warehouse.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace sluice {

Result<std::unique_ptr<Warehouse>> OpenWarehouse(const Config& config) {
  if (config.warehouse.backend == "sqlite") return SqliteWarehouse::Open(config.sqlite_path());
  if (config.warehouse.backend == "postgres") return PgWarehouse::Open(config.warehouse);
  return Status::InvalidArgument(fmt::format("unknown warehouse backend '{}'", config.warehouse.backend));
}

}  // namespace sluice
