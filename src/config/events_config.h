// The `events:` section of sluice.yaml: one catalog entry per event type
// (table, flatten, key, version, tenant, id, columns, and its built-in
// tasks). Problems are reported with their position, like the rest of the
// config.
#pragma once

#include <yaml-cpp/yaml.h>

#include "catalog/event_spec.h"
#include "config/yaml_problems.h"

namespace sluice {

// `name_node` is the event's name as written (its key in `events:`), `node`
// its definition. Checks names, paths, types, the key and the version column.
void ParseEvent(const YAML::Node& name_node, const YAML::Node& node, EventSpec* event, Problems* problems);

}  // namespace sluice
