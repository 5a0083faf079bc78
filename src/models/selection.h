// Node selection, as dbt's --select and --exclude write it.
//
//   SPEC       := TERM (' ' TERM)*             a union
//   TERM       := CRITERION (',' CRITERION)*   an intersection
//   CRITERION  := ['@' | [N] '+'] [METHOD ':'] VALUE ['+' [N]]
//
//   name, stg_*         a node's name (wildcards * ? [..]), or its fqn: a
//                       folder ("marts" is everything under models/marts),
//                       "marts.fct_orders", "shop.staging.*"; a value with
//                       a '/' or ending .sql/.csv is a path
//   +name, name+        with every ancestor, every descendant
//   2+name, name+3      up to 2 generations up, 3 down
//   @name               its descendants and all their ancestors
//   tag:x               nodes with the tag (wildcards)
//   path:models/marts   files at or under the path, relative to the project
//                       or to the model/seed/test path ("path:marts/")
//   file:orders.sql     by file name, with or without its extension
//   source:events       every table of a source; source:events.accounting
//                       one table (package.source.table also; wildcards)
//   resource_type:model model, seed, test or source (dbt's other types
//                       match nothing here)
//   package:shop, test_type:generic|singular|data, test_name:not_null,
//   config.materialized:table
//
// The graph operators walk models, seeds and sources (and up from a test
// that is selected by name). Tests are also selected indirectly, as dbt does, per criterion before the
// union, intersection and exclusion: eagerly (dbt's default) a test goes
// with its criterion when any node it tests or refers to is selected by it
// (so selecting `orders` takes the relationships test from `orders` to
// `customers`, and excluding `customers` drops it again); cautiously, only
// when all of them are. No --select selects everything.
//
// Thread-safe; never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/node_config.h"

namespace sluice::models {

// One node of the project's graph, with what selection needs to know.
struct GraphNode {
  std::string unique_id;           // unique in the graph: "model.shop.orders" (project_graph.h)
  ResourceType type = ResourceType::kModel;
  std::string name;                // model, seed or test name; a source's table
  std::string package;             // the project's name
  std::string source_name;         // sources only
  std::vector<std::string> fqn;    // package, folders, name (sources: …, source, table)
  std::string path;                // relative to the project: its file, or the properties file that declares it
  std::string root;                // the model, seed or test path it is under ("models"); may be empty
  std::vector<std::string> tags;
  std::vector<std::string> parents;  // unique ids of what it depends on (refs, sources; a test: what it tests)
  std::string test_name;           // generic tests: "not_null"…; empty otherwise
  std::string materialized;        // "view", "table", … for config.materialized:
};

enum class IndirectSelection { kEager, kCautious };

struct Selection {
  std::vector<std::string> unique_ids;  // in the order of the graph's nodes
  // A criterion that matches no node is not an error; it is said here, as
  // "the selection criterion 'x' matches no node".
  std::vector<std::string> warnings;
};

// The nodes `select` picks (all nodes when it is empty) less those
// `exclude` picks. InvalidArgument naming the criterion for a malformed one
// or an unknown method.
Result<Selection> SelectNodes(const std::vector<GraphNode>& graph, std::string_view select, std::string_view exclude,
                              IndirectSelection indirect = IndirectSelection::kEager);

}  // namespace sluice::models
