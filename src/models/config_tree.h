// dbt's config trees, as dbt_project.yml writes them:
//
//   models:
//     +materialized: view          # every model
//     my_project:                  # the package
//       staging:                   # a folder
//         +tags: staging
//         materialized: view       # a plain key with a single value is a config too
//       marts:
//         +materialized: table
//         fct_orders:              # a node, by name
//           +unique_key: id
//
// A key with '+' is always a config; a plain key is a config when its value
// is not a map (or it is one of the map-valued configs, column_types…) and
// a folder (package, node) otherwise. A node gets the levels on its fqn
// from the top down, so deeper levels override shallower ones, and tags
// add up. Internal to the project reader.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/node_config.h"
#include "models/project_problems.h"

namespace sluice::models {

// The value of a YAML node, as ApplyConfigKey takes it.
ConfigValue ConfigValueOf(const YAML::Node& node);

// Applies every key of a properties file's `config:` map (keys without
// '+'), reporting each refused or bad key at its position in `file`.
void ApplyConfigMap(const YAML::Node& map, ResourceType type, const std::string& file, NodeConfig* config,
                    ProjectProblems* problems);

class ConfigTree {
 public:
  ConfigTree() = default;
  // `node` is the value of the tree's key (`section`: "models", "seeds"…)
  // in `file`. Every config key is checked once, here; a bad one is
  // reported at its position and left out.
  ConfigTree(const YAML::Node& node, ResourceType type, std::string section, const std::string& file,
             ProjectProblems* problems);

  // Applies the levels on `fqn` to *config, top down, and remembers them as used.
  void Apply(const std::vector<std::string>& fqn, NodeConfig* config);

  // The folders of the tree no node was under ("models.my_project.stagng"),
  // the highest of each unused branch: what dbt warns about.
  std::vector<std::string> UnusedPaths() const;

 private:
  struct Level {
    std::vector<std::pair<std::string, ConfigValue>> entries;
    std::vector<std::pair<std::string, Level>> children;
    bool used = false;
  };
  void ParseLevel(const YAML::Node& node, const std::string& file, ProjectProblems* problems, Level* level);
  static void CollectUnused(const Level& level, const std::string& path, std::vector<std::string>* out);

  ResourceType type_ = ResourceType::kModel;
  std::string section_;
  Level root_;
};

}  // namespace sluice::models
