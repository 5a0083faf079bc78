// What the `sluice models` suites share: a Workspace whose sluice.yaml names
// a dbt project in analytics/ (models.project), the project's files written
// into it, Accounting events loaded and merged as sources, and the run
// history read back. Everything here runs against the backend the test
// process runs against (cli_harness.h), so one assertion holds on both.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "cli_harness.h"

namespace sluice::testing {

// The Accounting catalog with a models: section naming analytics/;
// `models_extra` is appended inside it (lines indented by two spaces).
std::string ModelsConfigYaml(const std::string& models_extra = "");

// A dbt_project.yml for the project `analytics`; `extra` is appended as is.
std::string DbtProjectYml(const std::string& extra = "");

// Writes one file of the project, `path` relative to analytics/.
void WriteProjectFile(const Workspace& ws, const std::string& path, const std::string& content);
// Writes dbt_project.yml (DbtProjectYml() unless `files` holds one) and `files`.
void WriteProject(const Workspace& ws, const std::vector<std::pair<std::string, std::string>>& files);

// One Accounting event for item `item` at `version` (an ISO time), with
// entries (identifier, integral amount).
std::string ItemEvent(const std::string& item, const std::string& version,
                      const std::vector<std::pair<std::string, int>>& entries);
// Loads the events into the staging table and merges them into accounting.
::testing::AssertionResult LoadAndMerge(const Workspace& ws, const std::vector<std::string>& events);

// `sluice models args...`
RunResult Models(const Workspace& ws, std::vector<std::string> args);

// The nodes the latest invocation recorded in sluice_model_runs, in the
// order they finished, as "unique_id status" (e.g. "model.analytics.t success").
std::vector<std::string> LastRun(const Workspace& ws);
// The names of the nodes of the latest invocation (the last part of their ids).
std::vector<std::string> LastRunNames(const Workspace& ws);

// "table", "view", or "" when `name` is neither, as the backend's catalog says.
std::string RelationKindOf(const Workspace& ws, const std::string& name);

// A query's rows, each as ToString(row) ("a|b|NULL"): a comparison that
// holds on both backends for integers and text.
std::vector<std::string> Rows(const Workspace& ws, const std::string& sql);

}  // namespace sluice::testing
