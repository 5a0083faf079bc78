#include "jinja/sequence_filters.h"

#include <algorithm>
#include <unordered_set>

#include "jinja/filters.h"
#include "jinja/operators.h"
#include "jinja/predicates.h"
#include "jinja/py_string.h"

namespace sluice::jinja {
namespace {

const std::string* AttributeArg(const CallArgs& args) {
  const Value* attribute = args.Keyword("attribute");
  return attribute != nullptr && attribute->is_string() ? &attribute->as_string() : nullptr;
}

bool CaseSensitive(const CallArgs& args) {
  const Value* v = args.Keyword("case_sensitive");
  return v != nullptr && v->Truthy();
}

// What sort, unique, min and max compare: the attribute if asked, strings
// lower-cased unless case_sensitive.
Value SortKey(const Value& item, const std::string* attribute, bool case_sensitive) {
  Value key = attribute != nullptr ? LookupPath(item, *attribute) : item;
  if (!case_sensitive && key.is_string()) return Value(PyLower(key.as_string()));
  return key;
}

// A text that equal values share (1, 1.0 and True alike), for unique.
std::string IdentityKey(const Value& v) {
  if (v.is_int() || v.is_float() || v.is_bool()) return "n" + FormatFloat(v.as_double());
  if (v.is_string()) return "s" + v.as_string();
  return "r" + v.Repr();
}

// Sorts `items` by `keys` (same order), stably; the first failed
// comparison is the error. stable_sort never reads out of bounds even if
// a comparison fails midway.
Status SortByKeys(List* items, std::vector<Value> keys, bool reverse) {
  std::vector<size_t> order(items->size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  Status error;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (!error.ok()) return false;
    Result<bool> less = reverse ? LessThan(keys[b], keys[a]) : LessThan(keys[a], keys[b]);
    if (!less.ok()) {
      error = less.status();
      return false;
    }
    return *less;
  });
  RETURN_IF_ERROR(error);
  List sorted;
  sorted.reserve(items->size());
  for (size_t i : order) sorted.push_back(std::move((*items)[i]));
  *items = std::move(sorted);
  return Status::Ok();
}

Result<Value> MinMax(const Value& input, const CallArgs& args, bool max) {
  ASSIGN_OR_RETURN(List items, SequenceItems(input));
  if (items.empty()) return Value::Undefined(max ? "max of an empty sequence" : "min of an empty sequence");
  const std::string* attribute = AttributeArg(args);
  const bool case_sensitive = CaseSensitive(args);
  size_t best = 0;
  Value best_key = SortKey(items[0], attribute, case_sensitive);
  for (size_t i = 1; i < items.size(); ++i) {
    Value key = SortKey(items[i], attribute, case_sensitive);
    ASSIGN_OR_RETURN(bool better, max ? LessThan(best_key, key) : LessThan(key, best_key));
    if (better) {
      best = i;
      best_key = std::move(key);
    }
  }
  return items[best];
}

// select/reject and selectattr/rejectattr: `test_at` is where the test's
// name is among the positional arguments; no test means truthiness.
Result<Value> Filter(const Value& input, const CallArgs& args, bool by_attribute, bool keep_when) {
  ASSIGN_OR_RETURN(List items, SequenceItems(input));
  const std::string* attribute = nullptr;
  size_t test_at = 0;
  if (by_attribute) {
    if (args.positional.empty() || !args.positional[0].is_string()) {
      return Status::InvalidArgument("needs an attribute name first");
    }
    attribute = &args.positional[0].as_string();
    test_at = 1;
  }
  const Value* test = test_at < args.positional.size() ? &args.positional[test_at] : nullptr;
  if (test != nullptr && !test->is_string()) return Status::InvalidArgument("a test is named by a string");
  if (test != nullptr && !HasTest(test->as_string())) {
    return Status::InvalidArgument(fmt::format("unknown test '{}'", test->as_string()));
  }
  CallArgs test_args;
  for (size_t i = test_at + 1; i < args.positional.size(); ++i) test_args.positional.push_back(args.positional[i]);
  List kept;
  for (Value& item : items) {
    const Value subject = attribute != nullptr ? LookupPath(item, *attribute) : item;
    bool passes = false;
    if (test == nullptr) {
      passes = subject.Truthy();
    } else {
      ASSIGN_OR_RETURN(passes, ApplyTest(test->as_string(), subject, test_args));
    }
    if (passes == keep_when) kept.push_back(std::move(item));
  }
  return Value::FromList(std::move(kept));
}

}  // namespace

Result<List> SequenceItems(const Value& input) {
  switch (input.kind()) {
    case Value::Kind::kList: return input.as_list();
    case Value::Kind::kDict: {
      List keys;
      keys.reserve(input.as_dict().size());
      for (const auto& entry : input.as_dict()) keys.emplace_back(entry.first);
      return keys;
    }
    case Value::Kind::kString: {
      List chars;
      const std::string& s = input.as_string();
      const std::vector<size_t> offsets = CodePointOffsets(s);
      for (size_t i = 0; i + 1 < offsets.size(); ++i) chars.emplace_back(s.substr(offsets[i], offsets[i + 1] - offsets[i]));
      return chars;
    }
    default:
      return Status::InvalidArgument(fmt::format("'{}' object is not iterable", input.TypeName()));
  }
}

Result<Value> FirstFilter(const Value& input, const CallArgs&, const Limits&) {
  ASSIGN_OR_RETURN(List items, SequenceItems(input));
  if (items.empty()) return Value::Undefined("first of an empty sequence");
  return items.front();
}

Result<Value> LastFilter(const Value& input, const CallArgs&, const Limits&) {
  ASSIGN_OR_RETURN(List items, SequenceItems(input));
  if (items.empty()) return Value::Undefined("last of an empty sequence");
  return items.back();
}

Result<Value> ListFilter(const Value& input, const CallArgs&, const Limits&) {
  ASSIGN_OR_RETURN(List items, SequenceItems(input));
  return Value::FromList(std::move(items));
}

Result<Value> LengthFilter(const Value& input, const CallArgs&, const Limits&) {
  switch (input.kind()) {
    case Value::Kind::kString: return Value(static_cast<int64_t>(CodePointLength(input.as_string())));
    case Value::Kind::kList: return Value(static_cast<int64_t>(input.as_list().size()));
    case Value::Kind::kDict: return Value(static_cast<int64_t>(input.as_dict().size()));
    default: return Status::InvalidArgument(fmt::format("object of type '{}' has no length", input.TypeName()));
  }
}

Result<Value> UniqueFilter(const Value& input, const CallArgs& args, const Limits&) {
  ASSIGN_OR_RETURN(List items, SequenceItems(input));
  const std::string* attribute = AttributeArg(args);
  const bool case_sensitive = CaseSensitive(args);
  std::unordered_set<std::string> seen;
  List out;
  for (Value& item : items) {
    if (seen.insert(IdentityKey(SortKey(item, attribute, case_sensitive))).second) out.push_back(std::move(item));
  }
  return Value::FromList(std::move(out));
}

Result<Value> SortFilter(const Value& input, const CallArgs& args, const Limits&) {
  ASSIGN_OR_RETURN(List items, SequenceItems(input));
  const Value* reverse = args.Arg(0, "reverse");
  const Value* case_sensitive = args.Arg(1, "case_sensitive");
  const Value* attribute = args.Arg(2, "attribute");
  if (attribute != nullptr && !attribute->is_string()) return Status::InvalidArgument("attribute must be a string");
  std::vector<Value> keys;
  keys.reserve(items.size());
  for (const Value& item : items) {
    keys.push_back(SortKey(item, attribute != nullptr ? &attribute->as_string() : nullptr,
                           case_sensitive != nullptr && case_sensitive->Truthy()));
    if (keys.back().is_undefined()) {
      return Status::InvalidArgument(fmt::format("'{}' is undefined for an item", keys.back().undefined_name()));
    }
  }
  RETURN_IF_ERROR(SortByKeys(&items, std::move(keys), reverse != nullptr && reverse->Truthy()));
  return Value::FromList(std::move(items));
}

Result<Value> ReverseFilter(const Value& input, const CallArgs&, const Limits&) {
  ASSIGN_OR_RETURN(List items, SequenceItems(input));
  std::reverse(items.begin(), items.end());
  if (!input.is_string()) return Value::FromList(std::move(items));
  std::string out;
  for (const Value& c : items) out += c.as_string();
  return Value(std::move(out));
}

Result<Value> JoinFilter(const Value& input, const CallArgs& args, const Limits& limits) {
  ASSIGN_OR_RETURN(List items, SequenceItems(input));
  const Value* separator = args.Arg(0, "d");
  const Value* attribute = args.Arg(1, "attribute");
  const std::string sep = separator != nullptr ? separator->ToString() : "";
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    const Value item = attribute != nullptr ? LookupPath(items[i], attribute->ToString()) : items[i];
    if (item.is_undefined()) return Status::InvalidArgument(fmt::format("'{}' is undefined", item.undefined_name()));
    if (i > 0) out += sep;
    item.AppendTo(&out);
    if (out.size() > limits.max_output_bytes) {
      return Status::InvalidArgument(fmt::format("result larger than {} bytes", limits.max_output_bytes));
    }
  }
  return Value(std::move(out));
}

Result<Value> MapFilter(const Value& input, const CallArgs& args, const Limits& limits) {
  ASSIGN_OR_RETURN(List items, SequenceItems(input));
  List out;
  out.reserve(items.size());
  if (const Value* attribute = args.Keyword("attribute")) {
    const Value* fallback = args.Keyword("default");
    for (const Value& item : items) {
      Value v = LookupPath(item, attribute->ToString());
      out.push_back(v.is_undefined() && fallback != nullptr ? *fallback : std::move(v));
    }
    return Value::FromList(std::move(out));
  }
  if (args.positional.empty() || !args.positional[0].is_string()) {
    return Status::InvalidArgument("needs a filter name or attribute=");
  }
  const std::string& filter = args.positional[0].as_string();
  if (!HasFilter(filter)) return Status::InvalidArgument(fmt::format("unknown filter '{}'", filter));
  CallArgs filter_args;
  filter_args.positional.assign(args.positional.begin() + 1, args.positional.end());
  filter_args.keyword = args.keyword;
  for (const Value& item : items) {
    ASSIGN_OR_RETURN(Value v, ApplyFilter(filter, item, filter_args, limits));
    out.push_back(std::move(v));
  }
  return Value::FromList(std::move(out));
}

Result<Value> SelectFilter(const Value& input, const CallArgs& args, const Limits&) {
  return Filter(input, args, false, true);
}
Result<Value> RejectFilter(const Value& input, const CallArgs& args, const Limits&) {
  return Filter(input, args, false, false);
}
Result<Value> SelectAttrFilter(const Value& input, const CallArgs& args, const Limits&) {
  return Filter(input, args, true, true);
}
Result<Value> RejectAttrFilter(const Value& input, const CallArgs& args, const Limits&) {
  return Filter(input, args, true, false);
}

Result<Value> SumFilter(const Value& input, const CallArgs& args, const Limits& limits) {
  ASSIGN_OR_RETURN(List items, SequenceItems(input));
  const Value* attribute = args.Arg(0, "attribute");
  const Value* start = args.Arg(1, "start");
  Value total = start != nullptr ? *start : Value(int64_t{0});
  for (const Value& item : items) {
    const Value v = attribute != nullptr && !attribute->is_none() ? LookupPath(item, attribute->ToString()) : item;
    if (v.is_undefined()) return Status::InvalidArgument(fmt::format("'{}' is undefined", v.undefined_name()));
    ASSIGN_OR_RETURN(total, BinaryOperation(BinaryOp::kAdd, total, v, limits));
  }
  return total;
}

Result<Value> MinFilter(const Value& input, const CallArgs& args, const Limits&) { return MinMax(input, args, false); }
Result<Value> MaxFilter(const Value& input, const CallArgs& args, const Limits&) { return MinMax(input, args, true); }

Result<Value> ItemsFilter(const Value& input, const CallArgs&, const Limits&) {
  if (!input.is_dict()) return Status::InvalidArgument(fmt::format("needs a dict, not {}", input.TypeName()));
  List out;
  for (const auto& [key, value] : input.as_dict()) out.push_back(Value::FromList(List{Value(key), value}));
  return Value::FromList(std::move(out));
}

Result<Value> DictSortFilter(const Value& input, const CallArgs& args, const Limits&) {
  if (!input.is_dict()) return Status::InvalidArgument(fmt::format("needs a dict, not {}", input.TypeName()));
  const Value* case_sensitive = args.Arg(0, "case_sensitive");
  const Value* by = args.Arg(1, "by");
  const Value* reverse = args.Arg(2, "reverse");
  const bool by_value = by != nullptr && by->ToString() == "value";
  if (by != nullptr && !by_value && by->ToString() != "key") return Status::InvalidArgument("by must be 'key' or 'value'");
  List pairs;
  std::vector<Value> keys;
  for (const auto& [key, value] : input.as_dict()) {
    pairs.push_back(Value::FromList(List{Value(key), value}));
    keys.push_back(SortKey(by_value ? value : Value(key), nullptr, case_sensitive != nullptr && case_sensitive->Truthy()));
  }
  RETURN_IF_ERROR(SortByKeys(&pairs, std::move(keys), reverse != nullptr && reverse->Truthy()));
  return Value::FromList(std::move(pairs));
}

}  // namespace sluice::jinja
