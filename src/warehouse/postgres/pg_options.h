// The PostgreSQL backend's keys under `warehouse:` (see pg_backend.cc for
// what each means and its default).
#pragma once

#include <string>

#include "config/warehouse_config.h"

namespace sluice {

struct PgOptions {
  std::string dsn;            // libpq connection string or URI; empty: $SLUICE_PG_DSN
  std::string schema;         // where every table sluice creates lives
  std::string readonly_role;  // granted USAGE on the schema and SELECT on final tables; empty: none
  std::string read_dsn;       // the read path's own login; empty: $SLUICE_PG_READ_DSN, else dsn's login

  static PgOptions From(const WarehouseConfig& config) {
    return {config.Option("dsn"), config.Option("schema"), config.Option("readonly_role"), config.Option("read_dsn")};
  }
};

}  // namespace sluice
