#include "models/node_render.h"

#include <algorithm>

#include <fmt/format.h>

#include "jinja/call_context.h"

namespace sluice::models {
namespace {

using jinja::CallArgs;
using jinja::CallContext;
using jinja::Dict;
using jinja::Value;

Value StringList(const std::vector<std::string>& items) {
  jinja::List list;
  for (const auto& s : items) list.emplace_back(s);
  return Value::FromList(std::move(list));
}

template <typename T>
Value Optional(const std::optional<T>& v) {
  return v ? Value(*v) : Value::None();
}

std::string_view StrategyName(IncrementalStrategy s) {
  switch (s) {
    case IncrementalStrategy::kDeleteInsert: return "delete+insert";
    case IncrementalStrategy::kAppend: return "append";
    case IncrementalStrategy::kDefault: break;
  }
  return "";
}

std::string_view SchemaChangeName(OnSchemaChange c) {
  switch (c) {
    case OnSchemaChange::kAppendNewColumns: return "append_new_columns";
    case OnSchemaChange::kFail: return "fail";
    case OnSchemaChange::kIgnore: break;
  }
  return "ignore";
}

}  // namespace

Value ConfigEntry(const NodeConfig& c, std::string_view key) {
  if (key == "materialized") return Value(MaterializationName(c.materialized));
  if (key == "enabled") return Value(c.enabled);
  if (key == "tags") return StringList(c.tags);
  if (key == "alias") return Optional(c.alias);
  if (key == "schema") return Optional(c.schema);
  if (key == "full_refresh") return Optional(c.full_refresh);
  if (key == "unique_key") {
    if (c.unique_key.empty()) return Value::None();
    return c.unique_key.size() == 1 ? Value(c.unique_key[0]) : StringList(c.unique_key);
  }
  if (key == "on_schema_change") return Value(SchemaChangeName(c.on_schema_change));
  if (key == "incremental_strategy") {
    std::string_view s = StrategyName(c.incremental_strategy);
    return s.empty() ? Value::None() : Value(s);
  }
  if (key == "column_types") {
    Dict d;
    for (const auto& [column, type] : c.column_types) d.Set(column, Value(type));
    return Value::FromDict(std::move(d));
  }
  if (key == "quote_columns") return Optional(c.quote_columns);
  if (key == "delimiter") return Value(std::string(1, c.delimiter));
  if (key == "severity") return Value(c.severity == Severity::kWarn ? "warn" : "error");
  if (key == "where") return Optional(c.where);
  if (key == "store_failures") return Optional(c.store_failures);
  if (key == "limit") return c.limit ? Value(*c.limit) : Value::None();
  return Value::None();
}

ConfigValue TemplateConfigValue(const Value& v) {
  auto scalar_text = [](const Value& x) -> std::optional<std::string> {
    if (x.is_bool()) return std::string(x.as_bool() ? "true" : "false");
    if (x.is_string() || x.is_number()) return x.ToString();
    return std::nullopt;
  };
  ConfigValue out;
  if (v.is_none() || v.is_undefined()) return out;
  if (auto s = scalar_text(v)) return ConfigValue::Scalar(*s);
  if (v.is_list()) {
    std::vector<std::string> items;
    for (const Value& item : v.as_list()) {
      auto s = scalar_text(item);
      if (!s) {
        out.kind = ConfigValue::Kind::kNested;
        return out;
      }
      items.push_back(*s);
    }
    return ConfigValue::List(std::move(items));
  }
  if (v.is_dict()) {
    out.kind = ConfigValue::Kind::kMap;
    for (const auto& [k, item] : v.as_dict()) {
      auto s = scalar_text(item);
      if (!s) {
        out.kind = ConfigValue::Kind::kNested;
        out.map.clear();
        return out;
      }
      out.map.emplace_back(k, *s);
    }
    return out;
  }
  out.kind = ConfigValue::Kind::kNested;
  return out;
}

Dict NodeRender::Locals() {
  Dict d;
  auto bind = [this](auto method) {
    return [this, method](const CallArgs& args, CallContext& ctx) { return (this->*method)(args, ctx); };
  };
  d.Set("ref", Value::FromFunction("ref", bind(&NodeRender::Ref)));
  d.Set("source", Value::FromFunction("source", bind(&NodeRender::Source)));
  Dict config_attrs;
  config_attrs.Set("get", Value::FromFunction("config.get", [this](const CallArgs& a, CallContext& ctx) {
                     return ConfigGet(a, ctx, false);
                   }));
  config_attrs.Set("require", Value::FromFunction("config.require", [this](const CallArgs& a, CallContext& ctx) {
                     return ConfigGet(a, ctx, true);
                   }));
  d.Set("config", Value::Object("config", std::move(config_attrs), "", bind(&NodeRender::Config)));
  bool incremental = setup_.is_incremental;
  d.Set("is_incremental", Value::FromFunction("is_incremental", [incremental](const CallArgs&, CallContext&) {
          return Result<Value>(Value(incremental));
        }));
  d.Set("execute", Value(setup_.execute));
  if (!setup_.this_sql.empty()) {
    Dict attrs;
    attrs.Set("name", Value(setup_.this_name));
    attrs.Set("identifier", Value(setup_.this_name));
    attrs.Set("table", Value(setup_.this_name));
    attrs.Set("schema", Value(setup_.schema));
    d.Set("this", Value::Object("relation", std::move(attrs), setup_.this_sql));
  }
  Dict model;
  model.Set("name", Value(setup_.name));
  model.Set("unique_id", Value(setup_.unique_id));
  model.Set("resource_type", Value(ResourceTypeName(setup_.type)));
  model.Set("path", Value(setup_.path));
  model.Set("original_file_path", Value(setup_.path));
  d.Set("model", Value::FromDict(std::move(model)));
  // Named so that a project which needs them fails with a reason rather
  // than "'run_query' is undefined".
  for (const char* name : {"run_query", "statement", "load_result"}) {
    d.Set(name, Value::FromFunction(name, [](const CallArgs&, CallContext& ctx) -> Result<Value> {
            return ctx.Error(fmt::format(
                "{}() is not supported: sluice renders a model without running queries while it compiles",
                ctx.callee()));
          }));
  }
  return d;
}

void NodeRender::AddParent(const ResolvedRelation& r) {
  if (std::find(parents_.begin(), parents_.end(), r.unique_id) != parents_.end()) return;
  parents_.push_back(r.unique_id);
  if (r.ephemeral) ephemeral_parents_.push_back(r.unique_id);
}

Value NodeRender::Relation(const ResolvedRelation& r, std::string_view name) const {
  Dict attrs;
  attrs.Set("name", Value(name));
  attrs.Set("identifier", Value(name));
  attrs.Set("table", Value(name));
  attrs.Set("schema", Value(setup_.schema));
  return Value::Object("relation", std::move(attrs), r.sql);
}

Result<Value> NodeRender::Ref(const CallArgs& args, CallContext& ctx) {
  if (!args.keyword.empty()) return ctx.Error("ref() takes a name, or a package and a name: model versions (v=) are not supported");
  std::string package, name;
  if (args.positional.size() == 1 && args.positional[0].is_string()) {
    name = args.positional[0].as_string();
  } else if (args.positional.size() == 2 && args.positional[0].is_string() && args.positional[1].is_string()) {
    package = args.positional[0].as_string();
    name = args.positional[1].as_string();
  } else {
    return ctx.Error("ref() takes a name, or a package and a name, as strings");
  }
  auto r = resolver_->Ref(package, name);
  if (!r.ok()) return ctx.Error(r.status().message());
  AddParent(*r);
  return Relation(*r, name);
}

Result<Value> NodeRender::Source(const CallArgs& args, CallContext& ctx) {
  if (args.positional.size() != 2 || !args.positional[0].is_string() || !args.positional[1].is_string() ||
      !args.keyword.empty())
    return ctx.Error("source() takes a source's name and a table's name, as strings");
  const std::string& table = args.positional[1].as_string();
  auto r = resolver_->Source(args.positional[0].as_string(), table);
  if (!r.ok()) return ctx.Error(r.status().message());
  AddParent(*r);
  return Relation(*r, table);
}

Result<Value> NodeRender::Config(const CallArgs& args, CallContext& ctx) {
  std::vector<std::pair<std::string, ConfigValue>> entries;
  for (const Value& p : args.positional) {
    if (!p.is_dict()) return ctx.Error("config() takes keyword arguments, or a dict");
    for (const auto& [k, v] : p.as_dict()) entries.emplace_back(k, TemplateConfigValue(v));
  }
  for (const auto& [k, v] : args.keyword) entries.emplace_back(k, TemplateConfigValue(v));
  Status st = MergeConfig(setup_.type, entries, &setup_.config);
  if (!st.ok()) return ctx.Error(fmt::format("config(): {}", st.message()));
  return Value("");
}

Result<Value> NodeRender::ConfigGet(const CallArgs& args, CallContext& ctx, bool required) {
  const Value* key = args.Arg(0, "name");
  if (key == nullptr || !key->is_string()) return ctx.Error(fmt::format("{}() needs a key, a string", ctx.callee()));
  Value v = ConfigEntry(setup_.config, key->as_string());
  if (!v.is_none()) return v;
  if (required) return ctx.Error(fmt::format("config.require(): '{}' is not set for this node", key->as_string()));
  const Value* fallback = args.Arg(1, "default");
  return fallback ? *fallback : Value::None();
}

}  // namespace sluice::models
