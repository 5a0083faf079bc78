// One criterion of a selection (`2+tag:nightly+`): its parsing, and which
// nodes its method matches before the graph operators apply. Internal to
// selection.cc; exposed for its tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "models/selection.h"

namespace sluice::models {

struct SelectionCriterion {
  std::string raw;                  // as written, for messages
  std::string method;               // "fqn", "tag", "path"…: the default is filled in
  std::string value;
  bool parents = false;             // '+' before
  std::optional<int> parents_depth; // none: every generation
  bool children = false;            // '+' after
  std::optional<int> children_depth;
  bool childrens_parents = false;   // '@'
};

// InvalidArgument naming `raw` when it is malformed or its method unknown.
Result<SelectionCriterion> ParseCriterion(std::string_view raw);

// Whether `node` is one the criterion's method and value match.
bool MatchesMethod(const SelectionCriterion& criterion, const GraphNode& node);

}  // namespace sluice::models
