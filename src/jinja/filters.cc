// The filter table, and the filters on text, numbers and single values.
#include "jinja/filters.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "jinja/py_string.h"
#include "jinja/sequence_filters.h"
#include "jinja/string_format.h"
#include "jinja/template.h"

namespace sluice::jinja {
namespace {

using FilterFn = Result<Value> (*)(const Value& input, const CallArgs& args, const Limits& limits);

Status NeedString(const Value& input) {
  return Status::InvalidArgument(fmt::format("needs a string, not {}", input.TypeName()));
}

Result<Value> LowerFilter(const Value& input, const CallArgs&, const Limits&) {
  if (!input.is_string()) return Value(PyLower(input.ToString()));
  return Value(PyLower(input.as_string()));
}

Result<Value> UpperFilter(const Value& input, const CallArgs&, const Limits&) {
  return Value(PyUpper(input.ToString()));
}

Result<Value> CapitalizeFilter(const Value& input, const CallArgs&, const Limits&) {
  return Value(PyCapitalize(input.ToString()));
}

// Jinja's title: each word (after whitespace, '-', '(', '{', '[' or '<')
// starts upper case, the rest lower.
Result<Value> TitleFilter(const Value& input, const CallArgs&, const Limits&) {
  std::string s = input.ToString();
  bool word_start = true;
  for (char& c : s) {
    const bool separator = IsAsciiSpace(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
    if (separator) {
      word_start = true;
      continue;
    }
    c = word_start ? (c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c)
                   : (c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    word_start = false;
  }
  return Value(std::move(s));
}

Result<Value> TrimFilter(const Value& input, const CallArgs& args, const Limits&) {
  const Value* chars = args.Arg(0, "chars");
  if (chars != nullptr && !chars->is_none() && !chars->is_string()) return NeedString(*chars);
  const std::string s = input.ToString();
  return Value(std::string(PyStrip(s, chars != nullptr && chars->is_string() ? &chars->as_string() : nullptr, true, true)));
}

Result<Value> ReplaceFilter(const Value& input, const CallArgs& args, const Limits& limits) {
  const Value* old_text = args.Arg(0, "old");
  const Value* new_text = args.Arg(1, "new");
  if (old_text == nullptr || new_text == nullptr) return Status::InvalidArgument("takes two arguments: old and new");
  const Value* count = args.Arg(2, "count");
  int64_t n = -1;
  if (count != nullptr && !count->is_none()) {
    if (!count->is_int()) return Status::InvalidArgument("count must be an integer");
    n = count->as_int();
  }
  const std::string s = input.ToString();
  const std::string from = old_text->ToString();
  const std::string to = new_text->ToString();
  if (PyReplacedSize(s, from, to, n) > limits.max_output_bytes) {
    return Status::InvalidArgument(fmt::format("result larger than {} bytes", limits.max_output_bytes));
  }
  return Value(PyReplace(s, from, to, n));
}

Result<Value> IndentFilter(const Value& input, const CallArgs& args, const Limits& limits) {
  std::string indentation = "    ";
  if (const Value* width = args.Arg(0, "width")) {
    if (width->is_string()) {
      indentation = width->as_string();
    } else if (width->is_int()) {
      if (width->as_int() < 0 || static_cast<uint64_t>(width->as_int()) > limits.max_output_bytes) {
        return Status::InvalidArgument("width out of range");
      }
      indentation.assign(static_cast<size_t>(width->as_int()), ' ');
    } else {
      return Status::InvalidArgument(fmt::format("width must be an integer or a string, not {}", width->TypeName()));
    }
  }
  const Value* first = args.Arg(1, "first");
  const Value* blank = args.Arg(2, "blank");
  const std::string s = input.ToString() + "\n";  // as Jinja, so that a trailing newline stays
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || s[i] == '\r') {
      lines.push_back(std::string_view(s).substr(start, i - start));
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (lines.size() * indentation.size() + s.size() > limits.max_output_bytes) {
    return Status::InvalidArgument(fmt::format("result larger than {} bytes", limits.max_output_bytes));
  }
  std::string out;
  const bool indent_blank = blank != nullptr && blank->Truthy();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) {
      out += '\n';
      if (indent_blank || !lines[i].empty()) out += indentation;
    }
    out += lines[i];
  }
  if (first != nullptr && first->Truthy()) out = indentation + out;
  return Value(std::move(out));
}

// Jinja's format filter: printf-style, "%s-%s"|format(a, b).
Result<Value> FormatFilter(const Value& input, const CallArgs& args, const Limits& limits) {
  if (!input.is_string()) return NeedString(input);
  if (!args.keyword.empty()) {
    if (!args.positional.empty()) return Status::InvalidArgument("takes positional or keyword arguments, not both");
    Dict named;
    for (const auto& [key, value] : args.keyword) named.Set(key, value);
    return PercentFormat(input.as_string(), Value::FromDict(std::move(named)), limits.max_output_bytes);
  }
  return PercentFormat(input.as_string(), Value::FromList(args.positional), limits.max_output_bytes);
}

Result<Value> StringFilter(const Value& input, const CallArgs&, const Limits&) { return Value(input.ToString()); }

Result<Value> SafeFilter(const Value& input, const CallArgs&, const Limits&) { return input; }

Result<Value> ToJsonFilter(const Value& input, const CallArgs& args, const Limits&) {
  int indent = 0;
  if (const Value* v = args.Arg(0, "indent"); v != nullptr && !v->is_none()) {
    if (!v->is_int() || v->as_int() < 0 || v->as_int() > 64) return Status::InvalidArgument("indent must be 0 to 64");
    indent = static_cast<int>(v->as_int());
  }
  ASSIGN_OR_RETURN(std::string json, ToJson(input, indent));
  return Value(std::move(json));
}

std::optional<int64_t> ParseInt(std::string_view s, int base) {
  s = PyStrip(s, nullptr, true, true);
  std::string digits;
  for (char c : s) {
    if (c != '_') digits += c;
  }
  if (!digits.empty() && digits[0] == '+') digits.erase(0, 1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) return std::nullopt;
  return value;
}

std::optional<double> ParseFloat(std::string_view s) {
  s = PyStrip(s, nullptr, true, true);
  if (s.empty()) return std::nullopt;
  const std::string text(s);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

Result<Value> IntFilter(const Value& input, const CallArgs& args, const Limits&) {
  const Value* fallback = args.Arg(0, "default");
  const Value* base_arg = args.Arg(1, "base");
  const int base = base_arg != nullptr && base_arg->is_int() ? static_cast<int>(base_arg->as_int()) : 10;
  if (base < 2 || base > 36) return Status::InvalidArgument("base must be 2 to 36");
  switch (input.kind()) {
    case Value::Kind::kInt: return input;
    case Value::Kind::kBool: return Value(int64_t{input.as_bool()});
    case Value::Kind::kFloat:
      if (std::isfinite(input.as_float()) && std::abs(input.as_float()) < 9.2e18) {
        return Value(static_cast<int64_t>(std::trunc(input.as_float())));
      }
      break;
    case Value::Kind::kString: {
      if (auto parsed = ParseInt(input.as_string(), base)) return Value(*parsed);
      // As Jinja: "4.5" | int is 4.
      if (auto parsed = ParseFloat(input.as_string()); parsed && std::abs(*parsed) < 9.2e18) {
        return Value(static_cast<int64_t>(std::trunc(*parsed)));
      }
      break;
    }
    default: break;
  }
  return fallback != nullptr ? *fallback : Value(int64_t{0});
}

Result<Value> FloatFilter(const Value& input, const CallArgs& args, const Limits&) {
  const Value* fallback = args.Arg(0, "default");
  switch (input.kind()) {
    case Value::Kind::kInt:
    case Value::Kind::kBool:
    case Value::Kind::kFloat: return Value(input.as_double());
    case Value::Kind::kString:
      if (auto parsed = ParseFloat(input.as_string())) return Value(*parsed);
      break;
    default: break;
  }
  return fallback != nullptr ? *fallback : Value(0.0);
}

Result<Value> AbsFilter(const Value& input, const CallArgs&, const Limits&) {
  if (input.is_int()) {
    if (input.as_int() == INT64_MIN) return Status::InvalidArgument("integer overflow");
    return Value(input.as_int() < 0 ? -input.as_int() : input.as_int());
  }
  if (input.is_bool()) return Value(int64_t{input.as_bool()});
  if (input.is_float()) return Value(std::fabs(input.as_float()));
  return Status::InvalidArgument(fmt::format("bad operand type for abs(): '{}'", input.TypeName()));
}

// Jinja's round: always a float; 'common' rounds as Python's round() (half to even).
Result<Value> RoundFilter(const Value& input, const CallArgs& args, const Limits&) {
  if (!input.is_int() && !input.is_float() && !input.is_bool()) {
    return Status::InvalidArgument(fmt::format("needs a number, not {}", input.TypeName()));
  }
  int64_t precision = 0;
  if (const Value* p = args.Arg(0, "precision")) {
    if (!p->is_int()) return Status::InvalidArgument("precision must be an integer");
    precision = std::clamp<int64_t>(p->as_int(), -300, 300);
  }
  std::string method = "common";
  if (const Value* m = args.Arg(1, "method")) method = m->ToString();
  const double scale = std::pow(10.0, static_cast<double>(precision));
  const double x = input.as_double() * scale;
  double rounded;
  if (method == "common") {
    rounded = std::nearbyint(x);
  } else if (method == "ceil") {
    rounded = std::ceil(x);
  } else if (method == "floor") {
    rounded = std::floor(x);
  } else {
    return Status::InvalidArgument("method must be 'common', 'ceil' or 'floor'");
  }
  return Value(rounded / scale);
}

Result<Value> DefaultFilter(const Value& input, const CallArgs& args, const Limits&) {
  const Value* fallback = args.Arg(0, "default_value");
  const Value* boolean = args.Arg(1, "boolean");
  const bool use_fallback = input.is_undefined() || (boolean != nullptr && boolean->Truthy() && !input.Truthy());
  if (!use_fallback) return input;
  return fallback != nullptr ? *fallback : Value("");
}

// dbt's as_native, as_bool and as_number read a string as a Python literal
// (ast.literal_eval): "[1, 2]" is a list, "True" a bool, "3" an int.
std::optional<Value> LiteralValue(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral: return e.literal;
    case Expr::Kind::kNegate: {
      auto inner = LiteralValue(*e.args[0]);
      if (inner && inner->is_int() && inner->as_int() != INT64_MIN) return Value(-inner->as_int());
      if (inner && inner->is_float()) return Value(-inner->as_float());
      return std::nullopt;
    }
    case Expr::Kind::kList: {
      List items;
      for (const ExprPtr& item : e.args) {
        auto v = LiteralValue(*item);
        if (!v) return std::nullopt;
        items.push_back(std::move(*v));
      }
      return Value::FromList(std::move(items));
    }
    case Expr::Kind::kDict: {
      Dict dict;
      for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
        auto key = LiteralValue(*e.args[i]);
        auto value = LiteralValue(*e.args[i + 1]);
        if (!key || !value || !key->is_string()) return std::nullopt;
        dict.Set(key->as_string(), std::move(*value));
      }
      return Value::FromDict(std::move(dict));
    }
    default: return std::nullopt;
  }
}

std::optional<Value> ParseLiteral(const std::string& text, const Limits& limits) {
  auto parsed = ParseTemplate("{{ " + text + " }}", "<literal>", limits, true);
  if (!parsed.ok()) return std::nullopt;
  const Body& body = (*parsed)->body();
  if (body.size() != 1 || body[0].kind != Node::Kind::kOutput) return std::nullopt;
  return LiteralValue(*body[0].expr);
}

Result<Value> AsNativeFilter(const Value& input, const CallArgs&, const Limits& limits) {
  if (!input.is_string()) return input;
  auto literal = ParseLiteral(input.as_string(), limits);
  return literal ? *literal : input;
}

Result<Value> AsBoolFilter(const Value& input, const CallArgs&, const Limits& limits) {
  if (input.is_bool()) return input;
  if (input.is_string()) {
    auto literal = ParseLiteral(input.as_string(), limits);
    if (literal && literal->is_bool()) return *literal;
  }
  return Status::InvalidArgument(fmt::format("cannot convert {} into a bool", input.Repr()));
}

Result<Value> AsNumberFilter(const Value& input, const CallArgs&, const Limits& limits) {
  if (input.is_int() || input.is_float()) return input;
  if (input.is_string()) {
    auto literal = ParseLiteral(input.as_string(), limits);
    if (literal && (literal->is_int() || literal->is_float())) return *literal;
  }
  return Status::InvalidArgument(fmt::format("cannot convert {} into a number", input.Repr()));
}

struct FilterEntry {
  std::string_view name;
  FilterFn fn;
};

constexpr FilterEntry kFilters[] = {
    {"abs", AbsFilter},
    {"as_bool", AsBoolFilter},
    {"as_native", AsNativeFilter},
    {"as_number", AsNumberFilter},
    {"as_text", StringFilter},
    {"capitalize", CapitalizeFilter},
    {"count", LengthFilter},
    {"d", DefaultFilter},
    {"default", DefaultFilter},
    {"dictsort", DictSortFilter},
    {"first", FirstFilter},
    {"float", FloatFilter},
    {"format", FormatFilter},
    {"indent", IndentFilter},
    {"int", IntFilter},
    {"items", ItemsFilter},
    {"join", JoinFilter},
    {"last", LastFilter},
    {"length", LengthFilter},
    {"list", ListFilter},
    {"lower", LowerFilter},
    {"map", MapFilter},
    {"max", MaxFilter},
    {"min", MinFilter},
    {"reject", RejectFilter},
    {"rejectattr", RejectAttrFilter},
    {"replace", ReplaceFilter},
    {"reverse", ReverseFilter},
    {"round", RoundFilter},
    {"safe", SafeFilter},
    {"select", SelectFilter},
    {"selectattr", SelectAttrFilter},
    {"sort", SortFilter},
    {"string", StringFilter},
    {"sum", SumFilter},
    {"title", TitleFilter},
    {"tojson", ToJsonFilter},
    {"trim", TrimFilter},
    {"unique", UniqueFilter},
    {"upper", UpperFilter},
};

FilterFn Find(std::string_view name) {
  for (const FilterEntry& entry : kFilters) {
    if (entry.name == name) return entry.fn;
  }
  return nullptr;
}

}  // namespace

bool HasFilter(std::string_view name) { return Find(name) != nullptr; }

bool FilterAcceptsUndefined(std::string_view name) { return name == "default" || name == "d"; }

Result<Value> ApplyFilter(std::string_view name, const Value& input, const CallArgs& args, const Limits& limits) {
  FilterFn fn = Find(name);
  if (fn == nullptr) return Status::InvalidArgument(fmt::format("unknown filter '{}'", name));
  return fn(input, args, limits);
}

Value LookupPath(const Value& value, std::string_view path) {
  const Value* current = &value;
  Value holder;
  std::string_view rest = path;
  while (true) {
    const size_t dot = rest.find('.');
    const std::string_view part = rest.substr(0, dot);
    const Value* next = nullptr;
    if (current->is_dict()) {
      next = current->as_dict().Find(part);
    } else if (current->is_object()) {
      next = current->object_attributes().Find(part);
    } else if (current->is_list()) {
      int64_t index = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec == std::errc() && end == part.data() + part.size() && index >= 0 &&
          static_cast<size_t>(index) < current->as_list().size()) {
        next = &current->as_list()[static_cast<size_t>(index)];
      }
    }
    if (next == nullptr) return Value::Undefined(std::string(path));
    if (dot == std::string_view::npos) return *next;
    Value copy = *next;  // a copy first: `next` may live inside `holder`
    holder = std::move(copy);
    current = &holder;
    rest.remove_prefix(dot + 1);
  }
}

}  // namespace sluice::jinja
