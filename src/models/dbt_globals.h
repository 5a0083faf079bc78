// dbt's project-wide names, for every template of a project: var(),
// env_var(), target, adapter (dispatch, quote), exceptions, log(),
// return(), the cross-database macros under `dbt.`, invocation_id and
// run_started_at. What differs per node (ref, source, config, this,
// is_incremental, execute) is node_render.h's.
//
// Thread-safe once installed (the values are frozen; the functions keep no
// state of their own).
#pragma once

#include <string>
#include <string_view>


#include "base/status.h"
#include "jinja/environment.h"
#include "jinja/value.h"
#include "warehouse/dialect.h"

namespace sluice::models {

struct ProjectGlobals {
  // var()'s variables: a dict, the project's `vars:` with sluice.yaml's
  // models.vars and --vars over them.
  jinja::Value vars;
  std::string target_name;  // target.name: models.target
  std::string schema;       // target.schema
  std::string adapter;      // target.type, and adapter.dispatch's prefix: "sqlite", "postgres"
  const SqlDialect* dialect = nullptr;  // spells dbt.*; outlives the environment
  std::string invocation_id;
  std::string run_started_at;  // "YYYY-MM-DD HH:MM:SS.ffffff" UTC
};

void InstallDbtGlobals(const ProjectGlobals& globals, jinja::Environment* env);

// The vars a project sees: `project_vars` (dbt_project.yml's `vars:`, YAML
// text), then `config_vars` (sluice.yaml's models.vars) and `cli_vars`
// (--vars, YAML text), each key of a later one replacing the same key of
// an earlier one. InvalidArgument naming the source when one is not a map.
Result<jinja::Value> MergeVars(std::string_view project_vars, std::string_view config_vars,
                               std::string_view cli_vars);

}  // namespace sluice::models
