#include "jinja/predicates.h"

#include <algorithm>

#include "jinja/operators.h"
#include "jinja/py_string.h"

namespace sluice::jinja {
namespace {

constexpr std::string_view kTests[] = {
    "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "true", "false", "mapping",
    "iterable", "sequence", "callable", "odd", "even", "divisibleby", "lower", "upper", "eq", "equalto", "==", "ne",
    "!=", "lt", "<", "le", "<=", "gt", ">", "ge", ">=", "greaterthan", "lessthan", "in", "sameas"};

Result<const Value*> OneArgument(std::string_view name, const CallArgs& args) {
  if (args.positional.size() != 1 || !args.keyword.empty()) {
    return Status::InvalidArgument(fmt::format("test '{}' takes one argument", name));
  }
  return &args.positional[0];
}

}  // namespace

bool HasTest(std::string_view name) { return std::find(std::begin(kTests), std::end(kTests), name) != std::end(kTests); }

Result<bool> ApplyTest(std::string_view name, const Value& value, const CallArgs& args) {
  if (!HasTest(name)) return Status::InvalidArgument(fmt::format("unknown test '{}'", name));
  if (name == "defined") return !value.is_undefined();
  if (name == "undefined") return value.is_undefined();
  if (name == "none") return value.is_none();
  if (name == "string") return value.is_string();
  if (name == "number") return value.is_number() || value.is_bool();  // Python's bool is a Number
  if (name == "integer") return value.is_int();
  if (name == "float") return value.is_float();
  if (name == "boolean") return value.is_bool();
  if (name == "true") return value.is_bool() && value.as_bool();
  if (name == "false") return value.is_bool() && !value.as_bool();
  if (name == "mapping") return value.is_dict();
  if (name == "iterable" || name == "sequence") return value.is_list() || value.is_dict() || value.is_string();
  if (name == "callable") return value.is_callable();
  if (name == "lower" || name == "upper") {
    if (!value.is_string()) return false;
    return name == "lower" ? PyLower(value.as_string()) == value.as_string() : PyUpper(value.as_string()) == value.as_string();
  }
  if (name == "odd" || name == "even") {
    if (!value.is_int()) return Status::InvalidArgument(fmt::format("test '{}' needs an integer, not {}", name, value.TypeName()));
    return (value.as_int() % 2 != 0) == (name == "odd");
  }
  ASSIGN_OR_RETURN(const Value* other, OneArgument(name, args));
  if (name == "divisibleby") {
    if (!value.is_int() || !other->is_int() || other->as_int() == 0) {
      return Status::InvalidArgument("test 'divisibleby' needs integers and a divisor other than 0");
    }
    return value.as_int() % other->as_int() == 0;
  }
  if (name == "eq" || name == "equalto" || name == "==") return value == *other;
  if (name == "ne" || name == "!=") return value != *other;
  if (name == "sameas") {
    // Python's `is`: None, True and False are singletons; for the rest, identity is not observable here.
    if (value.is_none() || value.is_bool() || other->is_none() || other->is_bool()) {
      return value.kind() == other->kind() && value == *other;
    }
    return value == *other;
  }
  if (name == "in") return Compare(CompareOp::kIn, value, *other);
  if (name == "lt" || name == "<" || name == "lessthan") return Compare(CompareOp::kLt, value, *other);
  if (name == "le" || name == "<=") return Compare(CompareOp::kLe, value, *other);
  if (name == "gt" || name == ">" || name == "greaterthan") return Compare(CompareOp::kGt, value, *other);
  return Compare(CompareOp::kGe, value, *other);  // ge, >=
}

}  // namespace sluice::jinja
