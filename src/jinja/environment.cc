#include "jinja/environment.h"

#include "base/log.h"
#include "jinja/builtins.h"
#include "jinja/renderer.h"

namespace sluice::jinja {

Environment::Environment() : Environment(Limits{}) {}

Environment::Environment(Limits limits) : limits_(limits) {
  SetGlobal("range", RangeFunction());
  SetGlobal("dict", DictFunction());
  SetGlobal("namespace", NamespaceFunction());
}

void Environment::SetGlobal(std::string name, Value value) {
  value.Freeze();
  macro_origins_.erase(name);
  globals_.insert_or_assign(std::move(name), std::move(value));
}

void Environment::SetFilter(std::string name, Function fn) { filters_.insert_or_assign(std::move(name), std::move(fn)); }

void Environment::SetLogSink(LogSink sink) { log_sink_ = std::move(sink); }

void Environment::Log(std::string_view position, std::string_view message, bool info) const {
  if (log_sink_) {
    log_sink_(position, message, info);
    return;
  }
  static const std::shared_ptr<spdlog::logger> logger = sluice::Log("jinja");
  if (info) {
    logger->info("{}: {}", position, message);
  } else {
    logger->debug("{}: {}", position, message);
  }
}

Result<std::shared_ptr<const Template>> Environment::Parse(std::string_view source, std::string file) const {
  return ParseTemplate(source, std::move(file), limits_, keep_trailing_newline_);
}

Status Environment::AddMacros(std::string_view source, std::string file) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Template> tmpl, Parse(source, std::move(file)));
  // Checked whole before any is added, so a failed file adds nothing.
  for (const Node& node : tmpl->body()) {
    if (node.kind == Node::Kind::kText || node.kind == Node::Kind::kMacro) continue;
    return ErrorAt(tmpl->file(), node.pos, "only {% macro %} and {% test %} blocks may stand at the top level of a macro file");
  }
  for (const Node& node : tmpl->body()) {
    if (node.kind != Node::Kind::kMacro) continue;
    const std::string& name = node.macro->name;
    auto previous = macro_origins_.find(name);
    if (previous != macro_origins_.end()) {
      return ErrorAt(tmpl->file(), node.pos, fmt::format("macro '{}' is defined twice: here and at {}", name, previous->second));
    }
    for (const Node& other : tmpl->body()) {
      if (&other == &node) break;
      if (other.kind == Node::Kind::kMacro && other.macro->name == name) {
        return ErrorAt(tmpl->file(), node.pos, fmt::format("macro '{}' is defined twice: here and at {}", name,
                                                           FormatPosition(tmpl->file(), other.pos)));
      }
    }
  }
  for (const Node& node : tmpl->body()) {
    if (node.kind != Node::Kind::kMacro) continue;
    std::shared_ptr<const MacroDefinition> definition(tmpl, node.macro.get());
    globals_.insert_or_assign(node.macro->name, Value::Macro(std::move(definition)));
    macro_origins_.insert_or_assign(node.macro->name, FormatPosition(tmpl->file(), node.pos));
  }
  return Status::Ok();
}

Result<std::string> Environment::Render(const Template& t, const Dict& locals) const {
  Renderer renderer(*this, &locals);
  return renderer.RenderTemplate(t);
}

Result<Value> Environment::Call(std::string_view name, const CallArgs& args) const {
  static const Dict kNoLocals;
  return Call(name, args, kNoLocals);
}

Result<Value> Environment::Call(std::string_view name, const CallArgs& args, const Dict& locals) const {
  const Value* callee = FindGlobal(name);
  if (callee == nullptr) return Status::NotFound(fmt::format("no macro or function named '{}'", name));
  return CallValue(*callee, args, locals);
}

Result<Value> Environment::CallValue(const Value& callee, const CallArgs& args, const Dict& locals) const {
  if (!callee.is_callable()) {
    return Status::InvalidArgument(fmt::format("a {} is not callable", callee.TypeName()));
  }
  Renderer renderer(*this, &locals);
  return renderer.CallFromOutside(callee, args);
}

const Value* Environment::FindGlobal(std::string_view name) const {
  auto it = globals_.find(name);
  return it == globals_.end() ? nullptr : &it->second;
}

const Function* Environment::FindFilter(std::string_view name) const {
  auto it = filters_.find(name);
  return it == filters_.end() ? nullptr : &it->second;
}

}  // namespace sluice::jinja
