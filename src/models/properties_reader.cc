#include "models/properties_reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/docs_blocks.h"
#include "models/generic_tests.h"
#include "models/template_values.h"

namespace sluice::models {
namespace {

struct Refusal {
  std::string_view key;
  std::string_view reason;
};

constexpr Refusal kRefused[] = {
    {"snapshots", "snapshots are not supported"},
    {"unit_tests", "unit tests are not supported"},
    {"versions", "model versions are not supported"},
    {"latest_version", "model versions are not supported"},
    {"constraints", "constraints belong to model contracts, which sluice does not enforce"},
    {"database", "sluice reads and builds every relation in its own warehouse"},
    {"quoting", "identifiers are quoted the way the warehouse's dialect quotes them"},
    {"overrides", "packages are not supported"},
    {"external", "external tables are not supported"},
};

using Keys = std::initializer_list<std::string_view>;

// Each key of `map` is supported, ignored, refused (with its reason) or unknown.
void CheckEntryKeys(const YAML::Node& map, std::string_view what, Keys supported, Keys ignored,
                    const std::string& file, ProjectProblems* problems) {
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (std::find(supported.begin(), supported.end(), key) != supported.end()) continue;
    if (std::find(ignored.begin(), ignored.end(), key) != ignored.end()) continue;
    auto refused = std::find_if(std::begin(kRefused), std::end(kRefused), [&](const Refusal& r) { return r.key == key; });
    if (refused != std::end(kRefused)) {
      problems->Add(file, kv.first.Mark(), fmt::format("{}: '{}' is not supported: {}", what, key, refused->reason));
    } else {
      std::vector<std::string> expected(supported.begin(), supported.end());
      problems->Add(file, kv.first.Mark(),
                    fmt::format("unknown key '{}' in {} (expected one of: {})", key, what, fmt::join(expected, ", ")));
    }
  }
}

class PropertiesFile {
 public:
  PropertiesFile(const NodeFile& file, PropertiesContext* context)
      : file_(file), path_(file.path), c_(*context), problems_(context->problems) {}

  void Read(const YAML::Node& root) {
    if (root.IsNull()) return;
    if (!root.IsMap()) return problems_->Add(path_, root.Mark(), "a properties file must be a map (version, models, seeds, sources)");
    CheckEntryKeys(root, "a properties file", {"version", "models", "seeds", "sources", "data_tests"},
                   {"macros", "exposures", "metrics", "semantic_models", "saved_queries", "groups", "analyses"}, path_,
                   problems_);
    if (const auto v = root["version"]; v && (!v.IsScalar() || v.Scalar() != "2"))
      problems_->Add(path_, v.Mark(), "version must be 2");
    for (const auto& entry : List(root, "models")) ReadNode(entry, ResourceType::kModel);
    for (const auto& entry : List(root, "seeds")) ReadNode(entry, ResourceType::kSeed);
    for (const auto& entry : List(root, "sources")) ReadSource(entry);
    for (const auto& entry : List(root, "data_tests")) ReadSingularTest(entry);
  }

 private:
  // The entries under `key`: a list of maps, each with a name.
  std::vector<YAML::Node> List(const YAML::Node& map, const char* key) {
    std::vector<YAML::Node> out;
    const auto list = map[key];
    if (!list || list.IsNull()) return out;
    if (!list.IsSequence()) {
      problems_->Add(path_, list.Mark(), fmt::format("{} must be a list", key));
      return out;
    }
    for (const auto& entry : list) {
      if (!entry.IsMap() || !entry["name"] || !entry["name"].IsScalar() || entry["name"].Scalar().empty())
        problems_->Add(path_, entry.Mark(), fmt::format("each entry of {} must be a map with a name", key));
      else
        out.push_back(entry);
    }
    return out;
  }

  std::string Description(const YAML::Node& map) {
    const auto d = map["description"];
    if (!d || d.IsNull()) return "";
    if (!d.IsScalar()) {
      problems_->Add(path_, d.Mark(), "description must be text");
      return "";
    }
    return ResolveDocs(d.Scalar(), c_.docs, PositionOf(path_, d.Mark()), problems_);
  }

  // False (after a problem) if `what` was described before.
  bool Claim(const std::string& what, const YAML::Node& at) {
    auto [it, fresh] = c_.described.emplace(what, PositionOf(path_, at.Mark()));
    if (!fresh)
      problems_->Add(path_, at.Mark(), fmt::format("{} is described twice: here and at {}:{}:{}", what,
                                                   problems_->Display(it->second.file), it->second.line,
                                                   it->second.column));
    return fresh;
  }

  std::vector<ColumnProperties> ReadColumns(const YAML::Node& entry, const std::string& owner) {
    std::vector<ColumnProperties> columns;
    for (const auto& col : List(entry, "columns")) {
      const std::string what = fmt::format("column '{}' of {}", col["name"].Scalar(), owner);
      CheckEntryKeys(col, what, {"name", "description", "data_type", "quote", "tags", "tests", "data_tests", "config"},
                     {"meta", "granularity", "docs"}, path_, problems_);
      ColumnProperties c;
      c.name = col["name"].Scalar();
      c.description = Description(col);
      c.position = PositionOf(path_, col.Mark());
      if (const auto t = col["data_type"]; t && t.IsScalar()) c.data_type = t.Scalar();
      if (const auto q = col["quote"]; q) {
        const auto b = q.IsScalar() ? ParseConfigBool(q.Scalar()) : std::nullopt;
        if (!b) problems_->Add(path_, q.Mark(), "quote must be true or false");
        c.quote = b.value_or(false);
      }
      NodeConfig tags;  // the column's tags, as a config's would be checked
      const YAML::Node config = col["config"];
      if (config && !config.IsNull() && !config.IsMap()) problems_->Add(path_, config.Mark(), "config must be a map");
      for (const YAML::Node& t : {col["tags"], config && config.IsMap() ? config["tags"] : YAML::Node()}) {
        if (!t) continue;
        const Status st = ApplyConfigKey(ResourceType::kTest, "tags", ConfigValueOf(t), &tags);
        if (!st.ok()) problems_->Add(path_, t.Mark(), st.message());
      }
      if (config && config.IsMap()) CheckEntryKeys(config, what + "'s config", {"tags"}, {"meta"}, path_, problems_);
      c.tags = std::move(tags.tags);
      columns.push_back(std::move(c));
    }
    return columns;
  }

  // The tests of `entry` (tests: or data_tests:), and of each of its columns.
  void ReadTests(const YAML::Node& entry, const std::vector<ColumnProperties>& columns, TestTarget target) {
    TestContext context{&file_, c_.project->name, &c_.custom_tests, c_.test_trees};
    auto tests_of = [&](const YAML::Node& map) {
      if (map["tests"] && map["data_tests"]) {
        problems_->Add(path_, map["data_tests"].Mark(), "use tests or data_tests, not both");
        return;
      }
      const YAML::Node list = map["data_tests"] ? map["data_tests"] : map["tests"];
      if (!list || list.IsNull()) return;
      if (!list.IsSequence()) return problems_->Add(path_, list.Mark(), "tests must be a list");
      for (const auto& t : list) ParseGenericTest(t, target, context, &c_.project->tests, problems_);
    };
    tests_of(entry);
    size_t i = 0;
    for (const auto& col : List(entry, "columns")) {
      if (i >= columns.size()) break;
      target.column = &columns[i++];
      tests_of(col);
    }
  }

  void ReadNode(const YAML::Node& entry, ResourceType type) {
    const std::string name = entry["name"].Scalar();
    const std::string what = fmt::format("{} '{}'", ResourceTypeName(type), name);
    CheckEntryKeys(entry, what, {"name", "description", "config", "columns", "tests", "data_tests"},
                   {"docs", "meta", "group", "access", "deprecation_date", "time_spine"}, path_, problems_);
    if (!Claim(what, entry)) return;
    const bool model = type == ResourceType::kModel;
    NodeFile* node = nullptr;
    if (model) {
      if (auto it = c_.models.find(name); it != c_.models.end()) node = it->second;
    } else if (auto it = c_.seeds.find(name); it != c_.seeds.end()) {
      node = it->second;
    }
    if (!node) {
      const auto& paths = model ? c_.project->model_paths : c_.project->seed_paths;
      return problems_->Add(path_, entry.Mark(), fmt::format("{} has no {} file under {}", what, model ? ".sql" : ".csv",
                                                             fmt::join(paths, ", ")));
    }
    Model* m = model ? static_cast<Model*>(node) : nullptr;
    Seed* s = model ? nullptr : static_cast<Seed*>(node);
    NodeConfig& config = model ? m->config : s->config;
    ApplyConfigMap(entry["config"], type, path_, &config, problems_);
    (model ? m->description : s->description) = Description(entry);
    (model ? m->properties : s->properties) = PositionOf(path_, entry.Mark());
    auto& columns = model ? m->columns : s->columns;
    columns = ReadColumns(entry, what);
    ReadTests(entry, columns, TestTarget{type, name, "", nullptr, config.enabled});
  }

  void ReadSource(const YAML::Node& entry) {
    Source source;
    source.name = entry["name"].Scalar();
    const std::string what = fmt::format("source '{}'", source.name);
    CheckEntryKeys(entry, what, {"name", "description", "schema", "tables", "config", "tags"},
                   {"meta", "loader", "loaded_at_field", "freshness"}, path_, problems_);
    if (!Claim(what, entry)) return;
    source.schema = entry["schema"] && entry["schema"].IsScalar() ? entry["schema"].Scalar() : source.name;
    source.description = Description(entry);
    source.path = path_;
    source.position = PositionOf(path_, entry.Mark());
    std::vector<YAML::Node> table_entries;  // those kept, in the order of source.tables
    for (const auto& t : List(entry, "tables")) {
      SourceTable table;
      table.name = t["name"].Scalar();
      const std::string table_what = fmt::format("table '{}' of source '{}'", table.name, source.name);
      CheckEntryKeys(t, table_what, {"name", "identifier", "description", "columns", "tests", "data_tests", "config", "tags"},
                     {"meta", "loaded_at_field", "freshness"}, path_, problems_);
      if (!Claim(fmt::format("source table '{}.{}'", source.name, table.name), t)) continue;
      table_entries.push_back(t);
      table.identifier = t["identifier"] && t["identifier"].IsScalar() ? t["identifier"].Scalar() : table.name;
      table.description = Description(t);
      table.position = PositionOf(path_, t.Mark());
      table.fqn = {c_.project->name};
      table.fqn.insert(table.fqn.end(), file_.folders.begin(), file_.folders.end());
      table.fqn.push_back(source.name);
      table.fqn.push_back(table.name);
      // Precedence: the sources tree, the source's config and tags, the table's.
      table.config = DefaultConfig(ResourceType::kSource);
      c_.sources_tree->Apply(table.fqn, &table.config);
      for (const YAML::Node& level : {entry, t}) {
        ApplyConfigMap(level["config"], ResourceType::kSource, path_, &table.config, problems_);
        if (const auto tags = level["tags"]) {
          const Status st = ApplyConfigKey(ResourceType::kSource, "tags", ConfigValueOf(tags), &table.config);
          if (!st.ok()) problems_->Add(path_, tags.Mark(), st.message());
        }
      }
      table.columns = ReadColumns(t, table_what);
      source.tables.push_back(std::move(table));
    }
    // Tests after the tables are in place: their columns are pointed to.
    c_.project->sources.push_back(std::move(source));
    const Source& stored = c_.project->sources.back();
    for (size_t i = 0; i < table_entries.size(); ++i) {
      const SourceTable& table = stored.tables[i];
      ReadTests(table_entries[i], table.columns,
                TestTarget{ResourceType::kSource, table.name, stored.name, nullptr, table.config.enabled});
    }
  }

  void ReadSingularTest(const YAML::Node& entry) {
    const std::string name = entry["name"].Scalar();
    const std::string what = fmt::format("test '{}'", name);
    CheckEntryKeys(entry, what, {"name", "description", "config"}, {"docs", "meta"}, path_, problems_);
    if (!Claim(what, entry)) return;
    auto it = c_.singular_tests.find(name);
    if (it == c_.singular_tests.end())
      return problems_->Add(path_, entry.Mark(), fmt::format("{} has no .sql file under {}", what,
                                                             fmt::join(c_.project->test_paths, ", ")));
    it->second->description = Description(entry);
    ApplyConfigMap(entry["config"], ResourceType::kTest, path_, &it->second->config, problems_);
  }

  const NodeFile& file_;
  const std::string& path_;
  PropertiesContext& c_;
  ProjectProblems* problems_;
};

}  // namespace

void ReadPropertiesFile(const NodeFile& file, const std::string& text, PropertiesContext* context) {
  try {
    const YAML::Node root = YAML::Load(text);
    if (Status size = CheckYamlSize(root); !size.ok()) {
      context->problems->AddFile(file.path, size.message());
      return;
    }
    PropertiesFile(file, context).Read(root);
  } catch (const YAML::Exception& e) {
    context->problems->Add(file.path, e.mark, e.msg);
  }
}

}  // namespace sluice::models
