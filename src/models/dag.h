// The order nodes run in: every node after its parents. Among the nodes
// ready to run, tests come first (so that `build` tests a model before
// anything is built on it), then manifest order.
//
// Thread-safe (pure functions of the manifest).
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "models/manifest.h"

namespace sluice::models {

// Every node of the manifest in run order. InvalidArgument naming one cycle,
// as "the project's graph has a cycle: model.p.a → model.p.b → model.p.a".
Result<std::vector<const ManifestNode*>> RunOrder(const Manifest& manifest);

// The unique ids of every node that depends on `unique_id`, directly or not.
std::unordered_set<std::string> Descendants(const Manifest& manifest, const std::string& unique_id);

}  // namespace sluice::models
