#include "config/models_config.h"

#include <filesystem>

#include <fmt/format.h>

#include "base/schedule.h"

namespace sluice {

void ParseModels(const YAML::Node& node, const std::string& base_dir, ModelsConfig* models, Problems* problems) {
  if (!node.IsMap()) return problems->Add(node.Mark(), "models must be a map (project, schedule, on_merge, vars, target)");
  CheckKeys(node, {"project", "schedule", "on_merge", "vars", "target"}, "models", problems);
  if (const auto p = node["project"]; p && IsScalar(p, "models.project", problems)) {
    const std::filesystem::path path(p.Scalar());
    // Normalised, so that messages say "analytics/models/x.sql", not "./analytics/./models/x.sql".
    models->project_dir = (path.is_absolute() ? path : std::filesystem::path(base_dir) / path).lexically_normal().string();
    while (models->project_dir.size() > 1 && models->project_dir.back() == '/') models->project_dir.pop_back();
  } else if (!p) {
    problems->Add(node.Mark(), "models needs project: (the dbt project folder)");
  }
  if (const auto s = node["schedule"]; s && IsScalar(s, "models.schedule", problems)) {
    models->schedule = s.Scalar();
    if (auto parsed = Schedule::Parse(models->schedule); !parsed.ok())
      problems->Add(s.Mark(), fmt::format("models.schedule: {}", parsed.status().message()));
  }
  if (const auto o = node["on_merge"]; o && IsScalar(o, "models.on_merge", problems)) {
    const std::string v = o.Scalar();
    if (v == "true") models->on_merge = true;
    else if (v == "false") models->on_merge = false;
    else problems->Add(o.Mark(), fmt::format("models.on_merge must be true or false, not '{}'", v));
  }
  if (const auto v = node["vars"]) {
    if (!v.IsMap()) problems->Add(v.Mark(), "models.vars must be a map of variable name to value");
    else models->vars = YAML::Dump(v);
  }
  if (const auto t = node["target"]; t && IsScalar(t, "models.target", problems)) models->target = t.Scalar();
}

}  // namespace sluice
