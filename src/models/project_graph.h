// The nodes of a project as selection sees them, with the edges the reader
// knows: a generic test depends on what it tests and, for relationships, on
// what its `to` names. The edges from refs and sources in SQL are the
// compiler's to add (each node's `parents`), and so are the event tables'
// sources (source `events`).
#pragma once

#include <string>
#include <vector>

#include "models/project.h"
#include "models/selection.h"

namespace sluice::models {

// dbt's unique ids: model.<project>.<name>, seed.…, test.…, source.<project>.<source>.<table>.
std::string NodeId(ResourceType type, const std::string& package, const std::string& name);
std::string SourceId(const std::string& package, const std::string& source, const std::string& table);

// Models, seeds, singular tests, generic tests and source tables, in that
// order, disabled ones left out.
std::vector<GraphNode> GraphNodesOf(const Project& project);

}  // namespace sluice::models
