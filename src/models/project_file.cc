#include "models/project_file.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "models/template_values.h"

namespace sluice::models {
namespace {

constexpr const char* kFile = "dbt_project.yml";

// Keys that change nothing sluice builds.
constexpr std::string_view kIgnored[] = {"version", "config-version", "profile", "require-dbt-version", "clean-targets",
                           "target-path", "log-path", "packages-install-path", "analysis-paths", "asset-paths",
                           "query-comment", "flags", "exposures", "metrics", "semantic-models", "saved-queries"};

constexpr std::string_view kSupported[] = {"name", "model-paths", "seed-paths", "test-paths", "macro-paths", "docs-paths",
                             "snapshot-paths", "vars", "models", "seeds", "tests", "data_tests", "sources"};

struct Refusal {
  std::string_view key;
  std::string_view reason;
};
constexpr Refusal kRefused[] = {
    {"on-run-start", "hooks run SQL of their own, which sluice does not do"},
    {"on-run-end", "hooks run SQL of their own, which sluice does not do"},
    {"dispatch", "packages are not supported, so there is nothing to dispatch to"},
    {"quoting", "identifiers are quoted the way the warehouse's dialect quotes them"},
    {"snapshots", "snapshots are not supported"},
    {"unit_tests", "unit tests are not supported"},
    {"restrict-access", "groups and access are not enforced"},
    {"source-paths", "it was renamed model-paths"},
    {"data-paths", "it was renamed seed-paths"},
};

// Whether a refused key is harmless as written: an empty list or map.
bool IsEmpty(const YAML::Node& n) { return n.IsNull() || ((n.IsSequence() || n.IsMap()) && n.size() == 0); }

std::vector<std::string> ReadPaths(const YAML::Node& root, const char* key, std::vector<std::string> fallback,
                                   ProjectProblems* problems) {
  const auto n = root[key];
  if (!n || n.IsNull()) return fallback;
  std::vector<YAML::Node> items;
  if (n.IsScalar()) items.push_back(n);
  else if (n.IsSequence()) for (const auto& i : n) items.push_back(i);
  else problems->Add(kFile, n.Mark(), fmt::format("{} must be a list of folders", key));
  std::vector<std::string> paths;
  for (const auto& i : items) {
    if (!i.IsScalar() || i.Scalar().empty()) {
      problems->Add(kFile, i.Mark(), fmt::format("{} must be a list of folders", key));
      continue;
    }
    std::string p = i.Scalar();
    while (p.size() > 2 && p.compare(0, 2, "./") == 0) p = p.substr(2);
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (p.front() == '/' || p == ".." || p.compare(0, 3, "../") == 0 || p.find("/../") != std::string::npos) {
      problems->Add(kFile, i.Mark(), fmt::format("{}: '{}' must be a folder inside the project", key, i.Scalar()));
      continue;
    }
    paths.push_back(p);
  }
  return paths;
}

bool IsIdentifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Global vars, then the project's own scope over them, as dbt's var() sees them.
std::string MergedVars(const YAML::Node& vars, const std::string& project_name, ProjectProblems* problems) {
  if (!vars || vars.IsNull()) return "{}";
  if (!vars.IsMap()) {
    problems->Add(kFile, vars.Mark(), "vars must be a map of names to values");
    return "{}";
  }
  YAML::Node merged(YAML::NodeType::Map);
  for (const auto& kv : vars) merged[kv.first.Scalar()] = kv.second;
  if (const auto own = vars[project_name]; own && own.IsMap()) {
    for (const auto& kv : own) merged[kv.first.Scalar()] = kv.second;
  }
  YAML::Emitter out;
  out << YAML::Flow << merged;
  return out.c_str();
}

}  // namespace

bool ReadProjectFile(const std::string& text, Project* project, ProjectFile* file, ProjectProblems* problems) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    problems->Add(kFile, e.mark, e.msg);
    return false;
  }
  if (Status size = CheckYamlSize(root); !size.ok()) {
    problems->AddFile(kFile, size.message());
    return false;
  }
  if (!root.IsMap()) {
    problems->AddFile(kFile, "must be a map with at least a name");
    return false;
  }
  const YAML::Node& r = root;  // const: a lookup must not add the key
  try {
    for (const auto& kv : r) {
      const std::string key = kv.first.Scalar();
      if (std::find(std::begin(kSupported), std::end(kSupported), key) != std::end(kSupported)) continue;
      if (std::find(std::begin(kIgnored), std::end(kIgnored), key) != std::end(kIgnored)) continue;
      auto refused = std::find_if(std::begin(kRefused), std::end(kRefused), [&](const Refusal& x) { return x.key == key; });
      if (refused == std::end(kRefused)) {
        std::vector<std::string> expected(std::begin(kSupported), std::end(kSupported));
        problems->Add(kFile, kv.first.Mark(), fmt::format("unknown key '{}' (expected one of: {})", key, fmt::join(expected, ", ")));
      } else if (!IsEmpty(kv.second)) {
        problems->Add(kFile, kv.first.Mark(), fmt::format("'{}' is not supported: {}", key, refused->reason));
      }
    }
    const auto name = r["name"];
    if (!name || !name.IsScalar() || !IsIdentifier(name.Scalar())) {
      problems->Add(kFile, name ? name.Mark() : r.Mark(), "name must be the project's name: letters, digits and _");
      return false;
    }
    project->name = name.Scalar();
    project->model_paths = ReadPaths(r, "model-paths", {"models"}, problems);
    project->seed_paths = ReadPaths(r, "seed-paths", {"seeds"}, problems);
    project->test_paths = ReadPaths(r, "test-paths", {"tests"}, problems);
    project->macro_paths = ReadPaths(r, "macro-paths", {"macros"}, problems);
    file->docs_paths = ReadPaths(r, "docs-paths", {}, problems);
    file->snapshot_paths = ReadPaths(r, "snapshot-paths", {"snapshots"}, problems);
    project->vars = MergedVars(r["vars"], project->name, problems);
    file->models = ConfigTree(r["models"], ResourceType::kModel, "models", kFile, problems);
    file->seeds = ConfigTree(r["seeds"], ResourceType::kSeed, "seeds", kFile, problems);
    file->tests = ConfigTree(r["tests"], ResourceType::kTest, "tests", kFile, problems);
    file->data_tests = ConfigTree(r["data_tests"], ResourceType::kTest, "data_tests", kFile, problems);
    file->sources = ConfigTree(r["sources"], ResourceType::kSource, "sources", kFile, problems);
  } catch (const YAML::Exception& e) {
    problems->Add(kFile, e.mark, e.msg);
  }
  return true;
}

}  // namespace sluice::models
