// The warehouse backends and DDL dialects sluice knows, each registered by
// its own folder: a backend is a folder under src/warehouse/ whose
// registration file says
//
//   const bool kRegistered = RegisterBackend({.name = "…", .summary = "…", .options = {…},
//                                             .open = …, .dialect = …});
//
// plus one line in src/warehouse/CMakeLists.txt. A name registered twice,
// or two standalone dialects that take the same `sluice ddl` flag, stop the
// program before main with a message. Nothing outside a backend's folder
// names it: config validation (config/warehouse_config.h), `sluice
// ddl`, OpenWarehouse and the test harness all ask this registry.
//
// Registration happens during static initialisation (the backends' targets
// are linked whole, see sluice_warehouse_backends in CMake); lookups happen
// after, from any thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/warehouse_config.h"
#include "warehouse/backend.h"
#include "warehouse/bookkeeping_store.h"
#include "warehouse/dialect.h"

namespace sluice {

struct BackendDefinition {
  std::string name;
  std::string summary;                  // one line, for help texts
  std::vector<WarehouseOption> options;  // the keys it accepts under `warehouse:`
  // Opens it; relative paths are under `data_dir`.
  std::function<Result<std::unique_ptr<Warehouse>>(const WarehouseConfig&, const std::string& data_dir)> open;
  // Its DDL, for the warehouse `config` describes.
  std::function<std::unique_ptr<SqlDialect>(const WarehouseConfig& config)> dialect;
  // How it keeps another backend's bookkeeping (bookkeeping_store.h); unset
  // when it cannot.
  std::optional<BookkeepingHost> bookkeeping = std::nullopt;
};

// A flag of `sluice ddl` that a dialect takes (--stage-url …).
struct DialectFlag {
  std::string name;  // without the dashes
  std::string help;
  std::string default_value;
};

// A dialect `sluice ddl` prints that is not a backend's: DDL for a warehouse
// sluice does not run itself.
struct DialectDefinition {
  std::string name;
  std::string summary;
  std::vector<DialectFlag> flags;
  std::function<std::unique_ptr<Dialect>(const std::map<std::string, std::string>& flags)> make;
};

// Both return true, so that a registration can initialise a constant.
bool RegisterBackend(BackendDefinition backend);
bool RegisterDialect(DialectDefinition dialect);

// The registered backends: the default first, then by name.
std::vector<const BackendDefinition*> Backends();
const BackendDefinition* FindBackend(std::string_view name);
// Every dialect `sluice ddl` knows: the backends' (in Backends() order), then the others by name.
std::vector<std::string> DialectNames();
const DialectDefinition* FindStandaloneDialect(std::string_view name);

// The dialect `name` for `config`: a backend's dialect is given the
// config's warehouse options when the config uses that backend (else its
// defaults); a standalone one is given `flags`. NotFound for an unknown name.
Result<std::unique_ptr<Dialect>> MakeDialect(std::string_view name, const WarehouseConfig& config,
                                             const std::map<std::string, std::string>& flags);

}  // namespace sluice
