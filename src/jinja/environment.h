// The Jinja-subset engine's front door: globals (values, native functions,
// the project's macros), parsing and rendering.
//
// What a template may use is the subset dbt projects use (see README in
// this folder); anything else is an error at file:line:col naming the
// construct (`unsupported tag 'call'`, `unknown filter 'slugify'`,
// `'foo' is undefined`), never passed through silently.
//
// Thread safety: set up (SetGlobal, SetFilter, AddMacros, SetLogSink)
// before rendering starts; after that every const method may be called from
// several threads at once, on the same or different templates. Values given
// to SetGlobal are frozen so that no template can change what other renders
// read; values in a Render's `locals` that several renders share must be
// frozen by their owner (Value::Freeze).
//
// Errors are InvalidArgument "file:line:col: message" unless a native
// function returned another code (kept). An error inside a macro adds where
// the macro was called: "… (in macro 'm' called at models/a.sql:3:5)".
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"
#include "jinja/call_context.h"
#include "jinja/limits.h"
#include "jinja/template.h"
#include "jinja/value.h"

namespace sluice::jinja {

class Environment {
 public:
  // Where CallContext::Log writes: `position` is "file:line:col".
  using LogSink = std::function<void(std::string_view position, std::string_view message, bool info)>;

  // With the builtins range(), dict() and namespace(), and the default limits.
  Environment();
  explicit Environment(Limits limits);

  // A global name; a Function is a Value (Value::FromFunction). Replaces
  // what had the name, a macro included. The value is frozen.
  void SetGlobal(std::string name, Value value);
  // A filter of one's own, called with the filtered value as the first
  // positional argument; takes precedence over a builtin of the same name.
  void SetFilter(std::string name, Function fn);
  // Default: the "jinja" logger, info for `info`, debug otherwise.
  void SetLogSink(LogSink sink);
  // As Jinja's keep_trailing_newline (default false, as dbt's).
  void set_keep_trailing_newline(bool keep) { keep_trailing_newline_ = keep; }

  // Parses `source`; `file` names it in errors.
  // Errors: InvalidArgument "file:line:col: message".
  Result<std::shared_ptr<const Template>> Parse(std::string_view source, std::string file) const;

  // Every top-level {% macro %} of `source` (and dbt's {% test name %},
  // as macro test_name) becomes a global callable: dbt's macros/ folder.
  // Text around the macros is ignored; any other top-level statement is an
  // error, as is a macro defined twice (naming both places).
  Status AddMacros(std::string_view source, std::string file);

  // Renders `t` with `locals` over the globals. Errors name file:line:col
  // and the construct.
  Result<std::string> Render(const Template& t, const Dict& locals) const;

  // Calls a global macro or function by name (e.g. a dispatch target);
  // `locals` are the names the macro sees besides the globals.
  // Errors: NotFound when there is no such global; else as Render.
  Result<Value> Call(std::string_view name, const CallArgs& args) const;
  Result<Value> Call(std::string_view name, const CallArgs& args, const Dict& locals) const;
  // Calls any callable value the same way.
  Result<Value> CallValue(const Value& callee, const CallArgs& args, const Dict& locals) const;

  bool HasGlobal(std::string_view name) const { return FindGlobal(name) != nullptr; }
  const Value* FindGlobal(std::string_view name) const;
  const Function* FindFilter(std::string_view name) const;
  const Limits& limits() const { return limits_; }
  void Log(std::string_view position, std::string_view message, bool info) const;

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  template <typename T>
  using NameMap = std::unordered_map<std::string, T, NameHash, std::equal_to<>>;

  Limits limits_;
  bool keep_trailing_newline_ = false;
  NameMap<Value> globals_;
  NameMap<Function> filters_;
  NameMap<std::string> macro_origins_;  // macro name → "file:line:col" of its definition
  LogSink log_sink_;
};

}  // namespace sluice::jinja
