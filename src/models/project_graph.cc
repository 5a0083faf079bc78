#include "models/project_graph.h"

#include <fmt/format.h>

namespace sluice::models {
namespace {

GraphNode FromFile(ResourceType type, const std::string& package, const NodeFile& file, const NodeConfig& config) {
  GraphNode n;
  n.unique_id = NodeId(type, package, file.name);
  n.type = type;
  n.name = file.name;
  n.package = package;
  n.fqn = file.fqn;
  n.path = file.path;
  n.root = file.root;
  n.tags = config.tags;
  n.materialized = std::string(MaterializationName(config.materialized));
  return n;
}

}  // namespace

std::string NodeId(ResourceType type, const std::string& package, const std::string& name) {
  return fmt::format("{}.{}.{}", ResourceTypeName(type), package, name);
}

std::string SourceId(const std::string& package, const std::string& source, const std::string& table) {
  return fmt::format("source.{}.{}.{}", package, source, table);
}

std::vector<GraphNode> GraphNodesOf(const Project& project) {
  const std::string& pkg = project.name;
  std::vector<GraphNode> nodes;
  for (const Model& m : project.models)
    if (m.config.enabled) nodes.push_back(FromFile(ResourceType::kModel, pkg, m, m.config));
  for (const Seed& s : project.seeds)
    if (s.config.enabled) nodes.push_back(FromFile(ResourceType::kSeed, pkg, s, s.config));
  for (const SingularTest& t : project.singular_tests)
    if (t.config.enabled) nodes.push_back(FromFile(ResourceType::kTest, pkg, t, t.config));
  auto relation_id = [&](const RelationRef& r) {
    if (r.kind == RelationRef::Kind::kSource) return SourceId(pkg, r.source_name, r.name);
    return NodeId(project.FindSeed(r.name) ? ResourceType::kSeed : ResourceType::kModel, pkg, r.name);
  };
  for (const TestDefinition& t : project.tests) {
    if (!t.config.enabled) continue;
    GraphNode n = FromFile(ResourceType::kTest, pkg, t.file, t.config);
    n.test_name = t.test_name;
    n.parents.push_back(t.target_type == ResourceType::kSource ? SourceId(pkg, t.target_source, t.target_name)
                                                                : NodeId(t.target_type, pkg, t.target_name));
    if (t.to) n.parents.push_back(relation_id(*t.to));
    nodes.push_back(std::move(n));
  }
  for (const Source& s : project.sources) {
    for (const SourceTable& t : s.tables) {
      if (!t.config.enabled) continue;
      GraphNode n;
      n.unique_id = SourceId(pkg, s.name, t.name);
      n.type = ResourceType::kSource;
      n.name = t.name;
      n.package = pkg;
      n.source_name = s.name;
      n.fqn = t.fqn;
      n.path = s.path;
      n.tags = t.config.tags;
      nodes.push_back(std::move(n));
    }
  }
  return nodes;
}

}  // namespace sluice::models
