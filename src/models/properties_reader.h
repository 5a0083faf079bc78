// Properties files (schema.yml): what they say about models, seeds, singular
// tests and sources, applied to the project's nodes, and the generic tests
// they declare. Internal to the project reader.
//
//   version: 2
//   models:     [{name, description, config, columns, tests | data_tests}]
//   seeds:      the same, with config: {column_types: …}
//   sources:    [{name, schema, description, config, tags, tables:
//                 [{name, identifier, description, columns, tests | data_tests}]}]
//   data_tests: [{name, description, config}] for singular tests
//   columns:    [{name, description, data_type, quote, tags, tests | data_tests}]
//
// Ignored, as documentation or semantic-layer metadata: docs, meta, group,
// access, deprecation_date, loader, loaded_at_field, freshness, granularity,
// time_spine; top-level macros, exposures, metrics, semantic_models,
// saved_queries, groups, analyses. Refused with the reason: snapshots,
// unit_tests, versions, latest_version, constraints, database, quoting,
// overrides, external. Any other key is unknown, and refused.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/config_tree.h"
#include "models/project.h"
#include "models/project_problems.h"

namespace sluice::models {

struct PropertiesContext {
  Project* project = nullptr;
  std::map<std::string, Model*> models;                 // by name
  std::map<std::string, Seed*> seeds;
  std::map<std::string, SingularTest*> singular_tests;
  std::map<std::string, const DocBlock*> docs;
  std::set<std::string> custom_tests;                   // the project's {% test %} names
  ConfigTree* sources_tree = nullptr;
  std::vector<ConfigTree*> test_trees;
  ProjectProblems* problems = nullptr;
  // Where each node was described ("model orders"), to report a second entry.
  std::map<std::string, FilePosition> described;
};

// Reads the properties file `file` whose text is `text`, updating the nodes
// it describes, adding its sources to project->sources and its tests to
// project->tests.
void ReadPropertiesFile(const NodeFile& file, const std::string& text, PropertiesContext* context);

}  // namespace sluice::models
