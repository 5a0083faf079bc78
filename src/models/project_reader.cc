// ReadProject: finds the project's files, reads them, and puts the Project
// together (project.h says what is read and in which order configs apply).
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "models/docs_blocks.h"
#include "models/project.h"
#include "models/project_file.h"
#include "models/project_problems.h"
#include "models/properties_reader.h"

namespace sluice::models {
namespace {

namespace fs = std::filesystem;

// A file found under one of the project's paths.
struct FoundFile {
  NodeFile node;
  std::string extension;  // ".sql"
};

// Every file under `root` (relative to the project `dir`), skipping hidden
// files and folders. A root that does not exist holds nothing.
Result<std::vector<FoundFile>> FilesUnder(Env* env, const std::string& dir, const std::string& root,
                                          const std::string& project_name) {
  std::vector<FoundFile> found;
  const std::string base = dir + "/" + root;
  auto listed = env->ListFilesRecursively(base);
  if (!listed.ok()) {
    if (listed.status().code() == StatusCode::kNotFound) return found;
    return listed.status();
  }
  for (const std::string& full : *listed) {
    const fs::path within = fs::path(full).lexically_relative(base);
    bool hidden = false;
    for (const auto& part : within) hidden |= part.string().starts_with(".");
    if (hidden || within.empty()) continue;
    FoundFile f;
    f.extension = within.extension().string();
    f.node.name = within.stem().string();
    f.node.root = root;
    f.node.path = (fs::path(root) / within).lexically_normal().string();
    for (const auto& part : within.parent_path()) f.node.folders.push_back(part.string());
    f.node.fqn = {project_name};
    f.node.fqn.insert(f.node.fqn.end(), f.node.folders.begin(), f.node.folders.end());
    f.node.fqn.push_back(f.node.name);
    found.push_back(std::move(f));
  }
  return found;
}

template <typename T>
T Node(NodeFile file) {
  T node;
  static_cast<NodeFile&>(node) = std::move(file);
  return node;
}

// The names of the `{% test name(...) %}` blocks in a macro file.
void FindTestBlocks(std::string_view text, std::set<std::string>* names) {
  for (size_t at = text.find("{%"); at != std::string_view::npos; at = text.find("{%", at + 2)) {
    size_t i = at + 2;
    if (i < text.size() && text[i] == '-') ++i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (text.substr(i, 4) != "test" || i + 4 >= text.size() || !std::isspace(static_cast<unsigned char>(text[i + 4])))
      continue;
    i += 4;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    if (i > start) names->insert(std::string(text.substr(start, i - start)));
  }
}

class ProjectAssembler {
 public:
  ProjectAssembler(Env* env, Project* project, ProjectFile* file, ProjectProblems* problems)
      : env_(env), project_(*project), file_(*file), problems_(*problems) {}

  Status FindFiles() {
    std::set<std::string> docs_roots(file_.docs_paths.begin(), file_.docs_paths.end());
    const bool docs_everywhere = docs_roots.empty();
    for (const std::string& root : project_.model_paths) RETURN_IF_ERROR(Scan(root, Kind::kModels, docs_everywhere));
    for (const std::string& root : project_.seed_paths) RETURN_IF_ERROR(Scan(root, Kind::kSeeds, docs_everywhere));
    for (const std::string& root : project_.test_paths) RETURN_IF_ERROR(Scan(root, Kind::kTests, docs_everywhere));
    for (const std::string& root : project_.macro_paths) RETURN_IF_ERROR(Scan(root, Kind::kMacros, docs_everywhere));
    for (const std::string& root : file_.snapshot_paths) RETURN_IF_ERROR(Scan(root, Kind::kSnapshots, false));
    for (const std::string& root : docs_roots) RETURN_IF_ERROR(Scan(root, Kind::kDocs, true));
    return Status::Ok();
  }

  Status ReadEverything() {
    for (const FoundFile& f : docs_files_) {
      ASSIGN_OR_RETURN(std::string text, ReadFileToString(env_, project_.PathOf(f.node.path)));
      ParseDocBlocks(f.node.path, text, &project_.docs, &problems_);
    }
    PropertiesContext context;
    for (const DocBlock& d : project_.docs) {
      auto [it, fresh] = context.docs.emplace(d.name, &d);
      if (!fresh)
        problems_.Add(d.position, fmt::format("docs block '{}' is defined twice: here and in {}", d.name,
                                              problems_.Display(it->second->position.file)));
    }
    for (Model& m : project_.models) {
      ASSIGN_OR_RETURN(m.sql, ReadFileToString(env_, project_.PathOf(m.path)));
    }
    for (SingularTest& t : project_.singular_tests) {
      ASSIGN_OR_RETURN(t.sql, ReadFileToString(env_, project_.PathOf(t.path)));
    }
    for (MacroFile& m : project_.macros) {
      ASSIGN_OR_RETURN(m.text, ReadFileToString(env_, project_.PathOf(m.path)));
      FindTestBlocks(m.text, &context.custom_tests);
    }
    ResolveTreeConfigs();

    context.project = &project_;
    CheckNames(&context);
    context.sources_tree = &file_.sources;
    context.test_trees = {&file_.tests, &file_.data_tests};
    context.problems = &problems_;
    for (const FoundFile& f : properties_files_) {
      ASSIGN_OR_RETURN(std::string text, ReadFileToString(env_, project_.PathOf(f.node.path)));
      ReadPropertiesFile(f.node, text, &context);
    }
    CheckTests();
    for (ConfigTree* tree : {&file_.models, &file_.seeds, &file_.tests, &file_.data_tests, &file_.sources})
      for (const std::string& path : tree->UnusedPaths())
        project_.warnings.push_back(fmt::format("dbt_project.yml: the config path {} matches no resource", path));
    return Status::Ok();
  }

 private:
  enum class Kind { kModels, kSeeds, kTests, kMacros, kSnapshots, kDocs };

  Status Scan(const std::string& root, Kind kind, bool docs) {
    ASSIGN_OR_RETURN(auto files, FilesUnder(env_, project_.dir, root, project_.name));
    for (FoundFile& f : files) {
      const std::string& ext = f.extension;
      if (!seen_.insert({f.node.path, kind}).second) continue;
      if (ext == ".md") {
        if (docs && docs_seen_.insert(f.node.path).second) docs_files_.push_back(f);
      } else if (kind == Kind::kDocs) {
        continue;
      } else if (ext == ".yml" || ext == ".yaml") {
        if (kind != Kind::kSnapshots && properties_seen_.insert(f.node.path).second) properties_files_.push_back(f);
      } else if (kind == Kind::kSnapshots && ext == ".sql") {
        problems_.AddFile(f.node.path, "snapshots are not supported");
      } else if (kind == Kind::kModels && ext == ".sql") {
        project_.models.push_back(Node<Model>(std::move(f.node)));
      } else if (kind == Kind::kModels && ext == ".py") {
        problems_.AddFile(f.node.path, "Python models are not supported: a model is a .sql file");
      } else if (kind == Kind::kSeeds && ext == ".csv") {
        project_.seeds.push_back(Node<Seed>(std::move(f.node)));
      } else if (kind == Kind::kTests && ext == ".sql" && !(f.node.folders.size() && f.node.folders[0] == "generic")) {
        project_.singular_tests.push_back(Node<SingularTest>(std::move(f.node)));
      } else if ((kind == Kind::kTests || kind == Kind::kMacros) && ext == ".sql") {
        project_.macros.push_back(MacroFile{f.node.path, ""});
      }
    }
    return Status::Ok();
  }

  void ResolveTreeConfigs() {
    for (Model& m : project_.models) {
      m.config = DefaultConfig(ResourceType::kModel);
      file_.models.Apply(m.fqn, &m.config);
    }
    for (Seed& s : project_.seeds) {
      s.config = DefaultConfig(ResourceType::kSeed);
      file_.seeds.Apply(s.fqn, &s.config);
    }
    for (SingularTest& t : project_.singular_tests) {
      t.config = DefaultConfig(ResourceType::kTest);
      file_.tests.Apply(t.fqn, &t.config);
      file_.data_tests.Apply(t.fqn, &t.config);
    }
  }

  // ref('x') must name one model or seed; singular tests need names of their own.
  void CheckNames(PropertiesContext* context) {
    std::map<std::string, std::string> refable;  // name → path
    auto claim = [&](std::map<std::string, std::string>* names, const NodeFile& node, std::string_view what) {
      auto [it, fresh] = names->emplace(node.name, node.path);
      if (!fresh)
        problems_.AddFile(node.path, fmt::format("{} '{}' is defined twice: in {} and in {}", what, node.name,
                                                 problems_.Display(it->second), problems_.Display(node.path)));
      return fresh;
    };
    for (Model& m : project_.models)
      if (claim(&refable, m, "model")) context->models[m.name] = &m;
    for (Seed& s : project_.seeds)
      if (claim(&refable, s, "model or seed")) context->seeds[s.name] = &s;
    std::map<std::string, std::string> tests;
    for (SingularTest& t : project_.singular_tests)
      if (claim(&tests, t, "test")) context->singular_tests[t.name] = &t;
  }

  // Generic tests need unique names, and relationships a target that exists.
  void CheckTests() {
    std::map<std::string, FilePosition> names;
    for (const SingularTest& t : project_.singular_tests) names.emplace(t.name, FilePosition{t.path, 0, 0});
    for (const TestDefinition& t : project_.tests) {
      auto [it, fresh] = names.emplace(t.name, t.position);
      if (!fresh) {
        const FilePosition& first = it->second;
        problems_.Add(t.position, fmt::format("a test named '{}' is defined twice: here and in {}", t.name,
                                              first.line > 0 ? fmt::format("{}:{}:{}", problems_.Display(first.file),
                                                                           first.line, first.column)
                                                             : problems_.Display(first.file)));
      }
      if (!t.to) continue;
      const RelationRef& to = *t.to;
      const bool exists = to.kind == RelationRef::Kind::kRef
                              ? (project_.FindModel(to.name) || project_.FindSeed(to.name))
                              : project_.FindSourceTable(to.source_name, to.name) != nullptr;
      if (!exists)
        problems_.Add(t.position, fmt::format("test '{}' refers to {}, which the project does not define", t.name,
                                              to.text));
    }
  }

  Env* env_;
  Project& project_;
  ProjectFile& file_;
  ProjectProblems& problems_;
  std::set<std::pair<std::string, Kind>> seen_;
  std::set<std::string> docs_seen_, properties_seen_;
  std::vector<FoundFile> docs_files_, properties_files_;
};

}  // namespace

const Model* Project::FindModel(std::string_view name) const {
  for (const Model& m : models)
    if (m.name == name) return &m;
  return nullptr;
}

const Seed* Project::FindSeed(std::string_view name) const {
  for (const Seed& s : seeds)
    if (s.name == name) return &s;
  return nullptr;
}

const SourceTable* Project::FindSourceTable(std::string_view source, std::string_view table) const {
  for (const Source& s : sources) {
    if (s.name != source) continue;
    for (const SourceTable& t : s.tables)
      if (t.name == table) return &t;
  }
  return nullptr;
}

std::string Project::PathOf(const std::string& relative) const { return dir + "/" + relative; }

Result<Project> ReadProject(Env* env, const std::string& dir_in) {
  std::string dir = dir_in.empty() ? "." : dir_in;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const std::string project_yml = dir + "/dbt_project.yml";
  if (!env->Exists(project_yml))
    return Status::NotFound(fmt::format("'{}' is not a dbt project: it has no dbt_project.yml", dir));
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(env, project_yml));

  Project project;
  project.dir = dir;
  ProjectFile file;
  ProjectProblems problems(dir);
  if (!ReadProjectFile(text, &project, &file, &problems)) return problems.ToStatus();
  ProjectAssembler assembler(env, &project, &file, &problems);
  RETURN_IF_ERROR(assembler.FindFiles());
  RETURN_IF_ERROR(assembler.ReadEverything());
  if (!problems.empty()) return problems.ToStatus();
  return project;
}

}  // namespace sluice::models
