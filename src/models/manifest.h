// A parsed project: every enabled node with its final config, the relation
// it builds, and its parents (the reader's edges plus the refs and sources
// its SQL names). What the runner orders and selection filters.
//
// Owns nothing of the project: the pointers are into the Project it was
// made from (kept alive by `project`). Read-only once built.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/node_config.h"
#include "models/project.h"
#include "models/selection.h"

namespace sluice::models {

// The source every catalog event table (and its `_stg` staging table) is
// under: source('events', 'ledger_entries').
inline constexpr std::string_view kEventsSource = "events";

struct ManifestNode {
  GraphNode graph;      // unique_id, type, name, tags, materialized, parents
  NodeConfig config;    // with the node's own {{ config() }} applied
  // The table or view a model or seed builds (its alias, else its name), a
  // source table's identifier; empty for tests and ephemeral models.
  std::string relation;
  // Exactly one is set, by graph.type (a source has source_table and source).
  const Model* model = nullptr;
  const Seed* seed = nullptr;
  const SingularTest* singular = nullptr;
  const TestDefinition* test = nullptr;
  const SourceTable* source_table = nullptr;  // null for an implicit events table
  const Source* source = nullptr;

  const std::string& id() const { return graph.unique_id; }
  bool is_ephemeral() const { return model != nullptr && config.materialized == Materialization::kEphemeral; }
  // The file it was declared in, relative to the project.
  const std::string& path() const { return graph.path; }
};

class Manifest {
 public:
  Manifest() = default;
  explicit Manifest(std::shared_ptr<const Project> project) : project_(std::move(project)) {}

  const Project& project() const { return *project_; }
  const std::vector<ManifestNode>& nodes() const { return nodes_; }
  const ManifestNode* Find(std::string_view unique_id) const;
  // What selection walks: every node's GraphNode, in order.
  std::vector<GraphNode> Graph() const;

  // Building (the compiler's).
  ManifestNode& Add(ManifestNode node);
  ManifestNode* FindMutable(std::string_view unique_id);

 private:
  std::shared_ptr<const Project> project_;
  std::vector<ManifestNode> nodes_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace sluice::models
