// Python's arithmetic and comparisons on Values: int arithmetic checked for
// overflow (int64, where Python would grow), `/` always a float, `//` and
// `%` flooring as Python's, str and list + and *, `in` on lists, dict keys
// and substrings. Errors are InvalidArgument without a position (the
// renderer adds it): "unsupported operand types for -: 'str' and 'int'".
#pragma once

#include <cstddef>

#include "base/status.h"
#include "jinja/ast.h"
#include "jinja/limits.h"
#include "jinja/value.h"

namespace sluice::jinja {

// `limits` bound a string or list built by + or *.
Result<Value> BinaryOperation(BinaryOp op, const Value& a, const Value& b, const Limits& limits);
// ==, !=, <, <=, >, >=, in, not in. Ordering needs two numbers, two strings
// or two lists.
Result<bool> Compare(CompareOp op, const Value& a, const Value& b);
// Python's a < b, for sort, min and max.
Result<bool> LessThan(const Value& a, const Value& b);
const char* BinaryOpSymbol(BinaryOp op);

}  // namespace sluice::jinja
