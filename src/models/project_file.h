// dbt_project.yml: the project's name, where its files are, its vars and
// its config trees. Internal to the project reader; the keys it accepts,
// ignores and refuses are listed in project.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/config_tree.h"
#include "models/project.h"
#include "models/project_problems.h"

namespace sluice::models {

struct ProjectFile {
  // The paths of the project (relative to its folder), name and vars go
  // into the Project; the rest is for the reader.
  std::vector<std::string> docs_paths;      // empty: the model, seed, test and macro paths
  std::vector<std::string> snapshot_paths;  // to refuse any snapshot in them
  ConfigTree models, seeds, tests, data_tests, sources;
};

// Parses dbt_project.yml's `text` into *project (name, paths, vars) and
// *file; problems at their positions in "dbt_project.yml". False when the
// file cannot be read as YAML at all, or has no usable name: nothing else
// can be checked then.
bool ReadProjectFile(const std::string& text, Project* project, ProjectFile* file, ProjectProblems* problems);

}  // namespace sluice::models
