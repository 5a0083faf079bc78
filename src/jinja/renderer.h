// One render: walks a template's AST with its own scopes, output buffer
// and counters. Statements, scopes and calls are in renderer.cc,
// expressions in expression_eval.cc. A Renderer is used by one thread for
// one Render or Call and then dropped; the Environment and Templates it
// reads are shared and never changed by it.
//
// Scoping is Jinja's: {% for %} and macro bodies are scopes of their own
// (a `set` inside does not leak out), {% if %} is not. A macro sees its
// parameters and its own sets, then the top level of the template it is
// defined in (when that template is the one rendering), the render's
// locals, and the globals.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jinja/ast.h"
#include "jinja/call_context.h"
#include "jinja/environment.h"

namespace sluice::jinja {

// Statements and expressions being evaluated inside one another on this
// thread, across nested renders: held to Limits::max_render_depth.
int& ThreadRenderDepth();

class Renderer {
 public:
  // `locals` must outlive the renderer; nullptr for none.
  Renderer(const Environment& env, const Dict* locals);

  Result<std::string> RenderTemplate(const Template& t);
  // Calls `callee` from C++: `file` empty means no template position.
  Result<Value> CallFromOutside(const Value& callee, const CallArgs& args);

 private:
  friend class CallContext;

  struct Frame {
    std::vector<std::pair<std::string_view, Value>> vars;
    bool barrier = false;    // a macro call's (or the top level's) frame: lookups stop here
    bool sees_root = false;  // a barrier frame that sees frames_[0] past it
  };
  enum class Flow { kNormal, kBreak, kContinue };

  // Statements (renderer.cc).
  Status Exec(const Body& body);
  Status ExecNode(const Node& node);
  Status ExecFor(const Node& node);
  Status ExecSet(const Node& node);
  Status Append(const Value& value, Position pos);
  Status CheckOutputSize(Position pos);
  Status Step(Position pos);

  // Names.
  const Value* Lookup(std::string_view name) const;
  void Assign(std::string_view name, Value value);
  Status AssignTargets(const std::vector<std::string>& targets, Value value, Position pos);

  // Calls (renderer.cc).
  Result<Value> Call(const Value& callee, const CallArgs& args, Position pos, std::string_view name);
  Result<Value> CallMacro(const Value& macro, const CallArgs& args, Position pos);
  Result<Value> CallNative(const Value& callee, const CallArgs& args, Position pos, std::string_view name);

  // Expressions (expression_eval.cc).
  Result<Value> Eval(const Expr& e);
  // The value of `e` without a copy when it is stored somewhere (a variable,
  // a literal, an item of either); else evaluated into *scratch.
  Result<const Value*> EvalRef(const Expr& e, Value* scratch);
  Result<const Value*> EvalAttribute(const Expr& e, Value* scratch);
  Result<const Value*> EvalIndex(const Expr& e, Value* scratch);
  Result<Value> EvalSlice(const Expr& e);
  Result<Value> EvalCall(const Expr& e);
  Result<Value> EvalFilter(const Expr& e);
  Result<Value> EvalTest(const Expr& e);
  Result<Value> EvalCompare(const Expr& e);
  Result<Value> EvalConcat(const Expr& e);
  Result<Value> EvalDict(const Expr& e);
  Status EvalArgs(const Expr& e, size_t first, CallArgs* args);
  Status Undefined(const Value& value, Position pos) const;

  Status Error(Position pos, std::string_view message) const;
  std::string_view file() const;
  Status StringLimit(size_t size, Position pos) const;

  const Environment& env_;
  const Limits& limits_;
  const Dict* locals_;
  const Template* root_ = nullptr;     // the template rendered (null for a call from C++)
  const Template* current_ = nullptr;  // the template whose nodes run now (a macro's may differ)
  std::vector<Frame> frames_;
  std::string* out_ = nullptr;
  Flow flow_ = Flow::kNormal;
  int macro_depth_ = 0;
  int eval_depth_ = 0;
  int64_t steps_ = 0;
  // dbt's return(): set by CallContext::Return, consumed by the macro call.
  bool returning_ = false;
  Value return_value_;
};

}  // namespace sluice::jinja
