#include "models/manifest.h"

namespace sluice::models {

const ManifestNode* Manifest::Find(std::string_view unique_id) const {
  auto it = index_.find(std::string(unique_id));
  return it == index_.end() ? nullptr : &nodes_[it->second];
}

ManifestNode* Manifest::FindMutable(std::string_view unique_id) {
  auto it = index_.find(std::string(unique_id));
  return it == index_.end() ? nullptr : &nodes_[it->second];
}

ManifestNode& Manifest::Add(ManifestNode node) {
  index_.emplace(node.graph.unique_id, nodes_.size());
  return nodes_.emplace_back(std::move(node));
}

std::vector<GraphNode> Manifest::Graph() const {
  std::vector<GraphNode> graph;
  graph.reserve(nodes_.size());
  for (const ManifestNode& n : nodes_) graph.push_back(n.graph);
  return graph;
}

}  // namespace sluice::models
