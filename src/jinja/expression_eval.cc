// Expressions.
#include <cmath>

#include "jinja/filters.h"
#include "jinja/methods.h"
#include "jinja/operators.h"
#include "jinja/predicates.h"
#include "jinja/py_string.h"
#include "jinja/renderer.h"

namespace sluice::jinja {
namespace {

// How errors and undefined values name an expression: `a.b`, `xs[0]`, `f()`.
std::string NameOf(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kName: return e.name;
    case Expr::Kind::kAttribute: return NameOf(*e.args[0]) + "." + e.name;
    case Expr::Kind::kIndex: return NameOf(*e.args[0]) + "[" + (e.args[1]->kind == Expr::Kind::kLiteral ? e.args[1]->literal.Repr() : "…") + "]";
    case Expr::Kind::kCall: return NameOf(*e.args[0]) + "()";
    case Expr::Kind::kLiteral: return e.literal.Repr();
    case Expr::Kind::kList: return "[…]";
    case Expr::Kind::kDict: return "{…}";
    default: return "expression";
  }
}

// A copy of *from into *to, safe when *from lives inside *to.
const Value* CopyInto(const Value& from, Value* to) {
  Value copy = from;
  *to = std::move(copy);
  return to;
}

Result<int64_t> IndexInt(const Value& v) {
  if (v.is_int()) return v.as_int();
  if (v.is_bool()) return int64_t{v.as_bool()};
  return Status::InvalidArgument(fmt::format("indexes must be integers, not {}", v.TypeName()));
}

}  // namespace

Result<Value> Renderer::Eval(const Expr& e) {
  Value scratch;
  ASSIGN_OR_RETURN(const Value* value, EvalRef(e, &scratch));
  if (value == &scratch) return scratch;
  return *value;
}

Result<const Value*> Renderer::EvalRef(const Expr& e, Value* scratch) {
  int& depth = ThreadRenderDepth();
  struct DepthRestore {
    int& depth;
    ~DepthRestore() { --depth; }
  } restore{depth};
  if (++depth > limits_.max_render_depth) {
    return Error(e.pos, fmt::format("nested too deeply (more than {} levels of expressions)", limits_.max_render_depth));
  }
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      return &e.literal;
    case Expr::Kind::kName:
      if (const Value* value = Lookup(e.name)) return value;
      *scratch = Value::Undefined(e.name);
      return scratch;
    case Expr::Kind::kAttribute:
      return EvalAttribute(e, scratch);
    case Expr::Kind::kIndex:
      return EvalIndex(e, scratch);
    default:
      break;
  }
  Result<Value> result = [&]() -> Result<Value> {
    switch (e.kind) {
      case Expr::Kind::kList: {
        List items;
        items.reserve(e.args.size());
        for (const ExprPtr& item : e.args) {
          ASSIGN_OR_RETURN(Value v, Eval(*item));
          items.push_back(std::move(v));
        }
        return Value::FromList(std::move(items));
      }
      case Expr::Kind::kDict: return EvalDict(e);
      case Expr::Kind::kSlice: return EvalSlice(e);
      case Expr::Kind::kCall: return EvalCall(e);
      case Expr::Kind::kFilter: return EvalFilter(e);
      case Expr::Kind::kTest: return EvalTest(e);
      case Expr::Kind::kNegate:
      case Expr::Kind::kPlus: {
        ASSIGN_OR_RETURN(Value v, Eval(*e.args[0]));
        if (v.is_undefined()) return Undefined(v, e.args[0]->pos);
        const bool negate = e.kind == Expr::Kind::kNegate;
        if (v.is_int() || v.is_bool()) {
          const int64_t i = v.is_bool() ? v.as_bool() : v.as_int();
          if (negate && i == INT64_MIN) return Error(e.pos, "integer overflow in '-'");
          return Value(negate ? -i : i);
        }
        if (v.is_float()) return Value(negate ? -v.as_float() : v.as_float());
        return Error(e.pos, fmt::format("bad operand type for unary {}: '{}'", negate ? '-' : '+', v.TypeName()));
      }
      case Expr::Kind::kNot: {
        ASSIGN_OR_RETURN(Value v, Eval(*e.args[0]));
        return Value(!v.Truthy());
      }
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr: {
        // Python's: the deciding operand itself, the right one unevaluated when the left decides.
        ASSIGN_OR_RETURN(Value left, Eval(*e.args[0]));
        if (left.Truthy() == (e.kind == Expr::Kind::kOr)) return left;
        return Eval(*e.args[1]);
      }
      case Expr::Kind::kBinary: {
        ASSIGN_OR_RETURN(Value left, Eval(*e.args[0]));
        if (left.is_undefined()) return Undefined(left, e.args[0]->pos);
        ASSIGN_OR_RETURN(Value right, Eval(*e.args[1]));
        if (right.is_undefined()) return Undefined(right, e.args[1]->pos);
        Result<Value> r = BinaryOperation(e.binary_op, left, right, limits_);
        if (!r.ok()) return Error(e.pos, r.status().message());
        return r;
      }
      case Expr::Kind::kCompare: return EvalCompare(e);
      case Expr::Kind::kConcat: return EvalConcat(e);
      case Expr::Kind::kConditional: {
        ASSIGN_OR_RETURN(Value condition, Eval(*e.args[0]));
        if (condition.Truthy()) return Eval(*e.args[1]);
        if (e.args[2]) return Eval(*e.args[2]);
        return Value("");  // `a if c` without else renders as nothing, as in Jinja
      }
      default:
        return Error(e.pos, "unsupported expression");
    }
  }();
  if (!result.ok()) return result.status();
  *scratch = std::move(result).value();
  return scratch;
}

Result<const Value*> Renderer::EvalAttribute(const Expr& e, Value* scratch) {
  Value base_scratch;
  ASSIGN_OR_RETURN(const Value* base, EvalRef(*e.args[0], &base_scratch));
  const Value* found = nullptr;
  switch (base->kind()) {
    case Value::Kind::kUndefined:
      return Undefined(*base, e.args[0]->pos);
    case Value::Kind::kDict:
      found = base->as_dict().Find(e.name);
      break;
    case Value::Kind::kObject:
      found = base->object_attributes().Find(e.name);
      break;
    default:
      break;
  }
  if (found == nullptr && HasMethod(*base, e.name)) {
    // A method named but not called here (`f = s.upper`): bound to its receiver.
    Value receiver = *base;
    std::string method = e.name;
    const Limits* limits = &limits_;
    *scratch = Value::FromFunction(method, [receiver, method, limits](const CallArgs& args, CallContext& ctx) -> Result<Value> {
      Result<Value> r = CallMethod(receiver, method, args, *limits);
      if (!r.ok()) return ctx.Error(r.status().message());
      return r;
    });
    return scratch;
  }
  if (found == nullptr) {
    *scratch = Value::Undefined(NameOf(e));
    return scratch;
  }
  if (base == &base_scratch) return CopyInto(*found, scratch);
  return found;
}

Result<const Value*> Renderer::EvalIndex(const Expr& e, Value* scratch) {
  // The index first, so that the base can be read in place (evaluating the
  // index could change a list the base pointed into).
  ASSIGN_OR_RETURN(Value key, Eval(*e.args[1]));
  Value base_scratch;
  ASSIGN_OR_RETURN(const Value* base, EvalRef(*e.args[0], &base_scratch));
  if (key.is_undefined()) return Undefined(key, e.args[1]->pos);
  const Value* found = nullptr;
  switch (base->kind()) {
    case Value::Kind::kUndefined:
      return Undefined(*base, e.args[0]->pos);
    case Value::Kind::kList: {
      Result<int64_t> index = IndexInt(key);
      if (!index.ok()) return Error(e.args[1]->pos, index.status().message());
      const List& items = base->as_list();
      int64_t i = *index < 0 ? *index + static_cast<int64_t>(items.size()) : *index;
      if (i >= 0 && i < static_cast<int64_t>(items.size())) found = &items[static_cast<size_t>(i)];
      break;
    }
    case Value::Kind::kString: {
      Result<int64_t> index = IndexInt(key);
      if (!index.ok()) return Error(e.args[1]->pos, index.status().message());
      const std::string& s = base->as_string();
      const std::vector<size_t> offsets = CodePointOffsets(s);
      const int64_t length = static_cast<int64_t>(offsets.size()) - 1;
      int64_t i = *index < 0 ? *index + length : *index;
      if (i >= 0 && i < length) {
        const auto at = static_cast<size_t>(i);
        *scratch = Value(s.substr(offsets[at], offsets[at + 1] - offsets[at]));
        return scratch;
      }
      break;
    }
    case Value::Kind::kDict:
      if (key.is_string()) found = base->as_dict().Find(key.as_string());
      break;
    case Value::Kind::kObject:
      if (key.is_string()) found = base->object_attributes().Find(key.as_string());
      break;
    default:
      break;
  }
  if (found == nullptr) {
    *scratch = Value::Undefined(NameOf(*e.args[0]) + "[" + key.Repr() + "]");
    return scratch;
  }
  if (base == &base_scratch) return CopyInto(*found, scratch);
  return found;
}

Result<Value> Renderer::EvalSlice(const Expr& e) {
  ASSIGN_OR_RETURN(Value base, Eval(*e.args[0]));
  if (base.is_undefined()) return Undefined(base, e.args[0]->pos);
  std::optional<int64_t> bounds[3];
  for (int i = 0; i < 3; ++i) {
    if (!e.args[i + 1]) continue;
    ASSIGN_OR_RETURN(Value v, Eval(*e.args[i + 1]));
    if (v.is_none()) continue;
    Result<int64_t> n = IndexInt(v);
    if (!n.ok()) return Error(e.args[i + 1]->pos, "slice indexes must be integers or none");
    bounds[i] = *n;
  }
  const int64_t step = bounds[2].value_or(1);
  if (step == 0) return Error(e.pos, "slice step cannot be zero");
  if (base.is_list()) {
    const List& items = base.as_list();
    List out;
    for (int64_t i : SliceIndices(static_cast<int64_t>(items.size()), bounds[0], bounds[1], step)) {
      out.push_back(items[static_cast<size_t>(i)]);
    }
    return Value::FromList(std::move(out));
  }
  if (base.is_string()) {
    const std::string& s = base.as_string();
    const std::vector<size_t> offsets = CodePointOffsets(s);
    std::string out;
    for (int64_t i : SliceIndices(static_cast<int64_t>(offsets.size()) - 1, bounds[0], bounds[1], step)) {
      const auto at = static_cast<size_t>(i);
      out.append(s, offsets[at], offsets[at + 1] - offsets[at]);
    }
    return Value(std::move(out));
  }
  return Error(e.pos, fmt::format("'{}' object cannot be sliced", base.TypeName()));
}

Status Renderer::EvalArgs(const Expr& e, size_t first, CallArgs* args) {
  args->positional.reserve(e.args.size() - first);
  for (size_t i = first; i < e.args.size(); ++i) {
    ASSIGN_OR_RETURN(Value v, Eval(*e.args[i]));
    args->positional.push_back(std::move(v));
  }
  for (const Keyword& keyword : e.keywords) {
    ASSIGN_OR_RETURN(Value v, Eval(*keyword.value));
    args->keyword.emplace_back(keyword.name, std::move(v));
  }
  return Status::Ok();
}

Result<Value> Renderer::EvalCall(const Expr& e) {
  const Expr& callee_expr = *e.args[0];
  if (callee_expr.kind == Expr::Kind::kAttribute) {
    // receiver.method(…) on a str, list or dict runs the method directly,
    // without a bound function in between. A dict's own key wins over a
    // method only when it is not a method's name (as Jinja's getattr).
    ASSIGN_OR_RETURN(Value receiver, Eval(*callee_expr.args[0]));
    if (receiver.is_undefined()) return Undefined(receiver, callee_expr.args[0]->pos);
    if (HasMethod(receiver, callee_expr.name)) {
      CallArgs args;
      RETURN_IF_ERROR(EvalArgs(e, 1, &args));
      RETURN_IF_ERROR(Step(callee_expr.pos));
      Result<Value> r = CallMethod(receiver, callee_expr.name, args, limits_);
      if (!r.ok()) return Error(callee_expr.pos, r.status().message());
      return r;
    }
    const Value* member = nullptr;
    if (receiver.is_dict()) member = receiver.as_dict().Find(callee_expr.name);
    if (receiver.is_object()) member = receiver.object_attributes().Find(callee_expr.name);
    if (member == nullptr) {
      if (receiver.is_string() || receiver.is_list() || receiver.is_dict()) {
        return Error(callee_expr.pos, fmt::format("'{}' object has no method '{}'", receiver.TypeName(), callee_expr.name));
      }
      return Error(callee_expr.pos, fmt::format("'{}' is undefined", NameOf(callee_expr)));
    }
    const Value callee = *member;  // a copy: the arguments may change the receiver
    CallArgs args;
    RETURN_IF_ERROR(EvalArgs(e, 1, &args));
    return Call(callee, args, callee_expr.pos, NameOf(callee_expr));
  }
  ASSIGN_OR_RETURN(Value callee, Eval(callee_expr));
  if (callee.is_undefined()) return Undefined(callee, callee_expr.pos);
  CallArgs args;
  RETURN_IF_ERROR(EvalArgs(e, 1, &args));
  // Errors and CallContext::position() point at the callee's name, where the call starts.
  return Call(callee, args, callee_expr.pos, NameOf(callee_expr));
}

Result<Value> Renderer::EvalFilter(const Expr& e) {
  ASSIGN_OR_RETURN(Value input, Eval(*e.args[0]));
  CallArgs args;
  RETURN_IF_ERROR(EvalArgs(e, 1, &args));
  if (const Function* custom = env_.FindFilter(e.name)) {
    args.positional.insert(args.positional.begin(), std::move(input));
    return Call(Value::FromFunction(e.name, *custom), args, e.pos, e.name);
  }
  if (!HasFilter(e.name)) return Error(e.pos, fmt::format("unknown filter '{}'", e.name));
  if (input.is_undefined() && !FilterAcceptsUndefined(e.name)) return Undefined(input, e.args[0]->pos);
  Result<Value> r = ApplyFilter(e.name, input, args, limits_);
  if (!r.ok()) return Error(e.pos, fmt::format("filter '{}': {}", e.name, r.status().message()));
  if (r->is_string()) RETURN_IF_ERROR(StringLimit(r->as_string().size(), e.pos));
  return r;
}

Result<Value> Renderer::EvalTest(const Expr& e) {
  if (!HasTest(e.name)) return Error(e.pos, fmt::format("unknown test '{}'", e.name));
  Value scratch;
  ASSIGN_OR_RETURN(const Value* subject, EvalRef(*e.args[0], &scratch));
  Value kept = *subject;  // the arguments may change what `subject` points to
  CallArgs args;
  RETURN_IF_ERROR(EvalArgs(e, 1, &args));
  Result<bool> r = ApplyTest(e.name, kept, args);
  if (!r.ok()) return Error(e.pos, r.status().message());
  return Value(*r != e.negated);
}

Result<Value> Renderer::EvalCompare(const Expr& e) {
  ASSIGN_OR_RETURN(Value left, Eval(*e.args[0]));
  for (size_t i = 0; i < e.compare_ops.size(); ++i) {
    ASSIGN_OR_RETURN(Value right, Eval(*e.args[i + 1]));
    const CompareOp op = e.compare_ops[i];
    if (op != CompareOp::kEq && op != CompareOp::kNe) {
      // Only == and != take an undefined operand (it equals nothing defined).
      if (left.is_undefined()) return Undefined(left, e.args[i]->pos);
      if (right.is_undefined()) return Undefined(right, e.args[i + 1]->pos);
    }
    Result<bool> r = Compare(op, left, right);
    if (!r.ok()) return Error(e.pos, r.status().message());
    if (!*r) return Value(false);
    left = std::move(right);
  }
  return Value(true);
}

Result<Value> Renderer::EvalConcat(const Expr& e) {
  std::string out;
  for (const ExprPtr& part : e.args) {
    Value scratch;
    ASSIGN_OR_RETURN(const Value* v, EvalRef(*part, &scratch));
    if (v->is_undefined()) return Undefined(*v, part->pos);
    v->AppendTo(&out);
    RETURN_IF_ERROR(StringLimit(out.size(), e.pos));
  }
  return Value(std::move(out));
}

Result<Value> Renderer::EvalDict(const Expr& e) {
  Dict dict;
  for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
    ASSIGN_OR_RETURN(Value key, Eval(*e.args[i]));
    if (!key.is_string()) {
      return Error(e.args[i]->pos, fmt::format("dict keys must be strings here, not {}", key.TypeName()));
    }
    ASSIGN_OR_RETURN(Value value, Eval(*e.args[i + 1]));
    dict.Set(key.as_string(), std::move(value));
  }
  return Value::FromDict(std::move(dict));
}

}  // namespace sluice::jinja
