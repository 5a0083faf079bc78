// The `models:` section of sluice.yaml: the dbt project sluice builds, when
// and with which variables. Problems are reported with their position, like
// the rest of the config.
//
//   models:
//     project: analytics/      # a dbt project folder (relative to this file)
//     schedule: "0 * * * *"    # optional: `sluice models build` as a task
//     on_merge: true           # rebuild what a merge changed, soon after it
//     vars: {current_date_offset: 3}
//     target: prod             # target.name in the project (default: dev)
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "base/status.h"
#include "config/yaml_problems.h"

namespace sluice {

struct ModelsConfig {
  std::string project_dir;   // empty: no models
  std::string schedule;      // cron or interval (base/schedule.h); empty: by hand and on_merge only
  bool on_merge = false;
  // models.vars as YAML text ("" for none): text, not a YAML::Node, because
  // yaml-cpp nodes are not safe to read from the threads that build models.
  std::string vars;
  std::string target = "dev";
};

void ParseModels(const YAML::Node& node, const std::string& base_dir, ModelsConfig* models, Problems* problems);

}  // namespace sluice
