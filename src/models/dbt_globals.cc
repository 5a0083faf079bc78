#include "models/dbt_globals.h"

#include <cstdlib>
#include <utility>

#include <fmt/format.h>

#include "jinja/call_context.h"
#include "models/template_values.h"

namespace sluice::models {
namespace {

using jinja::CallArgs;
using jinja::CallContext;
using jinja::Dict;
using jinja::Value;

Value Fn(std::string name, jinja::Function fn) { return Value::FromFunction(std::move(name), std::move(fn)); }

// The argument at `index` or keyword `name` as SQL text; an error naming the
// function and the parameter when it is missing.
Result<std::string> TextArg(const CallArgs& args, size_t index, std::string_view name, CallContext& ctx) {
  const Value* v = args.Arg(index, name);
  if (v == nullptr || v->is_undefined()) return ctx.Error(fmt::format("{}() needs its argument '{}'", ctx.callee(), name));
  return v->ToString();
}

Value VarFunction(Value vars) {
  return Fn("var", [vars](const CallArgs& args, CallContext& ctx) -> Result<Value> {
    const Value* name = args.Arg(0, "name");
    if (name == nullptr || !name->is_string()) return ctx.Error("var() needs the variable's name, a string");
    if (const Value* v = vars.as_dict().Find(name->as_string())) return *v;
    if (const Value* fallback = args.Arg(1, "default")) return *fallback;
    return ctx.Error(fmt::format(
        "required var '{}' is not set: set it in dbt_project.yml's vars:, in sluice.yaml's models.vars or with --vars",
        name->as_string()));
  });
}

Value EnvVarFunction() {
  return Fn("env_var", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
    const Value* name = args.Arg(0, "var");
    if (name == nullptr || !name->is_string()) return ctx.Error("env_var() needs the variable's name, a string");
    if (const char* v = std::getenv(name->as_string().c_str())) return Value(v);
    if (const Value* fallback = args.Arg(1, "default")) return *fallback;
    return ctx.Error(fmt::format("env_var: the environment variable '{}' is not set and no default is given",
                                 name->as_string()));
  });
}

Value LogFunction() {
  return Fn("log", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
    const Value* msg = args.Arg(0, "msg");
    const Value* info = args.Arg(1, "info");
    ctx.Log(msg ? msg->ToString() : "", info != nullptr && info->Truthy());
    return Value("");
  });
}

Value ReturnFunction() {
  return Fn("return", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
    ctx.Return(args.positional.empty() ? Value::None() : args.positional[0]);
    return Value("");
  });
}

Value Exceptions() {
  Dict attrs;
  attrs.Set("raise_compiler_error", Fn("raise_compiler_error", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
              const Value* msg = args.Arg(0, "msg");
              return ctx.Error(msg ? msg->ToString() : "raise_compiler_error() was called");
            }));
  attrs.Set("warn", Fn("warn", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
              const Value* msg = args.Arg(0, "msg");
              ctx.Log(fmt::format("warning: {}", msg ? msg->ToString() : ""), true);
              return Value("");
            }));
  return Value::Object("exceptions", std::move(attrs), "exceptions");
}

Value Adapter(const std::string& adapter) {
  Dict attrs;
  // dbt's dispatch without packages: the backend's macro, else the default.
  attrs.Set("dispatch", Fn("adapter.dispatch", [adapter](const CallArgs& args, CallContext& ctx) -> Result<Value> {
              const Value* name = args.Arg(0, "macro_name");
              if (name == nullptr || !name->is_string()) return ctx.Error("adapter.dispatch() needs a macro name, a string");
              for (const std::string& candidate :
                   {fmt::format("{}__{}", adapter, name->as_string()), fmt::format("default__{}", name->as_string())}) {
                const Value* found = ctx.Lookup(candidate);
                if (found != nullptr && found->is_callable()) return *found;
              }
              return ctx.Error(fmt::format("adapter.dispatch('{0}'): no macro {1}__{0} or default__{0} in the project",
                                           name->as_string(), adapter));
            }));
  attrs.Set("quote", Fn("adapter.quote", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
              ASSIGN_OR_RETURN(std::string id, TextArg(args, 0, "identifier", ctx));
              std::string out = "\"";
              for (char c : id) out += c == '"' ? std::string("\"\"") : std::string(1, c);
              return Value(out + "\"");
            }));
  return Value::Object("adapter", std::move(attrs), "adapter");
}

// A dialect's spelling, or its error at the call.
Result<Value> SqlOrError(Result<std::string> sql, CallContext& ctx) {
  if (!sql.ok()) return ctx.Error(sql.status().message());
  return Value(std::move(*sql));
}

// dbt's cross-database macros, spelled by the warehouse's dialect.
Value CrossDatabaseMacros(const SqlDialect* d) {
  Dict m;
  m.Set("date_trunc", Fn("dbt.date_trunc", [d](const CallArgs& a, CallContext& ctx) -> Result<Value> {
          ASSIGN_OR_RETURN(std::string part, TextArg(a, 0, "datepart", ctx));
          ASSIGN_OR_RETURN(std::string date, TextArg(a, 1, "date", ctx));
          return SqlOrError(d->DateTrunc(part, date), ctx);
        }));
  m.Set("dateadd", Fn("dbt.dateadd", [d](const CallArgs& a, CallContext& ctx) -> Result<Value> {
          ASSIGN_OR_RETURN(std::string part, TextArg(a, 0, "datepart", ctx));
          ASSIGN_OR_RETURN(std::string amount, TextArg(a, 1, "interval", ctx));
          ASSIGN_OR_RETURN(std::string from, TextArg(a, 2, "from_date_or_timestamp", ctx));
          return SqlOrError(d->DateAdd(part, amount, from), ctx);
        }));
  m.Set("datediff", Fn("dbt.datediff", [d](const CallArgs& a, CallContext& ctx) -> Result<Value> {
          ASSIGN_OR_RETURN(std::string first, TextArg(a, 0, "first_date", ctx));
          ASSIGN_OR_RETURN(std::string second, TextArg(a, 1, "second_date", ctx));
          ASSIGN_OR_RETURN(std::string part, TextArg(a, 2, "datepart", ctx));
          return SqlOrError(d->DateDiff(first, second, part), ctx);
        }));
  m.Set("concat", Fn("dbt.concat", [d](const CallArgs& a, CallContext& ctx) -> Result<Value> {
          const Value* fields = a.Arg(0, "fields");
          if (fields == nullptr || !fields->is_list()) return ctx.Error("dbt.concat() needs a list of SQL expressions");
          std::vector<std::string> exprs;
          for (const Value& f : fields->as_list()) exprs.push_back(f.ToString());
          if (exprs.empty()) return ctx.Error("dbt.concat() needs at least one expression");
          return Value(d->Concat(exprs));
        }));
  m.Set("hash", Fn("dbt.hash", [d](const CallArgs& a, CallContext& ctx) -> Result<Value> {
          ASSIGN_OR_RETURN(std::string field, TextArg(a, 0, "field", ctx));
          return Value(d->Hash(field));
        }));
  m.Set("safe_cast", Fn("dbt.safe_cast", [d](const CallArgs& a, CallContext& ctx) -> Result<Value> {
          ASSIGN_OR_RETURN(std::string field, TextArg(a, 0, "field", ctx));
          ASSIGN_OR_RETURN(std::string type, TextArg(a, 1, "type", ctx));
          return Value(d->SafeCast(field, type));
        }));
  auto constant = [&m](const char* name, std::string value) {
    m.Set(name, Fn(fmt::format("dbt.{}", name),
                   [value](const CallArgs&, CallContext&) -> Result<Value> { return Value(value); }));
  };
  constant("type_string", d->TypeString());
  constant("type_int", d->TypeInt());
  constant("type_numeric", d->TypeNumeric());
  constant("type_timestamp", d->TypeTimestamp());
  constant("current_timestamp", d->CurrentTimestamp());
  return Value::Object("dbt", std::move(m), "dbt");
}

Value Target(const ProjectGlobals& g) {
  Dict t;
  t.Set("name", Value(g.target_name));
  t.Set("schema", Value(g.schema));
  t.Set("type", Value(g.adapter));
  t.Set("database", Value(g.adapter == "sqlite" ? std::string("main") : std::string()));
  t.Set("threads", Value(1));
  t.Set("profile_name", Value("sluice"));
  return Value::FromDict(std::move(t));
}

}  // namespace

void InstallDbtGlobals(const ProjectGlobals& g, jinja::Environment* env) {
  env->SetGlobal("var", VarFunction(g.vars));
  env->SetGlobal("env_var", EnvVarFunction());
  env->SetGlobal("log", LogFunction());
  env->SetGlobal("return", ReturnFunction());
  env->SetGlobal("exceptions", Exceptions());
  env->SetGlobal("adapter", Adapter(g.adapter));
  env->SetGlobal("dbt", CrossDatabaseMacros(g.dialect));
  env->SetGlobal("target", Target(g));
  env->SetGlobal("invocation_id", Value(g.invocation_id));
  env->SetGlobal("run_started_at", Value(g.run_started_at));
}

Result<jinja::Value> MergeVars(std::string_view project_vars, std::string_view config_vars,
                               std::string_view cli_vars) {
  ASSIGN_OR_RETURN(Value project, ValueFromYamlText(project_vars, "dbt_project.yml's vars"));
  ASSIGN_OR_RETURN(Value config, ValueFromYamlText(config_vars, "models.vars"));
  ASSIGN_OR_RETURN(Value cli, ValueFromYamlText(cli_vars, "--vars"));
  const std::pair<Value, std::string_view> layers[] = {
      {project, "dbt_project.yml's vars"}, {config, "models.vars"}, {cli, "--vars"}};
  Dict merged;
  for (const auto& [v, what] : layers) {
    if (v.is_none()) continue;
    if (!v.is_dict()) return Status::InvalidArgument(fmt::format("{}: must be a map of names to values", what));
    for (const auto& [k, value] : v.as_dict()) merged.Set(k, value);
  }
  return Value::FromDict(std::move(merged));
}

}  // namespace sluice::models
