#include "jinja/operators.h"

#include <cmath>

#include "jinja/string_format.h"

namespace sluice::jinja {
namespace {

// Python's bool is an int: True + 1 == 2.
bool IsIntLike(const Value& v) { return v.is_int() || v.is_bool(); }
bool IsNumeric(const Value& v) { return v.is_int() || v.is_float() || v.is_bool(); }
int64_t IntOf(const Value& v) { return v.is_bool() ? (v.as_bool() ? 1 : 0) : v.as_int(); }

Status Unsupported(BinaryOp op, const Value& a, const Value& b) {
  return Status::InvalidArgument(fmt::format("unsupported operand types for {}: '{}' and '{}'", BinaryOpSymbol(op),
                                             a.TypeName(), b.TypeName()));
}

Status Overflow(BinaryOp op) {
  return Status::InvalidArgument(fmt::format("integer overflow in '{}' (integers are 64 bits here)", BinaryOpSymbol(op)));
}

Status TooLarge(size_t max) {
  return Status::InvalidArgument(fmt::format("result larger than {} bytes or items", max));
}

Result<Value> Repeat(const Value& seq, int64_t times, const Limits& limits) {
  if (times < 0) times = 0;
  if (seq.is_string()) {
    const std::string& s = seq.as_string();
    const size_t max_size = limits.max_output_bytes;
    if (!s.empty() && static_cast<uint64_t>(times) > max_size / s.size()) return TooLarge(max_size);
    std::string out;
    out.reserve(s.size() * static_cast<size_t>(times));
    for (int64_t i = 0; i < times; ++i) out += s;
    return Value(std::move(out));
  }
  const List& items = seq.as_list();
  const size_t max_items = limits.max_list_items;
  if (!items.empty() && static_cast<uint64_t>(times) > max_items / items.size()) return TooLarge(max_items);
  List out;
  out.reserve(items.size() * static_cast<size_t>(times));
  for (int64_t i = 0; i < times; ++i) out.insert(out.end(), items.begin(), items.end());
  return Value::FromList(std::move(out));
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

Result<Value> IntPower(int64_t base, int64_t exponent) {
  int64_t result = 1;
  while (exponent > 0) {
    if (exponent & 1) {
      if (__builtin_mul_overflow(result, base, &result)) return Overflow(BinaryOp::kPow);
    }
    exponent >>= 1;
    if (exponent > 0 && __builtin_mul_overflow(base, base, &base)) return Overflow(BinaryOp::kPow);
  }
  return Value(result);
}

}  // namespace

const char* BinaryOpSymbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kFloorDiv: return "//";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kPow: return "**";
  }
  return "?";
}

Result<Value> BinaryOperation(BinaryOp op, const Value& a, const Value& b, const Limits& limits) {
  const size_t max_size = limits.max_output_bytes;
  if (IsNumeric(a) && IsNumeric(b)) {
    const bool ints = IsIntLike(a) && IsIntLike(b);
    if (ints) {
      const int64_t x = IntOf(a);
      const int64_t y = IntOf(b);
      int64_t r = 0;
      switch (op) {
        case BinaryOp::kAdd:
          if (__builtin_add_overflow(x, y, &r)) return Overflow(op);
          return Value(r);
        case BinaryOp::kSub:
          if (__builtin_sub_overflow(x, y, &r)) return Overflow(op);
          return Value(r);
        case BinaryOp::kMul:
          if (__builtin_mul_overflow(x, y, &r)) return Overflow(op);
          return Value(r);
        case BinaryOp::kDiv:
          if (y == 0) return Status::InvalidArgument("division by zero");
          return Value(static_cast<double>(x) / static_cast<double>(y));
        case BinaryOp::kFloorDiv:
        case BinaryOp::kMod: {
          if (y == 0) return Status::InvalidArgument(op == BinaryOp::kMod ? "modulo by zero" : "division by zero");
          if (x == INT64_MIN && y == -1) {
            if (op == BinaryOp::kMod) return Value(int64_t{0});
            return Overflow(op);
          }
          const int64_t q = FloorDiv(x, y);
          return op == BinaryOp::kFloorDiv ? Value(q) : Value(x - q * y);
        }
        case BinaryOp::kPow:
          if (y >= 0) return IntPower(x, y);
          if (x == 0) return Status::InvalidArgument("zero to a negative power");
          return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
      }
    }
    const double x = a.as_double();
    const double y = b.as_double();
    switch (op) {
      case BinaryOp::kAdd: return Value(x + y);
      case BinaryOp::kSub: return Value(x - y);
      case BinaryOp::kMul: return Value(x * y);
      case BinaryOp::kDiv:
        if (y == 0) return Status::InvalidArgument("division by zero");
        return Value(x / y);
      case BinaryOp::kFloorDiv:
        if (y == 0) return Status::InvalidArgument("division by zero");
        return Value(std::floor(x / y));
      case BinaryOp::kMod: {
        if (y == 0) return Status::InvalidArgument("modulo by zero");
        double m = std::fmod(x, y);
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        return Value(m);
      }
      case BinaryOp::kPow:
        if (x == 0 && y < 0) return Status::InvalidArgument("zero to a negative power");
        return Value(std::pow(x, y));
    }
  }
  switch (op) {
    case BinaryOp::kAdd:
      if (a.is_string() && b.is_string()) {
        if (a.as_string().size() + b.as_string().size() > max_size) return TooLarge(max_size);
        return Value(a.as_string() + b.as_string());
      }
      if (a.is_list() && b.is_list()) {
        if (a.as_list().size() + b.as_list().size() > limits.max_list_items) return TooLarge(limits.max_list_items);
        List out = a.as_list();
        out.insert(out.end(), b.as_list().begin(), b.as_list().end());
        return Value::FromList(std::move(out));
      }
      break;
    case BinaryOp::kMul:
      if ((a.is_string() || a.is_list()) && IsIntLike(b)) return Repeat(a, IntOf(b), limits);
      if (IsIntLike(a) && (b.is_string() || b.is_list())) return Repeat(b, IntOf(a), limits);
      break;
    case BinaryOp::kMod:
      if (a.is_string()) return PercentFormat(a.as_string(), b, max_size);
      break;
    default:
      break;
  }
  return Unsupported(op, a, b);
}

Result<bool> LessThan(const Value& a, const Value& b) {
  if (IsNumeric(a) && IsNumeric(b)) {
    if (IsIntLike(a) && IsIntLike(b)) return IntOf(a) < IntOf(b);
    return a.as_double() < b.as_double();
  }
  if (a.is_string() && b.is_string()) return a.as_string() < b.as_string();
  if (a.is_list() && b.is_list()) {
    const List& x = a.as_list();
    const List& y = b.as_list();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (x[i] == y[i]) continue;
      return LessThan(x[i], y[i]);
    }
    return x.size() < y.size();
  }
  return Status::InvalidArgument(
      fmt::format("'<' not supported between instances of '{}' and '{}'", a.TypeName(), b.TypeName()));
}

Result<bool> Compare(CompareOp op, const Value& a, const Value& b) {
  switch (op) {
    case CompareOp::kEq: return a == b;
    case CompareOp::kNe: return a != b;
    case CompareOp::kLt: return LessThan(a, b);
    case CompareOp::kGt: return LessThan(b, a);
    case CompareOp::kLe: {
      ASSIGN_OR_RETURN(bool greater, LessThan(b, a));
      return !greater;
    }
    case CompareOp::kGe: {
      ASSIGN_OR_RETURN(bool less, LessThan(a, b));
      return !less;
    }
    case CompareOp::kIn:
    case CompareOp::kNotIn: {
      bool found = false;
      if (b.is_list()) {
        for (const Value& item : b.as_list()) {
          if (item == a) {
            found = true;
            break;
          }
        }
      } else if (b.is_dict()) {
        found = a.is_string() && b.as_dict().Find(a.as_string()) != nullptr;
      } else if (b.is_string()) {
        if (!a.is_string()) {
          return Status::InvalidArgument(
              fmt::format("'in <string>' requires a string as left operand, not '{}'", a.TypeName()));
        }
        found = b.as_string().find(a.as_string()) != std::string::npos;
      } else {
        return Status::InvalidArgument(fmt::format("argument of type '{}' is not iterable", b.TypeName()));
      }
      return op == CompareOp::kIn ? found : !found;
    }
  }
  return false;
}

}  // namespace sluice::jinja
