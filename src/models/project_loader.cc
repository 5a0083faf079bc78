#include "models/project_loader.h"

#include <random>

#include <fmt/format.h>

namespace sluice::models {

Result<LoadedProject> LoadProject(Env* env, const ModelsConfig& models, const Catalog& catalog, ModelStore* store,
                                  std::string_view cli_vars, const std::string& invocation_id) {
  if (models.project_dir.empty())
    return Status::InvalidArgument("sluice.yaml has no models: section naming a dbt project (models.project)");
  ASSIGN_OR_RETURN(Project project, ReadProject(env, models.project_dir));
  LoadedProject out;
  out.warnings = project.warnings;
  out.project = std::make_shared<const Project>(std::move(project));
  CompileOptions options;
  options.config_vars = models.vars;
  options.cli_vars = std::string(cli_vars);
  options.target = models.target;
  for (const EventSpec& e : catalog.events) {
    options.event_tables.push_back(e.table);
    options.event_tables.push_back(e.staging_table());
  }
  options.invocation_id = invocation_id;
  options.started_micros = env->NowMicros();
  ASSIGN_OR_RETURN(out.compiler, Compiler::Create(out.project, store, options));
  // dbt would build these in another schema; here every relation shares
  // the warehouse's one namespace, so the user is told rather than surprised.
  for (const Source& source : out.project->sources) {
    if (source.schema != source.name)
      out.warnings.push_back(fmt::format("{}: source {}: schema '{}' is not used: sluice reads every source table "
                                         "from the warehouse's schema ({})",
                                         out.project->PathOf(source.path), source.name, source.schema,
                                         store->schema()));
  }
  for (const ManifestNode& node : out.compiler->manifest().nodes()) {
    if (node.config.schema && node.graph.type != ResourceType::kSource)
      out.warnings.push_back(fmt::format("{}: {}: config schema '{}' is ignored: sluice builds every relation in the "
                                         "warehouse's schema ({})",
                                         out.project->PathOf(node.path()), node.id(), *node.config.schema,
                                         store->schema()));
  }
  return out;
}

std::string NewInvocationId() {
  std::random_device random;
  std::string id;
  for (int i = 0; i < 4; ++i) id += fmt::format("{:08x}", random());
  return id;
}

}  // namespace sluice::models
