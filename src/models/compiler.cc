#include "models/compiler.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include <fmt/format.h>

#include "base/clock.h"
#include "models/dbt_globals.h"
#include "models/project_graph.h"
#include "models/template_values.h"
#include "models/test_sql.h"

namespace sluice::models {
namespace {

std::string CteName(const ManifestNode& node) { return "__dbt__cte__" + node.graph.name; }

// The relation a model or seed builds: its alias, else its name.
std::string RelationName(const std::string& name, const NodeConfig& config) { return config.alias.value_or(name); }

// Skips whitespace and SQL comments from `at`.
size_t SkipSpaceAndComments(std::string_view sql, size_t at) {
  while (at < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[at]))) {
      ++at;
    } else if (sql.compare(at, 2, "--") == 0) {
      size_t end = sql.find('\n', at);
      at = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.compare(at, 2, "/*") == 0) {
      size_t end = sql.find("*/", at + 2);
      at = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  return at;
}

// Whether `sql` at `at` is the keyword `word` (any case, whole word).
bool KeywordAt(std::string_view sql, size_t at, std::string_view word) {
  if (sql.size() - at < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(sql[at + i])) != word[i]) return false;
  size_t end = at + word.size();
  return end == sql.size() || !(std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_');
}

}  // namespace

std::string InlineSubquery(std::string_view sql, std::string_view name, std::string_view body) {
  std::string out;
  size_t at = 0;
  const auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  while (true) {
    const size_t found = sql.find(name, at);
    if (found == std::string_view::npos) break;
    const size_t end = found + name.size();
    const bool whole = (found == 0 || !word_char(sql[found - 1])) && (end == sql.size() || !word_char(sql[end]));
    const bool qualifier = end < sql.size() && sql[end] == '.';
    out += sql.substr(at, found - at);
    if (whole && !qualifier) out += fmt::format("(\n{}\n) AS {}", body, name);
    else out += name;
    at = end;
  }
  out += sql.substr(at);
  return out;
}

std::string InjectCtes(std::string_view sql, const std::vector<std::string>& ctes) {
  if (ctes.empty()) return std::string(sql);
  std::string list;
  for (const std::string& cte : ctes) {
    if (!list.empty()) list += ",\n";
    list += cte;
  }
  size_t at = SkipSpaceAndComments(sql, 0);
  if (KeywordAt(sql, at, "with")) {
    size_t after = at + 4;
    size_t next = SkipSpaceAndComments(sql, after);
    if (KeywordAt(sql, next, "recursive")) after = next + 9;
    return fmt::format("{}\n{},\n{}", sql.substr(0, after), list, sql.substr(after));
  }
  return fmt::format("with {}\n{}", list, sql);
}

Result<std::unique_ptr<Compiler>> Compiler::Create(std::shared_ptr<const Project> project, ModelStore* store,
                                                   const CompileOptions& options) {
  std::unique_ptr<Compiler> c(new Compiler(std::move(project), store));
  RETURN_IF_ERROR(c->Setup(options));
  c->AddEventSources(options.event_tables);
  RETURN_IF_ERROR(c->Parse());
  return c;
}

Status Compiler::Setup(const CompileOptions& options) {
  ASSIGN_OR_RETURN(jinja::Value vars, MergeVars(project_->vars, options.config_vars, options.cli_vars));
  ProjectGlobals g;
  g.vars = std::move(vars);
  g.target_name = options.target;
  g.schema = store_->schema();
  g.adapter = std::string(store_->adapter_type());
  g.dialect = &store_->dialect();
  g.invocation_id = options.invocation_id;
  g.run_started_at = FormatTimestamp(options.started_micros);
  InstallDbtGlobals(g, &env_);
  std::string problems;
  for (const MacroFile& file : project_->macros) {
    Status st = env_.AddMacros(file.text, project_->PathOf(file.path));
    if (!st.ok()) problems += std::string(problems.empty() ? "" : "\n") + std::string(st.message());
  }
  if (!problems.empty()) return Status::InvalidArgument(problems);
  return Status::Ok();
}

void Compiler::AddEventSources(const std::vector<std::string>& event_tables) {
  const std::string& pkg = project_->name;
  for (const std::string& table : event_tables) {
    event_relations_.insert(table);
    if (project_->FindSourceTable(kEventsSource, table) != nullptr) continue;  // the project describes it itself
    ManifestNode n;
    n.graph.unique_id = SourceId(pkg, std::string(kEventsSource), table);
    n.graph.type = ResourceType::kSource;
    n.graph.name = table;
    n.graph.package = pkg;
    n.graph.source_name = std::string(kEventsSource);
    n.graph.fqn = {pkg, std::string(kEventsSource), table};
    n.relation = table;
    n.config = DefaultConfig(ResourceType::kSource);
    manifest_.Add(std::move(n));
  }
}

Status Compiler::Parse() {
  const Project& p = *project_;
  std::unordered_map<std::string, GraphNode> graph;
  for (GraphNode& g : GraphNodesOf(p)) graph.emplace(g.unique_id, std::move(g));
  auto add = [&](ResourceType type, const std::string& name, const NodeConfig& config) -> ManifestNode* {
    auto it = graph.find(type == ResourceType::kSource ? name : NodeId(type, p.name, name));
    if (it == graph.end()) return nullptr;  // disabled
    ManifestNode n;
    n.graph = std::move(it->second);
    n.config = config;
    return &manifest_.Add(std::move(n));
  };
  for (const Model& m : p.models)
    if (ManifestNode* n = add(ResourceType::kModel, m.name, m.config)) n->model = &m;
  for (const Seed& s : p.seeds)
    if (ManifestNode* n = add(ResourceType::kSeed, s.name, s.config)) {
      n->seed = &s;
      n->relation = RelationName(s.name, s.config);
    }
  for (const SingularTest& t : p.singular_tests)
    if (ManifestNode* n = add(ResourceType::kTest, t.name, t.config)) n->singular = &t;
  for (const TestDefinition& t : p.tests)
    if (ManifestNode* n = add(ResourceType::kTest, t.file.name, t.config)) n->test = &t;
  for (const models::Source& s : p.sources)
    for (const SourceTable& t : s.tables)
      if (ManifestNode* n = add(ResourceType::kSource, SourceId(p.name, s.name, t.name), t.config)) {
        n->source = &s;
        n->source_table = &t;
        n->relation = t.identifier;
      }

  // Render models and singular tests, which may change their own config
  // and name what they read.
  std::string problems;
  auto problem = [&](std::string_view message) {
    if (!problems.empty()) problems += '\n';
    problems += message;
  };
  std::vector<std::string> disabled;
  for (size_t i = 0; i < manifest_.nodes().size(); ++i) {
    const ManifestNode& node = manifest_.nodes()[i];
    if (node.model == nullptr && node.singular == nullptr) continue;
    auto tmpl = TemplateOf(node);
    if (!tmpl.ok()) {
      problem(tmpl.status().message());
      continue;
    }
    NodeRender render(this, SetupFor(node, /*execute=*/false, /*is_incremental=*/false));
    auto text = env_.Render(**tmpl, render.Locals());
    if (!text.ok()) {
      problem(text.status().message());
      continue;
    }
    ManifestNode& n = *manifest_.FindMutable(node.id());
    n.config = render.config();
    for (const std::string& parent : render.parents())
      if (std::find(n.graph.parents.begin(), n.graph.parents.end(), parent) == n.graph.parents.end())
        n.graph.parents.push_back(parent);
    n.graph.tags = n.config.tags;
    n.graph.materialized = std::string(MaterializationName(n.config.materialized));
    if (n.model != nullptr) n.relation = RelationName(n.graph.name, n.config);
    if (!n.config.enabled) disabled.push_back(n.id());
  }
  RefuseSluiceRelations(problem);
  if (!problems.empty()) return Status::InvalidArgument(problems);
  if (!disabled.empty()) {
    // A node disabled by its own config() leaves, and so do the tests on it;
    // anything else that reads it is an error, as in dbt.
    Manifest kept(project_);
    std::unordered_map<std::string, bool> gone;
    for (const std::string& id : disabled) gone[id] = true;
    for (const ManifestNode& n : manifest_.nodes()) {
      if (gone.count(n.id())) continue;
      bool reads_gone = std::any_of(n.graph.parents.begin(), n.graph.parents.end(),
                                    [&](const std::string& parent) { return gone.count(parent) > 0; });
      if (reads_gone && n.test != nullptr) continue;
      if (reads_gone) {
        for (const std::string& parent : n.graph.parents)
          if (gone.count(parent))
            problem(fmt::format("{}: {} reads {}, which its config() disables", project_->PathOf(n.path()), n.id(), parent));
        continue;
      }
      kept.Add(n);
    }
    if (!problems.empty()) return Status::InvalidArgument(problems);
    manifest_ = std::move(kept);
  }
  return Status::Ok();
}

void Compiler::RefuseSluiceRelations(const std::function<void(std::string)>& problem) const {
  for (const ManifestNode& n : manifest_.nodes()) {
    const bool builds = (n.graph.type == ResourceType::kModel && !n.is_ephemeral()) || n.graph.type == ResourceType::kSeed;
    if (!builds || !n.config.enabled) continue;
    const bool event_table = event_relations_.count(n.relation) > 0;
    if (!event_table && n.relation.rfind("sluice_", 0) != 0) continue;
    problem(fmt::format("{}: {} would build '{}', which is sluice's own {}: building it would replace that table; "
                        "rename the {} or give it another alias",
                        project_->PathOf(n.path()), n.id(), n.relation,
                        event_table ? "table of the events (sluice.yaml)" : "bookkeeping table",
                        ResourceTypeName(n.graph.type)));
  }
}

NodeRenderSetup Compiler::SetupFor(const ManifestNode& node, bool execute, bool is_incremental) const {
  NodeRenderSetup s;
  s.type = node.graph.type;
  s.unique_id = node.id();
  s.name = node.graph.name;
  s.path = node.path();
  s.config = node.config;
  s.schema = store_->schema();
  s.execute = execute;
  s.is_incremental = is_incremental;
  if (node.model != nullptr) {
    s.this_name = RelationName(node.graph.name, node.config);
    s.this_sql = node.is_ephemeral() ? CteName(node) : store_->Relation(s.this_name);
  }
  return s;
}

Result<std::shared_ptr<const jinja::Template>> Compiler::TemplateOf(const ManifestNode& node) {
  auto it = templates_.find(node.id());
  if (it != templates_.end()) return it->second;
  const std::string& sql = node.model != nullptr ? node.model->sql : node.singular->sql;
  ASSIGN_OR_RETURN(auto tmpl, env_.Parse(sql, project_->PathOf(node.path())));
  templates_.emplace(node.id(), tmpl);
  return tmpl;
}

Result<ResolvedRelation> Compiler::RelationOf(const ManifestNode& node) {
  ResolvedRelation r;
  r.unique_id = node.id();
  r.ephemeral = node.is_ephemeral();
  r.sql = r.ephemeral ? CteName(node) : store_->Relation(node.relation.empty() ? node.graph.name : node.relation);
  return r;
}

Result<ResolvedRelation> Compiler::Ref(std::string_view package, std::string_view name) {
  if (!package.empty() && package != project_->name)
    return Status::NotFound(fmt::format("ref('{}', '{}'): there is no package '{}' (sluice builds one project, '{}')",
                                        package, name, package, project_->name));
  for (ResourceType type : {ResourceType::kModel, ResourceType::kSeed}) {
    if (const ManifestNode* n = manifest_.Find(NodeId(type, project_->name, std::string(name)))) return RelationOf(*n);
  }
  bool disabled = project_->FindModel(name) != nullptr || project_->FindSeed(name) != nullptr;
  return Status::NotFound(fmt::format("ref('{}'): {}", name,
                                      disabled ? "that node is disabled" : "no model or seed has that name"));
}

Result<ResolvedRelation> Compiler::Source(std::string_view source, std::string_view table) {
  const ManifestNode* n = manifest_.Find(SourceId(project_->name, std::string(source), std::string(table)));
  if (n == nullptr) {
    return Status::NotFound(fmt::format(
        "source('{}', '{}'): no such source table: declare it under sources: in a properties file{}", source, table,
        source == kEventsSource ? ", or add the event to the catalog" : ""));
  }
  return RelationOf(*n);
}

Result<bool> Compiler::IsIncremental(const ManifestNode& node, bool full_refresh) {
  if (node.model == nullptr || node.config.materialized != Materialization::kIncremental) return false;
  if (node.config.full_refresh.value_or(full_refresh)) return false;
  ASSIGN_OR_RETURN(auto kind, store_->Find(node.relation));
  return kind.has_value() && *kind == RelationKind::kTable;
}

Result<std::string> Compiler::Render(const ManifestNode& node, bool is_incremental, std::vector<std::string>* ephemeral) {
  ASSIGN_OR_RETURN(auto tmpl, TemplateOf(node));
  NodeRender render(this, SetupFor(node, /*execute=*/true, is_incremental));
  ASSIGN_OR_RETURN(std::string sql, env_.Render(*tmpl, render.Locals()));
  *ephemeral = render.ephemeral_parents();
  return sql;
}

Status Compiler::CollectEphemeral(const std::string& id, std::vector<std::string>* order,
                                  std::vector<std::string>* visiting) {
  if (std::find(order->begin(), order->end(), id) != order->end()) return Status::Ok();
  if (std::find(visiting->begin(), visiting->end(), id) != visiting->end())
    return Status::InvalidArgument(fmt::format("ephemeral models read each other in a cycle, at {}", id));
  const ManifestNode* node = manifest_.Find(id);
  if (node == nullptr) return Status::Internal(fmt::format("no node {}", id));
  auto cached = ephemeral_bodies_.find(id);
  if (cached == ephemeral_bodies_.end()) {
    std::vector<std::string> parents;
    ASSIGN_OR_RETURN(std::string body, Render(*node, false, &parents));
    cached = ephemeral_bodies_.emplace(id, std::make_pair(std::move(body), std::move(parents))).first;
  }
  visiting->push_back(id);
  for (const std::string& parent : cached->second.second) RETURN_IF_ERROR(CollectEphemeral(parent, order, visiting));
  visiting->pop_back();
  order->push_back(id);
  return Status::Ok();
}

Result<std::string> Compiler::WithEphemerals(std::string sql, const std::vector<std::string>& ephemeral) {
  if (ephemeral.empty()) return sql;
  std::vector<std::string> order, visiting;
  for (const std::string& id : ephemeral) RETURN_IF_ERROR(CollectEphemeral(id, &order, &visiting));
  if (!store_->dialect().HasCtes()) {
    // Each in turn replaces the references to it in the ones after it
    // (which may read it) and in the SQL.
    std::vector<std::pair<std::string, std::string>> inlined;  // name, body with the earlier ones inlined
    for (const std::string& id : order) {
      std::string body = ephemeral_bodies_.at(id).first;
      for (const auto& [name, earlier] : inlined) body = InlineSubquery(body, name, earlier);
      inlined.emplace_back(CteName(*manifest_.Find(id)), std::move(body));
    }
    for (const auto& [name, body] : inlined) sql = InlineSubquery(sql, name, body);
    return sql;
  }
  std::vector<std::string> ctes;
  for (const std::string& id : order)
    ctes.push_back(fmt::format("{} as (\n{}\n)", CteName(*manifest_.Find(id)), ephemeral_bodies_.at(id).first));
  return InjectCtes(sql, ctes);
}

Result<std::string> Compiler::GenericTestSql(const ManifestNode& node, std::vector<std::string>* ephemeral) {
  const TestDefinition& t = *node.test;
  auto resolve = [&](ResourceType type, const std::string& name, const std::string& source) -> Result<ResolvedRelation> {
    auto r = type == ResourceType::kSource ? Source(source, name) : Ref("", name);
    if (!r.ok()) return Status::InvalidArgument(fmt::format("{}:{}:{}: test {}: {}", project_->PathOf(t.position.file),
                                                            t.position.line, t.position.column, t.name, r.status().message()));
    if (r->ephemeral) ephemeral->push_back(r->unique_id);
    return r;
  };
  ASSIGN_OR_RETURN(ResolvedRelation target, resolve(t.target_type, t.target_name, t.target_source));
  std::string relation = TestedRelation(target.sql, node.config);
  if (t.kind != GenericTestKind::kCustom) {
    std::string to;
    if (t.to) {
      ASSIGN_OR_RETURN(ResolvedRelation parent, resolve(t.to->kind == RelationRef::Kind::kSource ? ResourceType::kSource
                                                                                                    : ResourceType::kModel,
                                                        t.to->name, t.to->source_name));
      to = parent.sql;
    }
    return BuiltinTestSql(t, relation, to);
  }
  // The project's {% test name(model, column_name, …) %}, called as dbt calls it.
  jinja::CallArgs args;
  jinja::Dict attrs;
  attrs.Set("name", jinja::Value(t.target_name));
  attrs.Set("identifier", jinja::Value(t.target_name));
  attrs.Set("schema", jinja::Value(store_->schema()));
  args.keyword.emplace_back("model", jinja::Value::Object("relation", std::move(attrs), relation));
  if (t.column) args.keyword.emplace_back("column_name", jinja::Value(*t.column));
  for (const TestArgument& a : t.arguments) {
    ASSIGN_OR_RETURN(jinja::Value v, ValueFromYamlText(a.yaml, fmt::format("test {} argument {}", t.name, a.name)));
    args.keyword.emplace_back(a.name, std::move(v));
  }
  NodeRender render(this, SetupFor(node, /*execute=*/true, /*is_incremental=*/false));
  auto sql = env_.Call("test_" + t.test_name, args, render.Locals());
  if (!sql.ok()) {
    return sql.status().WithContext(
        fmt::format("{}:{}:{}: test {}", project_->PathOf(t.position.file), t.position.line, t.position.column, t.name));
  }
  for (const std::string& id : render.ephemeral_parents()) ephemeral->push_back(id);
  return sql->ToString();
}

Result<std::string> Compiler::Compile(const ManifestNode& node, bool full_refresh) {
  std::vector<std::string> ephemeral;
  std::string sql;
  if (node.model != nullptr || node.singular != nullptr) {
    ASSIGN_OR_RETURN(bool incremental, IsIncremental(node, full_refresh));
    ASSIGN_OR_RETURN(sql, Render(node, incremental, &ephemeral));
  } else if (node.test != nullptr) {
    ASSIGN_OR_RETURN(sql, GenericTestSql(node, &ephemeral));
  } else {
    return Status::InvalidArgument(fmt::format("{} is a {}: it has no SQL", node.id(), ResourceTypeName(node.graph.type)));
  }
  ASSIGN_OR_RETURN(sql, WithEphemerals(std::move(sql), ephemeral));
  if (node.graph.type == ResourceType::kTest) return LimitFailures(sql, node.config);
  return sql;
}

}  // namespace sluice::models
