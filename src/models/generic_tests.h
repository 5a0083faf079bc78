// Generic tests as properties files declare them, turned into
// TestDefinitions named the way dbt names them. Internal to the project
// reader; GenericTestNames is exposed for its tests.
//
// An entry is a name (`- unique`), a map of one name to its arguments
// (`- accepted_values: {values: [a, b], quote: true, config: {severity: warn}}`),
// or a map with `test_name:` and the arguments beside it. Config keys may
// sit under `config:` or among the arguments (severity, where, tags…), as
// dbt allows; `name:` gives the test a name of its own; `arguments:` (dbt
// 1.10) holds the arguments apart from the config.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/config_tree.h"
#include "models/project.h"
#include "models/project_problems.h"

namespace sluice::models {

// What a test entry is declared on.
struct TestTarget {
  ResourceType type = ResourceType::kModel;  // kModel, kSeed or kSource
  std::string name;                          // model, seed or source table
  std::string source_name;                   // sources only
  const ColumnProperties* column = nullptr;  // null for a test on the whole relation
  bool enabled = true;                       // a test on a disabled node is disabled
};

// Where the entry is and how its config is found.
struct TestContext {
  const NodeFile* file = nullptr;                // the properties file (path, root, folders)
  std::string project_name;
  const std::set<std::string>* custom_tests = nullptr;  // the project's {% test %} names
  std::vector<ConfigTree*> trees;                // tests: then data_tests: of dbt_project.yml
};

// Appends the test `entry` declares on `target` to *out; its problems go to
// *problems at their positions, and a test with one is left out.
void ParseGenericTest(const YAML::Node& entry, const TestTarget& target, const TestContext& context,
                      std::vector<TestDefinition>* out, ProjectProblems* problems);

// dbt's (short, full) names of a test: `test_type` (e.g. "not_null", or
// "source_not_null" on a source), `target` ("orders", or "events_accounting"
// for a source table) and the arguments' values as str() prints them,
// sorted by argument name (column_name included).
std::pair<std::string, std::string> GenericTestNames(
    const std::string& test_type, const std::string& target,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& sorted_args);

}  // namespace sluice::models
