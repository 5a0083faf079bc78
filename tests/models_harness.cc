#include "models_harness.h"

#include <fmt/format.h>

namespace sluice::testing {

std::string ModelsConfigYaml(const std::string& models_extra) {
  std::string yaml = AccountingConfigYaml();
  if (!yaml.empty() && yaml.back() != '\n') yaml += '\n';
  return yaml + "models:\n  project: analytics/\n" + models_extra;
}

std::string DbtProjectYml(const std::string& extra) {
  return "name: analytics\nversion: '1.0'\nconfig-version: 2\nprofile: sluice\n" + extra;
}

void WriteProjectFile(const Workspace& ws, const std::string& path, const std::string& content) {
  WriteFile(ws.dir() + "/analytics/" + path, content);
}

void WriteProject(const Workspace& ws, const std::vector<std::pair<std::string, std::string>>& files) {
  bool has_project = false;
  for (const auto& [path, content] : files) {
    WriteProjectFile(ws, path, content);
    has_project = has_project || path == "dbt_project.yml";
  }
  if (!has_project) WriteProjectFile(ws, "dbt_project.yml", DbtProjectYml());
}

std::string ItemEvent(const std::string& item, const std::string& version,
                      const std::vector<std::pair<std::string, int>>& entries) {
  std::string list;
  for (const auto& [id, amount] : entries) list += (list.empty() ? "" : ",") + Entry(Quote(id), std::to_string(amount));
  return AccountingEvent(Quote(item), Quote(version), "[" + list + "]");
}

::testing::AssertionResult LoadAndMerge(const Workspace& ws, const std::vector<std::string>& events) {
  // A fresh file name each time: a file's content loads once.
  static int batch = 0;
  const RunResult load = ws.Load({ws.WriteLines(fmt::format("events-{}.ndjson", ++batch), events)});
  if (load.exit_code != 0) return ::testing::AssertionFailure() << load.Describe();
  const RunResult merge = ws.Merge();
  if (merge.exit_code != 0) return ::testing::AssertionFailure() << merge.Describe();
  return ::testing::AssertionSuccess();
}

RunResult Models(const Workspace& ws, std::vector<std::string> args) {
  args.insert(args.begin(), "models");
  return ws.Sluice(args);
}

std::vector<std::string> LastRun(const Workspace& ws) {
  std::vector<std::string> out;
  for (const Row& r : ws.Query("SELECT model, status FROM sluice_model_runs WHERE invocation = "
                               "(SELECT invocation FROM sluice_model_runs ORDER BY id DESC LIMIT 1) ORDER BY id"))
    out.push_back(r[0].text + " " + r[1].text);
  return out;
}

std::vector<std::string> LastRunNames(const Workspace& ws) {
  std::vector<std::string> out;
  for (const std::string& line : LastRun(ws)) {
    const std::string id = line.substr(0, line.find(' '));
    out.push_back(id.substr(id.rfind('.') + 1));
  }
  return out;
}

std::string RelationKindOf(const Workspace& ws, const std::string& name) {
  const std::string sql =
      ws.on_postgres()
          ? fmt::format("SELECT CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END FROM information_schema.tables "
                        "WHERE table_schema = current_schema() AND table_name = '{}'", name)
          : fmt::format("SELECT type FROM sqlite_master WHERE type IN ('table', 'view') AND name = '{}'", name);
  const auto rows = ws.Query(sql);
  return rows.empty() ? "" : rows[0][0].text;
}

std::vector<std::string> Rows(const Workspace& ws, const std::string& sql) {
  std::vector<std::string> out;
  for (const Row& r : ws.Query(sql)) out.push_back(ToString(r));
  return out;
}

}  // namespace sluice::testing
