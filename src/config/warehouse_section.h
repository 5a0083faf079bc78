// Parsing the `warehouse:` section against the registered backends
// (warehouse_config.h). Problems are reported with their position, like the
// rest of the config.
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/warehouse_config.h"
#include "config/yaml_problems.h"

namespace sluice {

// `node` is the section's map. Reports an unknown backend (naming the
// registered ones), keys the named backend does not accept (naming the
// backends that do), and values its checks refuse; fills in the defaults of
// the keys not given.
void ParseWarehouse(const YAML::Node& node, WarehouseConfig* warehouse, Problems* problems);

}  // namespace sluice
