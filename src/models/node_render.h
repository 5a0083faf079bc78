// What one render of one node sees besides the project's globals
// (dbt_globals.h): ref(), source(), config (callable, with .get and
// .require), this, is_incremental(), model and execute; and what the render
// asked for: the relations it named and its config() calls.
//
// One NodeRender serves one render on one thread; the functions in its
// Locals() refer to it, so it must outlive the render.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "jinja/value.h"
#include "models/manifest.h"
#include "models/node_config.h"

namespace sluice::models {

// A relation a ref() or source() names.
struct ResolvedRelation {
  std::string unique_id;
  std::string sql;         // what the template gets: the quoted relation, or an ephemeral model's CTE name
  bool ephemeral = false;
};

// Finds what ref() and source() name; the compiler.
class RelationResolver {
 public:
  virtual ~RelationResolver() = default;
  // `package` empty for ref('name'). Errors: a message (no position) saying
  // what was not found.
  virtual Result<ResolvedRelation> Ref(std::string_view package, std::string_view name) = 0;
  virtual Result<ResolvedRelation> Source(std::string_view source, std::string_view table) = 0;
};

struct NodeRenderSetup {
  ResourceType type = ResourceType::kModel;
  std::string unique_id;
  std::string name;
  std::string path;         // the node's file, relative to the project
  NodeConfig config;        // before the render's config() calls
  std::string this_sql;     // what {{ this }} renders to; empty: `this` is not defined
  std::string this_name;    // the relation's name (this.name, this.identifier)
  std::string schema;       // this.schema
  bool execute = false;     // false while parsing, as dbt's
  bool is_incremental = false;
};

class NodeRender {
 public:
  NodeRender(RelationResolver* resolver, NodeRenderSetup setup) : resolver_(resolver), setup_(std::move(setup)) {}
  NodeRender(const NodeRender&) = delete;
  NodeRender& operator=(const NodeRender&) = delete;

  // The names the render sees; they call back into this object.
  jinja::Dict Locals();

  // The unique ids the render's ref() and source() calls named, first
  // call first, each once.
  const std::vector<std::string>& parents() const { return parents_; }
  // The ephemeral models among them, in the same order.
  const std::vector<std::string>& ephemeral_parents() const { return ephemeral_parents_; }
  // The node's config with its config() calls applied.
  const NodeConfig& config() const { return setup_.config; }

 private:
  Result<jinja::Value> Ref(const jinja::CallArgs& args, jinja::CallContext& ctx);
  Result<jinja::Value> Source(const jinja::CallArgs& args, jinja::CallContext& ctx);
  Result<jinja::Value> Config(const jinja::CallArgs& args, jinja::CallContext& ctx);
  Result<jinja::Value> ConfigGet(const jinja::CallArgs& args, jinja::CallContext& ctx, bool required);
  jinja::Value Relation(const ResolvedRelation& r, std::string_view name) const;
  void AddParent(const ResolvedRelation& r);

  RelationResolver* resolver_;
  NodeRenderSetup setup_;
  std::vector<std::string> parents_;
  std::vector<std::string> ephemeral_parents_;
};

// A config key's value as config.get() returns it; None when not set.
jinja::Value ConfigEntry(const NodeConfig& config, std::string_view key);

// A template's value as config() arguments are checked (node_config.h's ConfigValue).
ConfigValue TemplateConfigValue(const jinja::Value& value);

}  // namespace sluice::models
