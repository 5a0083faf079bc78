// The `sources:` section of sluice.yaml: inputs `sluice serve` consumes
// besides its HTTP listener. Today one kind, `amqp` (a RabbitMQ queue):
//
//   sources:
//     factory_bus:
//       amqp:
//         url: amqp://sluice:secret@127.0.0.1:5672/%2f
//         queue: events            # declared durable if missing
//         prefetch: 500
//         type_from: header:type   # or routing_key, or payload:PATH (json only)
//         format: protobuf         # or json
//         proto: {files: [proto/cards.proto], import_paths: [proto]}
//         types: {CardCatalogCreated: CardCatalog}
//         dead_letter: {exchange: events.dead, queue: events.dead}
//
// Checked here without I/O; the .proto files are compiled when the source
// starts (sources/amqp/proto_schema.h).
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "catalog/event_spec.h"
#include "config/config.h"
#include "config/yaml_problems.h"

namespace sluice {

// sources: {NAME: {amqp: {...}}}. Every type must map to a catalog event.
void ParseSources(const YAML::Node& node, const std::string& base_dir, const Catalog& catalog,
                  std::vector<AmqpSourceConfig>* amqp, Problems* problems);

}  // namespace sluice
