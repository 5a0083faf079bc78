// Where a warehouse that cannot keep sluice's own records itself (no
// transactions: ClickHouse) keeps them: a small transactional store, opened
// through a backend that can (the embedded SQLite file by default, or a
// PostgreSQL schema when several collectors share one warehouse).
//
// The store is that backend's own Warehouse, prepared with an empty catalog
// (sluice's tables only, created or upgraded as in its own warehouse), so
// its tasks, corrections and load errors are the same code; the guest
// backend writes its load history, positions and errors through `session`,
// the same connection. Single-threaded, like any Warehouse.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "warehouse/backend.h"
#include "warehouse/sql/sql_session.h"

namespace sluice {

struct BookkeepingStore {
  std::unique_ptr<Warehouse> warehouse;
  SqlSession* session = nullptr;  // owned by `warehouse`
};

// A backend's way of hosting another's bookkeeping (BackendDefinition::bookkeeping).
struct BookkeepingHost {
  // Whether `location` is this backend's kind (a postgresql:// DSN …).
  std::function<bool(std::string_view location)> accepts;
  // Opens it: relative paths are under `data_dir`; `name_space` keeps
  // warehouses that share one server apart (a PostgreSQL schema).
  std::function<Result<BookkeepingStore>(const std::string& location, const std::string& name_space,
                                         const std::string& data_dir)>
      open;
};

// Opens `location` with the first backend that accepts it (the default, the
// embedded one, last: it takes any path).
Result<BookkeepingStore> OpenBookkeepingStore(const std::string& location, const std::string& name_space,
                                              const std::string& data_dir);

}  // namespace sluice
