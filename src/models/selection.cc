#include "models/selection.h"

#include <cctype>
#include <deque>
#include <unordered_map>

#include <fmt/format.h>

#include "models/selection_criterion.h"

namespace sluice::models {
namespace {

using NodeSet = std::vector<bool>;  // by index in the graph

class Graph {
 public:
  explicit Graph(const std::vector<GraphNode>& nodes) : nodes_(nodes), parents_(nodes.size()), children_(nodes.size()) {
    std::unordered_map<std::string_view, size_t> index;
    for (size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i].unique_id, i);
    for (size_t i = 0; i < nodes.size(); ++i) {
      for (const std::string& p : nodes[i].parents) {
        auto it = index.find(p);
        if (it == index.end()) continue;  // outside the graph: nothing to walk to
        parents_[i].push_back(it->second);
        children_[it->second].push_back(i);
      }
    }
  }

  size_t size() const { return nodes_.size(); }
  const GraphNode& node(size_t i) const { return nodes_[i]; }

  // Adds to *set everything `depth` generations (all without one) along `edges` from `from`.
  void Walk(const NodeSet& from, bool up, std::optional<int> depth, NodeSet* set) const {
    const auto& edges = up ? parents_ : children_;
    std::vector<int> seen_at(size(), -1);
    std::deque<size_t> queue;
    for (size_t i = 0; i < size(); ++i) {
      if (!from[i]) continue;
      seen_at[i] = 0;
      queue.push_back(i);
    }
    while (!queue.empty()) {
      const size_t i = queue.front();
      queue.pop_front();
      if (depth && seen_at[i] >= *depth) continue;
      for (size_t next : edges[i]) {
        // Tests are leaves that join through indirect selection, not as descendants.
        if (seen_at[next] >= 0 || (!up && nodes_[next].type == ResourceType::kTest)) continue;
        seen_at[next] = seen_at[i] + 1;
        (*set)[next] = true;
        queue.push_back(next);
      }
    }
  }

  // Tests whose parents are selected, as `indirect` says.
  void AddTests(IndirectSelection indirect, NodeSet* set) const {
    NodeSet tests(size(), false);
    for (size_t i = 0; i < size(); ++i) {
      if ((*set)[i] || nodes_[i].type != ResourceType::kTest || parents_[i].empty()) continue;
      size_t selected = 0;
      for (size_t p : parents_[i]) selected += (*set)[p];
      tests[i] = indirect == IndirectSelection::kEager ? selected > 0 : selected == parents_[i].size();
    }
    for (size_t i = 0; i < size(); ++i)
      if (tests[i]) (*set)[i] = true;
  }

 private:
  const std::vector<GraphNode>& nodes_;
  std::vector<std::vector<size_t>> parents_, children_;
};

NodeSet Select(const Graph& graph, const SelectionCriterion& c, IndirectSelection indirect,
               std::vector<std::string>* warnings) {
  NodeSet matched(graph.size(), false);
  bool any = false;
  for (size_t i = 0; i < graph.size(); ++i) {
    matched[i] = MatchesMethod(c, graph.node(i));
    any = any || matched[i];
  }
  if (!any) warnings->push_back(fmt::format("the selection criterion '{}' matches no node", c.raw));
  NodeSet set = matched;
  if (c.childrens_parents) {
    NodeSet descendants = matched;
    graph.Walk(matched, false, std::nullopt, &descendants);
    set = descendants;
    graph.Walk(descendants, true, std::nullopt, &set);
  }
  if (c.parents) graph.Walk(matched, true, c.parents_depth, &set);
  if (c.children) graph.Walk(matched, false, c.children_depth, &set);
  graph.AddTests(indirect, &set);
  return set;
}

// The union of `spec`'s terms, each the intersection of its criteria.
Result<NodeSet> SelectSpec(const Graph& graph, std::string_view spec, IndirectSelection indirect,
                           std::vector<std::string>* warnings) {
  NodeSet result(graph.size(), false);
  size_t i = 0;
  while (i < spec.size()) {
    while (i < spec.size() && std::isspace(static_cast<unsigned char>(spec[i]))) ++i;
    size_t end = i;
    while (end < spec.size() && !std::isspace(static_cast<unsigned char>(spec[end]))) ++end;
    if (end == i) break;
    const std::string_view term = spec.substr(i, end - i);
    i = end;
    NodeSet intersection(graph.size(), true);
    size_t start = 0;
    while (true) {
      const size_t comma = term.find(',', start);
      const std::string_view part = term.substr(start, comma == std::string_view::npos ? comma : comma - start);
      if (part.empty())
        return Status::InvalidArgument(fmt::format("the selector '{}' is malformed: an empty part around a comma", term));
      ASSIGN_OR_RETURN(SelectionCriterion c, ParseCriterion(part));
      const NodeSet set = Select(graph, c, indirect, warnings);
      for (size_t n = 0; n < graph.size(); ++n) intersection[n] = intersection[n] && set[n];
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    for (size_t n = 0; n < graph.size(); ++n) result[n] = result[n] || intersection[n];
  }
  return result;
}

bool IsBlank(std::string_view s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

Result<Selection> SelectNodes(const std::vector<GraphNode>& nodes, std::string_view select, std::string_view exclude,
                              IndirectSelection indirect) {
  const Graph graph(nodes);
  Selection selection;
  NodeSet selected(graph.size(), true);
  if (!IsBlank(select)) {
    ASSIGN_OR_RETURN(selected, SelectSpec(graph, select, indirect, &selection.warnings));
  }
  if (!IsBlank(exclude)) {
    ASSIGN_OR_RETURN(NodeSet excluded, SelectSpec(graph, exclude, indirect, &selection.warnings));
    for (size_t i = 0; i < graph.size(); ++i) selected[i] = selected[i] && !excluded[i];
  }
  for (size_t i = 0; i < graph.size(); ++i)
    if (selected[i]) selection.unique_ids.push_back(nodes[i].unique_id);
  return selection;
}

}  // namespace sluice::models
