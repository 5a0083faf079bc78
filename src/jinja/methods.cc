#include "jinja/methods.h"

#include <algorithm>

#include "jinja/py_string.h"
#include "jinja/string_format.h"

namespace sluice::jinja {
namespace {

constexpr std::string_view kStringMethods[] = {
    "upper", "lower", "strip", "lstrip", "rstrip", "split", "rsplit", "replace", "startswith", "endswith",
    "format", "join", "title", "capitalize", "find", "count", "isdigit", "isalpha", "isalnum", "isspace",
    "isupper", "islower", "splitlines"};
constexpr std::string_view kListMethods[] = {"append", "extend", "insert", "pop", "remove", "index", "count",
                                             "reverse", "copy"};
constexpr std::string_view kDictMethods[] = {"items", "keys", "values", "get", "update", "pop", "setdefault", "copy"};

template <size_t N>
bool Contains(const std::string_view (&names)[N], std::string_view name) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

Status Error(std::string_view type, std::string_view method, std::string_view message) {
  return Status::InvalidArgument(fmt::format("{}.{}(): {}", type, method, message));
}

Status CheckCount(std::string_view type, std::string_view method, const CallArgs& args, size_t max_positional) {
  if (args.positional.size() > max_positional) {
    return Error(type, method, fmt::format("takes at most {} argument{}, {} given", max_positional,
                                           max_positional == 1 ? "" : "s", args.positional.size()));
  }
  return Status::Ok();
}

// Refuses to put `container` inside itself: a cycle would never be freed.
Status CheckNoCycle(std::string_view type, std::string_view method, const Value& container, const Value& added) {
  if (!added.Holds(container)) return Status::Ok();
  return Error(type, method, fmt::format("cannot put a {} inside itself (or nest values past 100 levels)", type));
}

Status ReadOnly(std::string_view type, std::string_view method) {
  return Error(type, method,
               fmt::format("this {} is read-only (it belongs to the globals or the render's locals); "
                           "copy it first, e.g. with `| list` or `.copy()`", type));
}

// A string argument, or null for None/absent (Python's optional `chars`, `sep`).
Result<const std::string*> OptionalString(const Value* v, std::string_view method, std::string_view name) {
  if (v == nullptr || v->is_none()) return static_cast<const std::string*>(nullptr);
  if (!v->is_string()) return Error("str", method, fmt::format("'{}' must be a string, not {}", name, v->TypeName()));
  return &v->as_string();
}

Result<int64_t> IntArg(const Value* v, int64_t fallback, std::string_view type, std::string_view method,
                       std::string_view name) {
  if (v == nullptr || v->is_none()) return fallback;
  if (v->is_int()) return v->as_int();
  if (v->is_bool()) return int64_t{v->as_bool()};
  return Error(type, method, fmt::format("'{}' must be an integer, not {}", name, v->TypeName()));
}

Value StringList(std::vector<std::string> parts) {
  List items;
  items.reserve(parts.size());
  for (std::string& part : parts) items.emplace_back(std::move(part));
  return Value::FromList(std::move(items));
}

template <typename Predicate>
Value AllChars(const std::string& s, Predicate predicate) {
  return Value(!s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return predicate(static_cast<unsigned char>(c)); }));
}

Result<Value> StringMethod(const std::string& s, std::string_view name, const CallArgs& args, size_t max_size) {
  if (name == "upper" || name == "lower" || name == "title" || name == "capitalize") {
    RETURN_IF_ERROR(CheckCount("str", name, args, 0));
    if (name == "upper") return Value(PyUpper(s));
    if (name == "lower") return Value(PyLower(s));
    if (name == "title") return Value(PyTitle(s));
    return Value(PyCapitalize(s));
  }
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    RETURN_IF_ERROR(CheckCount("str", name, args, 1));
    ASSIGN_OR_RETURN(const std::string* chars, OptionalString(args.Arg(0, "chars"), name, "chars"));
    return Value(std::string(PyStrip(s, chars, name != "rstrip", name != "lstrip")));
  }
  if (name == "split" || name == "rsplit") {
    RETURN_IF_ERROR(CheckCount("str", name, args, 2));
    ASSIGN_OR_RETURN(const std::string* sep, OptionalString(args.Arg(0, "sep"), name, "sep"));
    if (sep != nullptr && sep->empty()) return Error("str", name, "empty separator");
    ASSIGN_OR_RETURN(int64_t max_split, IntArg(args.Arg(1, "maxsplit"), -1, "str", name, "maxsplit"));
    return StringList(PySplit(s, sep, max_split, name == "rsplit"));
  }
  if (name == "splitlines") {
    RETURN_IF_ERROR(CheckCount("str", name, args, 0));
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\n' || s[i] == '\r') {
        lines.push_back(s.substr(start, i - start));
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
        start = i + 1;
      }
    }
    if (start < s.size()) lines.push_back(s.substr(start));
    return StringList(std::move(lines));
  }
  if (name == "replace") {
    RETURN_IF_ERROR(CheckCount("str", name, args, 3));
    const Value* old_text = args.Arg(0, "old");
    const Value* new_text = args.Arg(1, "new");
    if (old_text == nullptr || new_text == nullptr || !old_text->is_string() || !new_text->is_string()) {
      return Error("str", name, "takes two strings: old and new");
    }
    ASSIGN_OR_RETURN(int64_t count, IntArg(args.Arg(2, "count"), -1, "str", name, "count"));
    if (PyReplacedSize(s, old_text->as_string(), new_text->as_string(), count) > max_size) {
      return Error("str", name, fmt::format("result larger than {} bytes", max_size));
    }
    return Value(PyReplace(s, old_text->as_string(), new_text->as_string(), count));
  }
  if (name == "startswith" || name == "endswith") {
    RETURN_IF_ERROR(CheckCount("str", name, args, 1));
    const Value* arg = args.Arg(0, "prefix");
    if (arg == nullptr) return Error("str", name, "takes one argument");
    // A tuple (list) of candidates, as Python allows.
    std::vector<const Value*> candidates;
    if (arg->is_list()) {
      for (const Value& v : arg->as_list()) candidates.push_back(&v);
    } else {
      candidates.push_back(arg);
    }
    for (const Value* candidate : candidates) {
      if (!candidate->is_string()) return Error("str", name, fmt::format("needs a string, not {}", candidate->TypeName()));
      if (name == "startswith" ? s.starts_with(candidate->as_string()) : s.ends_with(candidate->as_string())) {
        return Value(true);
      }
    }
    return Value(false);
  }
  if (name == "find" || name == "count") {
    RETURN_IF_ERROR(CheckCount("str", name, args, 1));
    const Value* sub = args.Arg(0, "sub");
    if (sub == nullptr || !sub->is_string()) return Error("str", name, "takes a string");
    if (name == "count") return Value(static_cast<int64_t>(PyCount(s, sub->as_string())));
    const size_t at = s.find(sub->as_string());
    if (at == std::string::npos) return Value(int64_t{-1});
    return Value(static_cast<int64_t>(CodePointLength(std::string_view(s).substr(0, at))));
  }
  if (name == "join") {
    RETURN_IF_ERROR(CheckCount("str", name, args, 1));
    const Value* items = args.Arg(0, "iterable");
    if (items == nullptr || !items->is_list()) return Error("str", name, "takes a list");
    std::string out;
    bool first = true;
    for (const Value& item : items->as_list()) {
      if (!item.is_string()) return Error("str", name, fmt::format("expects strings, found {}", item.TypeName()));
      if (!first) out += s;
      first = false;
      out += item.as_string();
      if (out.size() > max_size) return Error("str", name, fmt::format("result larger than {} bytes", max_size));
    }
    return Value(std::move(out));
  }
  if (name == "format") return BraceFormat(s, args, max_size);
  RETURN_IF_ERROR(CheckCount("str", name, args, 0));
  if (name == "isdigit") return AllChars(s, [](unsigned char c) { return std::isdigit(c) != 0; });
  if (name == "isalpha") return AllChars(s, [](unsigned char c) { return std::isalpha(c) != 0; });
  if (name == "isalnum") return AllChars(s, [](unsigned char c) { return std::isalnum(c) != 0; });
  if (name == "isspace") return AllChars(s, [](unsigned char c) { return std::isspace(c) != 0; });
  const bool has_letter = std::any_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
  if (name == "isupper") return Value(has_letter && PyUpper(s) == s);
  return Value(has_letter && PyLower(s) == s);  // islower
}

Result<Value> ListMethod(const Value& receiver, std::string_view name, const CallArgs& args, size_t max_items) {
  const List& items = receiver.as_list();
  if (name == "index" || name == "count") {
    RETURN_IF_ERROR(CheckCount("list", name, args, 1));
    const Value* needle = args.Arg(0, "value");
    if (needle == nullptr) return Error("list", name, "takes one argument");
    if (name == "count") return Value(static_cast<int64_t>(std::count(items.begin(), items.end(), *needle)));
    auto it = std::find(items.begin(), items.end(), *needle);
    if (it == items.end()) return Error("list", name, fmt::format("{} is not in list", needle->Repr()));
    return Value(static_cast<int64_t>(it - items.begin()));
  }
  if (name == "copy") {
    RETURN_IF_ERROR(CheckCount("list", name, args, 0));
    return Value::FromList(items);
  }
  List* list = receiver.mutable_list();
  if (list == nullptr) return ReadOnly("list", name);
  if (name == "append") {
    RETURN_IF_ERROR(CheckCount("list", name, args, 1));
    if (args.positional.size() != 1) return Error("list", name, "takes one argument");
    if (list->size() >= max_items) return Error("list", name, fmt::format("list longer than {} items", max_items));
    RETURN_IF_ERROR(CheckNoCycle("list", name, receiver, args.positional[0]));
    list->push_back(args.positional[0]);
    return Value::None();
  }
  if (name == "extend") {
    RETURN_IF_ERROR(CheckCount("list", name, args, 1));
    if (args.positional.size() != 1 || !args.positional[0].is_list()) return Error("list", name, "takes a list");
    const List more = args.positional[0].as_list();  // a copy: xs.extend(xs) is allowed
    if (list->size() + more.size() > max_items) return Error("list", name, fmt::format("list longer than {} items", max_items));
    for (const Value& item : more) RETURN_IF_ERROR(CheckNoCycle("list", name, receiver, item));
    list->insert(list->end(), more.begin(), more.end());
    return Value::None();
  }
  if (name == "insert") {
    if (args.positional.size() != 2) return Error("list", name, "takes an index and a value");
    ASSIGN_OR_RETURN(int64_t at, IntArg(&args.positional[0], 0, "list", name, "index"));
    RETURN_IF_ERROR(CheckNoCycle("list", name, receiver, args.positional[1]));
    const auto size = static_cast<int64_t>(list->size());
    if (at < 0) at = std::max<int64_t>(0, at + size);
    at = std::min(at, size);
    list->insert(list->begin() + at, args.positional[1]);
    return Value::None();
  }
  if (name == "pop") {
    RETURN_IF_ERROR(CheckCount("list", name, args, 1));
    ASSIGN_OR_RETURN(int64_t at, IntArg(args.Arg(0, "index"), -1, "list", name, "index"));
    const auto size = static_cast<int64_t>(list->size());
    if (at < 0) at += size;
    if (at < 0 || at >= size) return Error("list", name, size == 0 ? "pop from empty list" : "index out of range");
    Value popped = std::move((*list)[static_cast<size_t>(at)]);
    list->erase(list->begin() + at);
    return popped;
  }
  if (name == "remove") {
    if (args.positional.size() != 1) return Error("list", name, "takes one argument");
    auto it = std::find(list->begin(), list->end(), args.positional[0]);
    if (it == list->end()) return Error("list", name, fmt::format("{} is not in list", args.positional[0].Repr()));
    list->erase(it);
    return Value::None();
  }
  RETURN_IF_ERROR(CheckCount("list", name, args, 0));  // reverse
  std::reverse(list->begin(), list->end());
  return Value::None();
}

Result<Value> DictMethod(const Value& receiver, std::string_view name, const CallArgs& args) {
  const Dict& dict = receiver.as_dict();
  if (name == "items" || name == "keys" || name == "values") {
    RETURN_IF_ERROR(CheckCount("dict", name, args, 0));
    List out;
    out.reserve(dict.size());
    for (const auto& [key, value] : dict) {
      if (name == "items") {
        out.push_back(Value::FromList(List{Value(key), value}));
      } else if (name == "keys") {
        out.emplace_back(key);
      } else {
        out.push_back(value);
      }
    }
    return Value::FromList(std::move(out));
  }
  if (name == "get") {
    RETURN_IF_ERROR(CheckCount("dict", name, args, 2));
    const Value* key = args.Arg(0, "key");
    if (key == nullptr) return Error("dict", name, "takes a key");
    const Value* fallback = args.Arg(1, "default");
    const Value* found = key->is_string() ? dict.Find(key->as_string()) : nullptr;
    if (found != nullptr) return *found;
    return fallback != nullptr ? *fallback : Value::None();
  }
  if (name == "copy") {
    RETURN_IF_ERROR(CheckCount("dict", name, args, 0));
    return Value::FromDict(dict);
  }
  Dict* target = receiver.mutable_dict();
  if (target == nullptr) return ReadOnly("dict", name);
  if (name == "update") {
    RETURN_IF_ERROR(CheckCount("dict", name, args, 1));
    if (!args.positional.empty()) {
      if (!args.positional[0].is_dict()) return Error("dict", name, "takes a dict");
      const Dict other = args.positional[0].as_dict();  // a copy: d.update(d) is allowed
      for (const auto& [key, value] : other) RETURN_IF_ERROR(CheckNoCycle("dict", name, receiver, value));
      for (const auto& [key, value] : other) target->Set(key, value);
    }
    for (const auto& [key, value] : args.keyword) RETURN_IF_ERROR(CheckNoCycle("dict", name, receiver, value));
    for (const auto& [key, value] : args.keyword) target->Set(key, value);
    return Value::None();
  }
  const Value* key = args.Arg(0, "key");
  if (key == nullptr || !key->is_string()) return Error("dict", name, "takes a string key");
  const Value* fallback = args.Arg(1, "default");
  if (name == "setdefault") {
    if (const Value* found = target->Find(key->as_string())) return *found;
    Value value = fallback != nullptr ? *fallback : Value::None();
    RETURN_IF_ERROR(CheckNoCycle("dict", name, receiver, value));
    target->Set(key->as_string(), value);
    return value;
  }
  // pop
  if (const Value* found = target->Find(key->as_string())) {
    Value value = *found;
    target->Erase(key->as_string());
    return value;
  }
  if (fallback != nullptr) return *fallback;
  return Error("dict", name, fmt::format("no key {}", key->Repr()));
}

}  // namespace

bool HasMethod(const Value& receiver, std::string_view name) {
  switch (receiver.kind()) {
    case Value::Kind::kString: return Contains(kStringMethods, name);
    case Value::Kind::kList: return Contains(kListMethods, name);
    case Value::Kind::kDict: return Contains(kDictMethods, name);
    default: return false;
  }
}

Result<Value> CallMethod(const Value& receiver, std::string_view name, const CallArgs& args, const Limits& limits) {
  if (!HasMethod(receiver, name)) {
    return Status::InvalidArgument(fmt::format("'{}' object has no attribute '{}'", receiver.TypeName(), name));
  }
  switch (receiver.kind()) {
    case Value::Kind::kString: return StringMethod(receiver.as_string(), name, args, limits.max_output_bytes);
    case Value::Kind::kList: return ListMethod(receiver, name, args, limits.max_list_items);
    default: return DictMethod(receiver, name, args);
  }
}

}  // namespace sluice::jinja
