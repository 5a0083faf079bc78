// What every way of building a project does first: read the project that
// sluice.yaml's `models:` names and parse it against the warehouse, with the
// catalog's tables as the `events` source.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "catalog/event_spec.h"
#include "config/models_config.h"
#include "models/compiler.h"
#include "warehouse/model_store.h"

namespace sluice::models {

struct LoadedProject {
  std::shared_ptr<const Project> project;
  std::unique_ptr<Compiler> compiler;
  std::vector<std::string> warnings;  // the project's (config paths that match nothing)
};

// `store` outlives the result. Errors: InvalidArgument when sluice.yaml
// has no models section; the reader's and the compiler's errors otherwise
// (InvalidArgument listing every problem).
Result<LoadedProject> LoadProject(Env* env, const ModelsConfig& models, const Catalog& catalog, ModelStore* store,
                                  std::string_view cli_vars, const std::string& invocation_id);

// A new id for one command's or one scheduled build's runs: 32 hex digits.
std::string NewInvocationId();

}  // namespace sluice::models
