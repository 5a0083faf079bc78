// The values a template computes with, after Python's: undefined, None,
// bool, int (int64), float (double), str, list, dict, callables (a native
// Function or a {% macro %}) and objects (named attributes, a text of their
// own, optionally callable: dbt's `this`, `config`, `adapter`).
//
// Copying a Value is cheap except for a string's bytes: lists, dicts,
// objects and callables are shared, as in Python, so `{% do xs.append(1) %}`
// changes the list every name bound to it sees.
//
// Thread safety: a Value may be read from several threads at once. Changing
// a shared list, dict or namespace is not synchronised, so anything several
// renders share must be frozen (Freeze(); Environment::SetGlobal freezes its
// values): a template that tries to change a frozen container gets an error
// instead of a data race.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "base/status.h"

namespace sluice::jinja {

class Value;
class Dict;
class CallContext;
struct MacroDefinition;

using List = std::vector<Value>;

// What a call passes: Python's positional and keyword arguments.
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;

  // The keyword argument `name`, nullptr when absent.
  const Value* Keyword(std::string_view name) const;
  // Python's binding of one parameter: the positional argument at `index`,
  // else the keyword `name`, else nullptr.
  const Value* Arg(size_t index, std::string_view name) const;
};

// A native function. An error it returns is reported at the call's position
// (see CallContext); it must not throw.
using Function = std::function<Result<Value>(const CallArgs& args, CallContext& ctx)>;

class Value {
 public:
  enum class Kind : uint8_t {
    kUndefined, kNone, kBool, kInt, kFloat, kString, kList, kDict, kFunction, kMacro, kObject,
  };

  Value() : kind_(Kind::kNone) {}  // None
  Value(bool b) : kind_(Kind::kBool), data_(b) {}  // NOLINT: implicit by design, as the literals below
  Value(int i) : kind_(Kind::kInt), data_(int64_t{i}) {}  // NOLINT
  Value(int64_t i) : kind_(Kind::kInt), data_(i) {}  // NOLINT
  Value(double d) : kind_(Kind::kFloat), data_(d) {}  // NOLINT
  Value(std::string s) : kind_(Kind::kString), data_(std::move(s)) {}  // NOLINT
  Value(std::string_view s) : Value(std::string(s)) {}  // NOLINT
  Value(const char* s) : Value(std::string(s)) {}  // NOLINT: else a literal would be a bool

  // `name` is what was looked up ("foo", "target.nmae"): errors name it.
  static Value Undefined(std::string name);
  static Value None() { return Value(); }
  static Value FromList(List items);
  static Value FromDict(Dict dict);
  static Value FromFunction(std::string name, Function fn);
  // An object: attributes (values or functions) and how it renders as text.
  // With `call`, the object is callable too (dbt's `config(...)` that also
  // has `config.get`).
  static Value Object(std::string type_name, Dict attributes, std::string rendered, Function call = nullptr);
  // Jinja's namespace(): an object whose attributes `{% set ns.x = … %}` may set.
  static Value Namespace(Dict attributes);
  // A {% macro %}; `definition` keeps its template alive.
  static Value Macro(std::shared_ptr<const MacroDefinition> definition);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::kUndefined; }
  bool is_none() const { return kind_ == Kind::kNone; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_float() const { return kind_ == Kind::kFloat; }
  bool is_number() const { return kind_ == Kind::kInt || kind_ == Kind::kFloat; }  // not bool, as Jinja's test
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_dict() const { return kind_ == Kind::kDict; }
  bool is_function() const { return kind_ == Kind::kFunction; }
  bool is_macro() const { return kind_ == Kind::kMacro; }
  bool is_object() const { return kind_ == Kind::kObject; }
  // A function, a macro, or an object made with a `call`.
  bool is_callable() const;

  // Accessors: each requires its kind (asserted).
  bool as_bool() const { return std::get<bool>(data_); }
  int64_t as_int() const { return std::get<int64_t>(data_); }
  double as_float() const { return std::get<double>(data_); }
  // An int, float or bool as a double (Python's numeric tower).
  double as_double() const;
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const List& as_list() const;
  const Dict& as_dict() const;
  const std::string& undefined_name() const { return std::get<std::string>(data_); }
  // A function's, macro's or object's name (its type name for an object).
  const std::string& callable_name() const;
  const Function& function() const;  // a function, or an object's call (may be empty)
  const std::shared_ptr<const MacroDefinition>& macro() const;
  const std::string& object_type() const;
  const Dict& object_attributes() const;
  const std::string& object_rendered() const;
  bool is_namespace() const;

  // Changeable views; nullptr when the value is another kind or frozen.
  List* mutable_list() const;
  Dict* mutable_dict() const;
  Dict* mutable_namespace() const;
  // An object's attributes, to update an object one owns (the engine's
  // `loop`); nullptr when frozen or not an object.
  Dict* mutable_object_attributes() const;
  bool frozen() const;
  // Whether `container` (a list, dict or object) is this value or inside it.
  // Values are reference-counted, so a container inside itself would never
  // be freed: the methods that change containers refuse to make one.
  bool Holds(const Value& container) const;
  // Makes this value and everything it holds read-only, for sharing
  // between threads. Not thread-safe itself: freeze before sharing.
  void Freeze() const;

  // Python's truth: empty strings, lists, dicts, 0, None and undefined are false.
  bool Truthy() const;
  // Python's str(): True/False/None, 1.5, 1e+16, lists as ['a', 1], dicts
  // as {'k': 'v'}, an object's rendered text. Undefined gives "".
  std::string ToString() const;
  void AppendTo(std::string* out) const;
  // Python's repr(): strings quoted.
  std::string Repr() const;
  // Python's type names for messages: 'str', 'int', 'list', 'dict', 'NoneType'…
  std::string TypeName() const;

  // Python's ==: 1 == 1.0 == True, lists and dicts compared by content,
  // callables and objects by identity.
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  struct ListBox;
  struct DictBox;
  struct CallableBox;
  struct ObjectBox;
  using Data = std::variant<std::monostate, bool, int64_t, double, std::string, std::shared_ptr<ListBox>,
                            std::shared_ptr<DictBox>, std::shared_ptr<CallableBox>, std::shared_ptr<ObjectBox>>;

  Value(Kind kind, Data data) : kind_(kind), data_(std::move(data)) {}
  bool Equals(const Value& other, int depth) const;
  void AppendRepr(std::string* out, bool quote_strings, int depth) const;

  Kind kind_;
  Data data_;
};

// An ordered dict with string keys: insertion order is kept, as in Python 3.7+.
class Dict {
 public:
  using Entry = std::pair<std::string, Value>;

  Dict() = default;
  Dict(std::initializer_list<Entry> entries);

  // Sets `key`, keeping its place when it was there already.
  void Set(std::string key, Value value);
  const Value* Find(std::string_view key) const;
  Value* FindMutable(std::string_view key);
  bool Erase(std::string_view key);
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& mutable_entries() { return entries_; }  // keys must not change

 private:
  // A hash index only for larger dicts: most are a handful of keys, for
  // which a scan is faster than hashing.
  static constexpr size_t kIndexFrom = 12;
  void Reindex();

  std::vector<Entry> entries_;
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  std::unordered_map<std::string, size_t, KeyHash, std::equal_to<>> index_;  // empty below kIndexFrom entries
};

// JSON text of `value`, as Jinja's `tojson` filter: keys sorted, `<`, `>`,
// `&` and `'` escaped as \u003c… so the text is safe inside SQL and HTML,
// non-ASCII as \uXXXX. `indent` > 0 pretty-prints. Errors: InvalidArgument
// for what JSON cannot hold (undefined, callables, objects).
Result<std::string> ToJson(const Value& value, int indent = 0);

// Python's repr() of a float: the shortest text that reads back the same.
std::string FormatFloat(double d);

}  // namespace sluice::jinja
