#include "models/dag.h"

#include <queue>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

namespace sluice::models {
namespace {

// index → the indexes of its children, and each node's number of parents
// inside the manifest (a parent the manifest lacks, such as a disabled
// node, orders nothing).
struct Edges {
  std::vector<std::vector<size_t>> children;
  std::vector<size_t> parent_count;
};

Edges EdgesOf(const Manifest& manifest) {
  const auto& nodes = manifest.nodes();
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i].id(), i);
  Edges e{std::vector<std::vector<size_t>>(nodes.size()), std::vector<size_t>(nodes.size(), 0)};
  for (size_t i = 0; i < nodes.size(); ++i) {
    std::unordered_set<size_t> seen;
    for (const std::string& parent : nodes[i].graph.parents) {
      auto it = index.find(parent);
      if (it == index.end() || !seen.insert(it->second).second) continue;
      e.children[it->second].push_back(i);
      ++e.parent_count[i];
    }
  }
  return e;
}

// A cycle among `stuck` (the nodes Kahn's algorithm could not order):
// every one of them has a parent that is stuck too, so walking parents
// from any of them must come back to a node already walked.
std::string NameCycle(const Manifest& manifest, const std::vector<bool>& stuck) {
  const auto& nodes = manifest.nodes();
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i].id(), i);
  size_t at = 0;
  while (!stuck[at]) ++at;
  std::vector<size_t> path;
  std::unordered_map<size_t, size_t> position;
  while (position.find(at) == position.end()) {
    position.emplace(at, path.size());
    path.push_back(at);
    for (const std::string& parent : nodes[at].graph.parents) {
      auto it = index.find(parent);
      if (it != index.end() && stuck[it->second]) {
        at = it->second;
        break;
      }
    }
  }
  // path[position[at]…] is the cycle, each a child of the next: print it parents first.
  std::string text;
  for (size_t i = path.size(); i-- > position[at];) text += nodes[path[i]].id() + " → ";
  return text + nodes[path.back()].id();
}

}  // namespace

Result<std::vector<const ManifestNode*>> RunOrder(const Manifest& manifest) {
  const auto& nodes = manifest.nodes();
  Edges e = EdgesOf(manifest);
  using Key = std::tuple<int, size_t>;  // (0 for a test, manifest index)
  std::priority_queue<Key, std::vector<Key>, std::greater<>> ready;
  auto key = [&](size_t i) { return Key(nodes[i].graph.type == ResourceType::kTest ? 0 : 1, i); };
  for (size_t i = 0; i < nodes.size(); ++i)
    if (e.parent_count[i] == 0) ready.push(key(i));
  std::vector<const ManifestNode*> order;
  order.reserve(nodes.size());
  while (!ready.empty()) {
    size_t i = std::get<1>(ready.top());
    ready.pop();
    order.push_back(&nodes[i]);
    for (size_t child : e.children[i])
      if (--e.parent_count[child] == 0) ready.push(key(child));
  }
  if (order.size() == nodes.size()) return order;
  std::vector<bool> stuck(nodes.size(), false);
  for (size_t i = 0; i < nodes.size(); ++i) stuck[i] = e.parent_count[i] > 0;
  return Status::InvalidArgument(fmt::format("the project's graph has a cycle: {}", NameCycle(manifest, stuck)));
}

std::unordered_set<std::string> Descendants(const Manifest& manifest, const std::string& unique_id) {
  const auto& nodes = manifest.nodes();
  Edges e = EdgesOf(manifest);
  std::unordered_set<std::string> out;
  std::vector<size_t> todo;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].id() == unique_id) todo.push_back(i);
  std::vector<bool> seen(nodes.size(), false);
  while (!todo.empty()) {
    size_t i = todo.back();
    todo.pop_back();
    for (size_t child : e.children[i]) {
      if (seen[child]) continue;
      seen[child] = true;
      out.insert(nodes[child].id());
      todo.push_back(child);
    }
  }
  return out;
}

}  // namespace sluice::models
