// Statements, scopes and calls.
#include "jinja/renderer.h"

#include "jinja/template.h"

namespace sluice::jinja {
namespace {

// Per thread, across nested renders (a native function may call
// Environment::Call, which renders again on the same stack).
thread_local int t_call_depth = 0;

// Carries dbt's return() from the call that made it up to the macro whose
// call consumes it; never shown, since that macro always catches it.
const char kReturnSignal[] = "return() unwinding to its macro";

// `st` with `suffix` added, its code kept.
Status WithSuffix(const Status& st, std::string_view suffix) {
  std::string message = st.message() + std::string(suffix);
  switch (st.code()) {
    case StatusCode::kInvalidArgument: return Status::InvalidArgument(std::move(message));
    case StatusCode::kNotFound: return Status::NotFound(std::move(message));
    case StatusCode::kAlreadyExists: return Status::AlreadyExists(std::move(message));
    case StatusCode::kCorruption: return Status::Corruption(std::move(message));
    case StatusCode::kIOError: return Status::IOError(std::move(message));
    case StatusCode::kUnavailable: return Status::Unavailable(std::move(message));
    default: return Status::Internal(std::move(message));
  }
}

class DepthGuard {
 public:
  explicit DepthGuard(int* depth) : depth_(depth) { ++*depth_; }
  ~DepthGuard() { --*depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  int* depth_;
};

}  // namespace

int& ThreadRenderDepth() {
  thread_local int depth = 0;
  return depth;
}

Renderer::Renderer(const Environment& env, const Dict* locals)
    : env_(env), limits_(env.limits()), locals_(locals) {
  Frame top;
  top.barrier = true;
  frames_.push_back(std::move(top));
}

Result<std::string> Renderer::RenderTemplate(const Template& t) {
  root_ = current_ = &t;
  std::string out;
  out_ = &out;
  RETURN_IF_ERROR(Exec(t.body()));
  return out;
}

Result<Value> Renderer::CallFromOutside(const Value& callee, const CallArgs& args) {
  std::string out;
  out_ = &out;
  return Call(callee, args, Position{0, 0}, callee.is_callable() ? callee.callable_name() : "value");
}

// Statements

Status Renderer::Exec(const Body& body) {
  for (const Node& node : body) {
    RETURN_IF_ERROR(ExecNode(node));
    if (flow_ != Flow::kNormal) return Status::Ok();
  }
  return Status::Ok();
}

Status Renderer::ExecNode(const Node& node) {
  DepthGuard depth(&ThreadRenderDepth());
  if (ThreadRenderDepth() > limits_.max_render_depth) {
    return Error(node.pos, fmt::format("nested too deeply (more than {} levels of statements, expressions and macro calls)",
                                       limits_.max_render_depth));
  }
  switch (node.kind) {
    case Node::Kind::kText:
      out_->append(node.text);
      return CheckOutputSize(node.pos);
    case Node::Kind::kOutput: {
      Value scratch;
      ASSIGN_OR_RETURN(const Value* value, EvalRef(*node.expr, &scratch));
      return Append(*value, node.expr->pos);
    }
    case Node::Kind::kIf:
      for (const IfBranch& branch : node.branches) {
        bool taken = branch.condition == nullptr;
        if (!taken) {
          ASSIGN_OR_RETURN(Value condition, Eval(*branch.condition));
          taken = condition.Truthy();
        }
        if (taken) return Exec(branch.body);
      }
      return Status::Ok();
    case Node::Kind::kFor:
      return ExecFor(node);
    case Node::Kind::kSet:
      return ExecSet(node);
    case Node::Kind::kSetBlock: {
      std::string captured;
      std::string* saved = out_;
      out_ = &captured;
      Status st = Exec(node.body);
      out_ = saved;
      RETURN_IF_ERROR(st);
      Assign(node.targets[0], Value(std::move(captured)));
      return Status::Ok();
    }
    case Node::Kind::kMacro: {
      // The macro value shares ownership of its whole template.
      std::shared_ptr<const MacroDefinition> definition(current_->shared_from_this(), node.macro.get());
      Assign(node.macro->name, Value::Macro(std::move(definition)));
      return Status::Ok();
    }
    case Node::Kind::kDo: {
      ASSIGN_OR_RETURN(Value ignored, Eval(*node.expr));
      return Status::Ok();
    }
    case Node::Kind::kBreak:
      flow_ = Flow::kBreak;
      return Status::Ok();
    case Node::Kind::kContinue:
      flow_ = Flow::kContinue;
      return Status::Ok();
  }
  return Status::Ok();
}

namespace {

// The items a for loop walks, as Python iterates them: a dict's keys, a
// string's characters (UTF-8 code points).
Result<std::vector<Value>> IterationItems(const Value& iterable) {
  std::vector<Value> items;
  switch (iterable.kind()) {
    case Value::Kind::kList:
      items.assign(iterable.as_list().begin(), iterable.as_list().end());
      return items;
    case Value::Kind::kDict:
      items.reserve(iterable.as_dict().size());
      for (const auto& entry : iterable.as_dict()) items.emplace_back(entry.first);
      return items;
    case Value::Kind::kString: {
      const std::string& s = iterable.as_string();
      for (size_t i = 0; i < s.size();) {
        size_t len = 1;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0xF0) {
          len = 4;
        } else if (c >= 0xE0) {
          len = 3;
        } else if (c >= 0xC0) {
          len = 2;
        }
        len = std::min(len, s.size() - i);
        items.emplace_back(s.substr(i, len));
        i += len;
      }
      return items;
    }
    default:
      return Status::InvalidArgument(fmt::format("'{}' object is not iterable", iterable.TypeName()));
  }
}

}  // namespace

Status Renderer::ExecFor(const Node& node) {
  ASSIGN_OR_RETURN(Value iterable, Eval(*node.expr));
  if (iterable.is_undefined()) return Undefined(iterable, node.expr->pos);
  Result<std::vector<Value>> listed = IterationItems(iterable);
  if (!listed.ok()) return Error(node.expr->pos, listed.status().message());
  std::vector<Value> items = std::move(listed).value();

  // The loop's scope ends before {% else %}, which runs in the enclosing one.
  Result<int64_t> iterations = [&]() -> Result<int64_t> {
    frames_.emplace_back();
    struct PopFrame {
      std::vector<Frame>* frames;
      ~PopFrame() { frames->pop_back(); }
    } pop{&frames_};

    if (node.condition) {  // {% for x in xs if cond %}: loop.* counts only what passes
      std::vector<Value> kept;
      for (Value& item : items) {
        RETURN_IF_ERROR(Step(node.pos));
        RETURN_IF_ERROR(AssignTargets(node.targets, item, node.pos));
        ASSIGN_OR_RETURN(Value keep, Eval(*node.condition));
        if (keep.Truthy()) kept.push_back(std::move(item));
      }
      items = std::move(kept);
    }

    const int64_t n = static_cast<int64_t>(items.size());
    Value loop = Value::Object("LoopContext",
                               Dict{{"index", 1}, {"index0", 0}, {"revindex", n}, {"revindex0", n - 1},
                                    {"first", true}, {"last", n == 1}, {"length", n}},
                               "<LoopContext>");
    // Updated in place each iteration rather than rebuilt.
    Dict* state = loop.mutable_object_attributes();
    Value* slots[] = {state->FindMutable("index"), state->FindMutable("index0"), state->FindMutable("revindex"),
                      state->FindMutable("revindex0"), state->FindMutable("first"), state->FindMutable("last")};
    for (int64_t i = 0; i < n; ++i) {
      RETURN_IF_ERROR(Step(node.pos));
      // As Jinja: what one iteration sets, the next does not see.
      frames_.back().vars.clear();
      Assign("loop", loop);
      *slots[0] = Value(i + 1);
      *slots[1] = Value(i);
      *slots[2] = Value(n - i);
      *slots[3] = Value(n - i - 1);
      *slots[4] = Value(i == 0);
      *slots[5] = Value(i == n - 1);
      RETURN_IF_ERROR(AssignTargets(node.targets, std::move(items[static_cast<size_t>(i)]), node.pos));
      RETURN_IF_ERROR(Exec(node.body));
      const Flow flow = flow_;
      flow_ = Flow::kNormal;
      if (flow == Flow::kBreak) break;
    }
    return n;
  }();
  if (!iterations.ok()) return iterations.status();
  if (*iterations == 0) return Exec(node.else_body);
  return Status::Ok();
}

Status Renderer::ExecSet(const Node& node) {
  ASSIGN_OR_RETURN(Value value, Eval(*node.expr));
  if (!node.target_object) return AssignTargets(node.targets, std::move(value), node.pos);
  const std::string& object_name = node.target_object->name;
  const Value* object = Lookup(object_name);
  if (object == nullptr || !object->is_namespace()) {
    return Error(node.pos, fmt::format("cannot set attribute '{}' of '{}': only a namespace() has settable attributes",
                                       node.name, object_name));
  }
  Dict* attributes = object->mutable_namespace();
  if (attributes == nullptr) {
    return Error(node.pos, fmt::format("cannot set attribute '{}' of '{}': the namespace is read-only here "
                                       "(it belongs to the globals or the render's locals)", node.name, object_name));
  }
  if (value.Holds(*object)) {
    return Error(node.pos, fmt::format("cannot set attribute '{}' of '{}' to a value that holds the namespace itself",
                                       node.name, object_name));
  }
  attributes->Set(node.name, std::move(value));
  return Status::Ok();
}

Status Renderer::Append(const Value& value, Position pos) {
  if (value.is_undefined()) return Undefined(value, pos);
  value.AppendTo(out_);
  return CheckOutputSize(pos);
}

Status Renderer::CheckOutputSize(Position pos) {
  if (out_->size() <= limits_.max_output_bytes) return Status::Ok();
  return Error(pos, fmt::format("output larger than {} bytes", limits_.max_output_bytes));
}

Status Renderer::StringLimit(size_t size, Position pos) const {
  if (size <= limits_.max_output_bytes) return Status::Ok();
  return Error(pos, fmt::format("string larger than {} bytes", limits_.max_output_bytes));
}

Status Renderer::Step(Position pos) {
  if (++steps_ <= limits_.max_steps) return Status::Ok();
  return Error(pos, fmt::format("too much work: more than {} loop iterations and calls in one render", limits_.max_steps));
}

// Names

const Value* Renderer::Lookup(std::string_view name) const {
  for (size_t i = frames_.size(); i-- > 0;) {
    const Frame& frame = frames_[i];
    for (const auto& [key, value] : frame.vars) {
      if (key == name) return &value;
    }
    if (frame.barrier) {
      if (frame.sees_root && i != 0) {
        for (const auto& [key, value] : frames_[0].vars) {
          if (key == name) return &value;
        }
      }
      break;
    }
  }
  if (locals_ != nullptr) {
    if (const Value* value = locals_->Find(name)) return value;
  }
  return env_.FindGlobal(name);
}

void Renderer::Assign(std::string_view name, Value value) {
  auto& vars = frames_.back().vars;
  for (auto& [key, existing] : vars) {
    if (key == name) {
      existing = std::move(value);
      return;
    }
  }
  vars.emplace_back(name, std::move(value));
}

Status Renderer::AssignTargets(const std::vector<std::string>& targets, Value value, Position pos) {
  if (targets.size() == 1) {
    Assign(targets[0], std::move(value));
    return Status::Ok();
  }
  Result<std::vector<Value>> items = IterationItems(value);
  if (!items.ok() || items->size() != targets.size()) {
    return Error(pos, fmt::format("cannot unpack {} into {} names", value.is_list() ? fmt::format("{} values", value.as_list().size()) : "a " + value.TypeName(),
                                  targets.size()));
  }
  for (size_t i = 0; i < targets.size(); ++i) Assign(targets[i], std::move((*items)[i]));
  return Status::Ok();
}

// Calls

Result<Value> Renderer::Call(const Value& callee, const CallArgs& args, Position pos, std::string_view name) {
  switch (callee.kind()) {
    case Value::Kind::kMacro:
      return CallMacro(callee, args, pos);
    case Value::Kind::kFunction:
      return CallNative(callee, args, pos, name);
    case Value::Kind::kObject:
      if (callee.is_callable()) return CallNative(callee, args, pos, name);
      break;
    case Value::Kind::kUndefined:
      return Undefined(callee, pos);
    default:
      break;
  }
  return Error(pos, fmt::format("'{}' is not callable (it is a {})", name, callee.TypeName()));
}

Result<Value> Renderer::CallMacro(const Value& callee, const CallArgs& args, Position pos) {
  const MacroDefinition& macro = *callee.macro();
  RETURN_IF_ERROR(Step(pos));
  DepthGuard depth(&t_call_depth);
  if (t_call_depth > limits_.max_call_depth) {
    return Error(pos, fmt::format("macro '{}' called too deeply (more than {} levels): recursion without end?",
                                  macro.name, limits_.max_call_depth));
  }
  if (args.positional.size() > macro.params.size()) {
    return Error(pos, fmt::format("macro '{}' takes {} argument{}, {} given", macro.name, macro.params.size(),
                                  macro.params.size() == 1 ? "" : "s", args.positional.size()));
  }
  for (const auto& [key, value] : args.keyword) {
    size_t i = 0;
    while (i < macro.params.size() && macro.params[i].name != key) ++i;
    if (i == macro.params.size()) return Error(pos, fmt::format("macro '{}' has no parameter '{}'", macro.name, key));
    if (i < args.positional.size()) {
      return Error(pos, fmt::format("macro '{}' got two values for parameter '{}'", macro.name, key));
    }
  }

  Frame frame;
  frame.barrier = true;
  frame.sees_root = root_ != nullptr && macro.owner == root_;
  frames_.push_back(std::move(frame));
  const Template* saved_current = current_;
  std::string* saved_out = out_;
  std::string text;
  out_ = &text;
  current_ = macro.owner;
  ++macro_depth_;
  Status st = [&]() -> Status {
    for (size_t i = 0; i < macro.params.size(); ++i) {
      const MacroParameter& param = macro.params[i];
      if (const Value* given = args.Arg(i, param.name)) {
        Assign(param.name, *given);
      } else if (param.default_value) {
        // Evaluated in the macro's scope: a default may use the parameters before it.
        ASSIGN_OR_RETURN(Value value, Eval(*param.default_value));
        Assign(param.name, std::move(value));
      } else {
        Assign(param.name, Value::Undefined(param.name));
      }
    }
    return Exec(macro.body);
  }();
  --macro_depth_;
  current_ = saved_current;
  out_ = saved_out;
  frames_.pop_back();

  if (!st.ok()) {
    if (returning_) {
      returning_ = false;
      return std::move(return_value_);
    }
    if (current_ == nullptr) return WithSuffix(st, fmt::format(" (in macro '{}')", macro.name));
    return WithSuffix(st, fmt::format(" (in macro '{}' called at {})", macro.name, FormatPosition(file(), pos)));
  }
  return Value(std::move(text));
}

Result<Value> Renderer::CallNative(const Value& callee, const CallArgs& args, Position pos, std::string_view name) {
  RETURN_IF_ERROR(Step(pos));
  CallContext ctx(this, current_ != nullptr ? std::string_view(file()) : std::string_view(), pos, name);
  Result<Value> result = callee.function()(args, ctx);
  if (!result.ok()) {
    returning_ = false;
    if (result.status().message() == ctx.positioned_error_ || current_ == nullptr) return result.status();
    return result.status().WithContext(FormatPosition(file(), pos));
  }
  if (returning_) {
    if (macro_depth_ == 0) {
      returning_ = false;
      return Error(pos, fmt::format("'{}' returned outside a macro: return() ends a macro", name));
    }
    return Status::Internal(kReturnSignal);
  }
  return result;
}

Status Renderer::Undefined(const Value& value, Position pos) const {
  return Error(pos, fmt::format("'{}' is undefined", value.undefined_name()));
}

Status Renderer::Error(Position pos, std::string_view message) const { return ErrorAt(file(), pos, message); }

std::string_view Renderer::file() const {
  return current_ != nullptr ? std::string_view(current_->file()) : std::string_view("<call>");
}

// CallContext

Status CallContext::Error(std::string_view message) {
  Status st = file_.empty() ? Status::InvalidArgument(fmt::format("{}: {}", callee_, message))
                            : ErrorAt(file_, pos_, message);
  positioned_error_ = st.message();
  return st;
}

void CallContext::Log(std::string_view message, bool info) const { renderer_->env_.Log(position(), message, info); }

void CallContext::Return(Value value) {
  renderer_->returning_ = true;
  renderer_->return_value_ = std::move(value);
}

Result<Value> CallContext::Call(const Value& callee, const CallArgs& args) {
  Result<Value> result = renderer_->Call(callee, args, pos_, callee.is_callable() ? callee.callable_name() : "value");
  if (!result.ok()) positioned_error_ = result.status().message();
  return result;
}

const Value* CallContext::Lookup(std::string_view name) const { return renderer_->Lookup(name); }

const Environment& CallContext::environment() const { return renderer_->env_; }

std::string CallContext::position() const { return file_.empty() ? std::string() : FormatPosition(file_, pos_); }

}  // namespace sluice::jinja
