// Turns a project into SQL: parses every node once (rendering it with
// `execute` false, as dbt does, to learn its config() and the relations its
// ref() and source() calls name) into a Manifest, then compiles a node when
// it runs: its template rendered again with `execute` true and
// is_incremental() from the warehouse, its ephemeral parents put in front
// as CTEs; a generic test's query made from the built-in definition or the
// project's {% test %} macro.
//
// The relations ref() names are the warehouse's (ModelStore::Relation); the
// source `events` holds every catalog table and its staging table. A
// source's `schema:` is not used: sluice's warehouse is one namespace.
//
// Used from one thread (it renders with the store's connection for
// is_incremental()). Errors name file:line:col and the construct.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>


#include "base/status.h"
#include "jinja/environment.h"
#include "models/manifest.h"
#include "models/node_render.h"
#include "models/project.h"
#include "warehouse/model_store.h"

namespace sluice::models {

struct CompileOptions {
  std::string config_vars;         // sluice.yaml's models.vars, YAML text
  std::string cli_vars;            // --vars, YAML
  std::string target = "dev";      // target.name
  // The catalog's tables, final and staging: what source('events', …) names.
  std::vector<std::string> event_tables;
  std::string invocation_id;
  int64_t started_micros = 0;      // run_started_at
};

class Compiler final : private RelationResolver {
 public:
  // Loads the project's macros and parses every node. `store` outlives the
  // compiler. InvalidArgument with every problem found, one per line.
  static Result<std::unique_ptr<Compiler>> Create(std::shared_ptr<const Project> project, ModelStore* store,
                                                  const CompileOptions& options);

  const Manifest& manifest() const { return manifest_; }

  // Whether running `node` now updates its table incrementally: an
  // incremental model whose table exists, not refreshed in full (the
  // node's full_refresh config, when set, overrides `full_refresh`).
  Result<bool> IsIncremental(const ManifestNode& node, bool full_refresh);

  // The SQL `node` runs: a model's SELECT, a test's query of failing rows
  // (with its `limit`). Not for seeds and sources.
  Result<std::string> Compile(const ManifestNode& node, bool full_refresh);

 private:
  Compiler(std::shared_ptr<const Project> project, ModelStore* store) : manifest_(project), project_(std::move(project)), store_(store) {}

  Status Setup(const CompileOptions& options);
  Status Parse();
  void AddEventSources(const std::vector<std::string>& event_tables);
  // A problem for each model or seed that would build over sluice's own
  // tables: the event tables, the staging tables, sluice_*.
  void RefuseSluiceRelations(const std::function<void(std::string)>& problem) const;

  // RelationResolver.
  Result<ResolvedRelation> Ref(std::string_view package, std::string_view name) override;
  Result<ResolvedRelation> Source(std::string_view source, std::string_view table) override;
  Result<ResolvedRelation> RelationOf(const ManifestNode& node);

  NodeRenderSetup SetupFor(const ManifestNode& node, bool execute, bool is_incremental) const;
  Result<std::shared_ptr<const jinja::Template>> TemplateOf(const ManifestNode& node);
  // Renders a model or singular test; *ephemeral gets its ephemeral parents.
  Result<std::string> Render(const ManifestNode& node, bool is_incremental, std::vector<std::string>* ephemeral);
  Result<std::string> GenericTestSql(const ManifestNode& node, std::vector<std::string>* ephemeral);
  // `sql` with the ephemeral models it reads (and theirs) as CTEs before it.
  Result<std::string> WithEphemerals(std::string sql, const std::vector<std::string>& ephemeral);
  Status CollectEphemeral(const std::string& id, std::vector<std::string>* order, std::vector<std::string>* visiting);

  Manifest manifest_;
  std::shared_ptr<const Project> project_;
  ModelStore* store_;
  std::unordered_set<std::string> event_relations_;  // AddEventSources': sluice's, never a model's
  jinja::Environment env_;
  std::map<std::string, std::shared_ptr<const jinja::Template>> templates_;  // by node id
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> ephemeral_bodies_;  // id → (SQL, its ephemeral parents)
};

// Puts `ctes` ("name as (…)" each) in front of `sql`: into its WITH clause
// when it opens with one (after comments), else as a new one.
std::string InjectCtes(std::string_view sql, const std::vector<std::string>& ctes);
// `sql` with each reference to the ephemeral model `name` (a whole word, not
// a column's qualifier `name.`) replaced by "(\n<body>\n) AS name": for a
// warehouse without CTEs.
std::string InlineSubquery(std::string_view sql, std::string_view name, std::string_view body);

}  // namespace sluice::models
