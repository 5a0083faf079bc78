#include "jinja/value.h"

#include <cassert>

#include "jinja/ast.h"

namespace sluice::jinja {

struct Value::ListBox {
  List items;
  bool frozen = false;
};

struct Value::DictBox {
  Dict dict;
  bool frozen = false;
};

struct Value::CallableBox {
  std::string name;
  Function fn;
  std::shared_ptr<const MacroDefinition> macro;
};

struct Value::ObjectBox {
  std::string type_name;
  Dict attributes;
  std::string rendered;
  Function call;
  bool is_namespace = false;
  bool frozen = false;
};

namespace {
// Nesting past this is refused (Holds) or cut short (printing, equality).
constexpr int kMaxDepth = 100;
}  // namespace

// CallArgs

const Value* CallArgs::Keyword(std::string_view name) const {
  for (const auto& [key, value] : keyword) {
    if (key == name) return &value;
  }
  return nullptr;
}

const Value* CallArgs::Arg(size_t index, std::string_view name) const {
  if (index < positional.size()) return &positional[index];
  return Keyword(name);
}

// Value: construction and access

Value Value::Undefined(std::string name) { return Value(Kind::kUndefined, Data(std::move(name))); }

Value Value::FromList(List items) {
  return Value(Kind::kList, Data(std::make_shared<ListBox>(ListBox{std::move(items), false})));
}

Value Value::FromDict(Dict dict) {
  return Value(Kind::kDict, Data(std::make_shared<DictBox>(DictBox{std::move(dict), false})));
}

Value Value::FromFunction(std::string name, Function fn) {
  return Value(Kind::kFunction, Data(std::make_shared<CallableBox>(CallableBox{std::move(name), std::move(fn), nullptr})));
}

Value Value::Object(std::string type_name, Dict attributes, std::string rendered, Function call) {
  auto box = std::make_shared<ObjectBox>();
  box->type_name = std::move(type_name);
  box->attributes = std::move(attributes);
  box->rendered = std::move(rendered);
  box->call = std::move(call);
  return Value(Kind::kObject, Data(std::move(box)));
}

Value Value::Namespace(Dict attributes) {
  auto box = std::make_shared<ObjectBox>();
  box->type_name = "Namespace";
  box->attributes = std::move(attributes);
  box->is_namespace = true;
  return Value(Kind::kObject, Data(std::move(box)));
}

Value Value::Macro(std::shared_ptr<const MacroDefinition> definition) {
  std::string name = definition->name;
  return Value(Kind::kMacro,
               Data(std::make_shared<CallableBox>(CallableBox{std::move(name), nullptr, std::move(definition)})));
}

bool Value::is_callable() const {
  if (kind_ == Kind::kFunction || kind_ == Kind::kMacro) return true;
  return kind_ == Kind::kObject && std::get<std::shared_ptr<ObjectBox>>(data_)->call != nullptr;
}

double Value::as_double() const {
  switch (kind_) {
    case Kind::kInt: return static_cast<double>(as_int());
    case Kind::kBool: return as_bool() ? 1.0 : 0.0;
    default: return as_float();
  }
}

const List& Value::as_list() const { return std::get<std::shared_ptr<ListBox>>(data_)->items; }
const Dict& Value::as_dict() const { return std::get<std::shared_ptr<DictBox>>(data_)->dict; }

const std::string& Value::callable_name() const {
  if (kind_ == Kind::kObject) return object_type();
  return std::get<std::shared_ptr<CallableBox>>(data_)->name;
}

const Function& Value::function() const {
  if (kind_ == Kind::kObject) return std::get<std::shared_ptr<ObjectBox>>(data_)->call;
  return std::get<std::shared_ptr<CallableBox>>(data_)->fn;
}

const std::shared_ptr<const MacroDefinition>& Value::macro() const {
  return std::get<std::shared_ptr<CallableBox>>(data_)->macro;
}

const std::string& Value::object_type() const { return std::get<std::shared_ptr<ObjectBox>>(data_)->type_name; }
const Dict& Value::object_attributes() const { return std::get<std::shared_ptr<ObjectBox>>(data_)->attributes; }
const std::string& Value::object_rendered() const { return std::get<std::shared_ptr<ObjectBox>>(data_)->rendered; }
bool Value::is_namespace() const {
  return kind_ == Kind::kObject && std::get<std::shared_ptr<ObjectBox>>(data_)->is_namespace;
}

List* Value::mutable_list() const {
  if (kind_ != Kind::kList) return nullptr;
  ListBox* box = std::get<std::shared_ptr<ListBox>>(data_).get();
  return box->frozen ? nullptr : &box->items;
}

Dict* Value::mutable_dict() const {
  if (kind_ != Kind::kDict) return nullptr;
  DictBox* box = std::get<std::shared_ptr<DictBox>>(data_).get();
  return box->frozen ? nullptr : &box->dict;
}

Dict* Value::mutable_namespace() const {
  if (!is_namespace()) return nullptr;
  ObjectBox* box = std::get<std::shared_ptr<ObjectBox>>(data_).get();
  return box->frozen ? nullptr : &box->attributes;
}

Dict* Value::mutable_object_attributes() const {
  if (kind_ != Kind::kObject) return nullptr;
  ObjectBox* box = std::get<std::shared_ptr<ObjectBox>>(data_).get();
  return box->frozen ? nullptr : &box->attributes;
}

bool Value::frozen() const {
  switch (kind_) {
    case Kind::kList: return std::get<std::shared_ptr<ListBox>>(data_)->frozen;
    case Kind::kDict: return std::get<std::shared_ptr<DictBox>>(data_)->frozen;
    case Kind::kObject: return std::get<std::shared_ptr<ObjectBox>>(data_)->frozen;
    default: return true;
  }
}

bool Value::Holds(const Value& container) const {
  struct Walk {
    const void* target;
    bool Visit(const Value& v, int depth) const {
      if (depth > kMaxDepth) return true;  // too deep to tell: refuse, as if it held it
      switch (v.kind_) {
        case Kind::kList: {
          const auto& box = std::get<std::shared_ptr<ListBox>>(v.data_);
          if (box.get() == target) return true;
          for (const Value& item : box->items) {
            if (Visit(item, depth + 1)) return true;
          }
          return false;
        }
        case Kind::kDict: {
          const auto& box = std::get<std::shared_ptr<DictBox>>(v.data_);
          if (box.get() == target) return true;
          for (const auto& entry : box->dict) {
            if (Visit(entry.second, depth + 1)) return true;
          }
          return false;
        }
        case Kind::kObject: {
          const auto& box = std::get<std::shared_ptr<ObjectBox>>(v.data_);
          if (box.get() == target) return true;
          for (const auto& entry : box->attributes) {
            if (Visit(entry.second, depth + 1)) return true;
          }
          return false;
        }
        default:
          return false;
      }
    }
  };
  const void* target = nullptr;
  switch (container.kind_) {
    case Kind::kList: target = std::get<std::shared_ptr<ListBox>>(container.data_).get(); break;
    case Kind::kDict: target = std::get<std::shared_ptr<DictBox>>(container.data_).get(); break;
    case Kind::kObject: target = std::get<std::shared_ptr<ObjectBox>>(container.data_).get(); break;
    default: return false;
  }
  return Walk{target}.Visit(*this, 0);
}

void Value::Freeze() const {
  // Marked before recursing, so a list that holds itself ends the walk.
  switch (kind_) {
    case Kind::kList: {
      ListBox* box = std::get<std::shared_ptr<ListBox>>(data_).get();
      if (box->frozen) return;
      box->frozen = true;
      for (const Value& item : box->items) item.Freeze();
      return;
    }
    case Kind::kDict: {
      DictBox* box = std::get<std::shared_ptr<DictBox>>(data_).get();
      if (box->frozen) return;
      box->frozen = true;
      for (const auto& entry : box->dict) entry.second.Freeze();
      return;
    }
    case Kind::kObject: {
      ObjectBox* box = std::get<std::shared_ptr<ObjectBox>>(data_).get();
      if (box->frozen) return;
      box->frozen = true;
      for (const auto& entry : box->attributes) entry.second.Freeze();
      return;
    }
    default:
      return;
  }
}

bool Value::Truthy() const {
  switch (kind_) {
    case Kind::kUndefined:
    case Kind::kNone: return false;
    case Kind::kBool: return as_bool();
    case Kind::kInt: return as_int() != 0;
    case Kind::kFloat: return as_float() != 0.0;
    case Kind::kString: return !as_string().empty();
    case Kind::kList: return !as_list().empty();
    case Kind::kDict: return !as_dict().empty();
    default: return true;
  }
}

std::string Value::TypeName() const {
  switch (kind_) {
    case Kind::kUndefined: return "Undefined";
    case Kind::kNone: return "NoneType";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "str";
    case Kind::kList: return "list";
    case Kind::kDict: return "dict";
    case Kind::kFunction: return "function";
    case Kind::kMacro: return "Macro";
    case Kind::kObject: return object_type();
  }
  return "?";
}

// Equality


bool Value::operator==(const Value& other) const { return Equals(other, 0); }

bool Value::Equals(const Value& other, int depth) const {
  if (depth > kMaxDepth) return false;
  const bool numeric = (kind_ == Kind::kInt || kind_ == Kind::kFloat || kind_ == Kind::kBool);
  const bool other_numeric = (other.kind_ == Kind::kInt || other.kind_ == Kind::kFloat || other.kind_ == Kind::kBool);
  if (numeric && other_numeric) {
    if (kind_ != Kind::kFloat && other.kind_ != Kind::kFloat) {
      const int64_t a = kind_ == Kind::kBool ? as_bool() : as_int();
      const int64_t b = other.kind_ == Kind::kBool ? other.as_bool() : other.as_int();
      return a == b;
    }
    return as_double() == other.as_double();
  }
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::kUndefined:
    case Kind::kNone: return true;
    case Kind::kString: return as_string() == other.as_string();
    case Kind::kList: {
      if (std::get<std::shared_ptr<ListBox>>(data_) == std::get<std::shared_ptr<ListBox>>(other.data_)) return true;
      const List& a = as_list();
      const List& b = other.as_list();
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!a[i].Equals(b[i], depth + 1)) return false;
      }
      return true;
    }
    case Kind::kDict: {
      if (std::get<std::shared_ptr<DictBox>>(data_) == std::get<std::shared_ptr<DictBox>>(other.data_)) return true;
      const Dict& a = as_dict();
      const Dict& b = other.as_dict();
      if (a.size() != b.size()) return false;
      for (const auto& [key, value] : a) {
        const Value* v = b.Find(key);
        if (v == nullptr || !value.Equals(*v, depth + 1)) return false;
      }
      return true;
    }
    case Kind::kFunction:
    case Kind::kMacro:
      return std::get<std::shared_ptr<CallableBox>>(data_) == std::get<std::shared_ptr<CallableBox>>(other.data_);
    case Kind::kObject: {
      const auto& a = std::get<std::shared_ptr<ObjectBox>>(data_);
      const auto& b = std::get<std::shared_ptr<ObjectBox>>(other.data_);
      // Two relations naming the same table are equal, as dbt's are.
      return a == b || (!a->is_namespace && a->type_name == b->type_name && a->rendered == b->rendered);
    }
    default: return false;
  }
}

// Text

std::string Value::ToString() const {
  if (kind_ == Kind::kString) return as_string();
  std::string out;
  AppendTo(&out);
  return out;
}

void Value::AppendTo(std::string* out) const { AppendRepr(out, false, 0); }

std::string Value::Repr() const {
  std::string out;
  AppendRepr(&out, true, 0);
  return out;
}

namespace {

// Python's repr() of a str: single quotes unless the text has a single
// quote and no double one.
void AppendQuoted(std::string_view s, std::string* out) {
  const char quote = (s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos) ? '"' : '\'';
  *out += quote;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      *out += '\\';
      *out += c;
    } else if (c == '\n') {
      *out += "\\n";
    } else if (c == '\r') {
      *out += "\\r";
    } else if (c == '\t') {
      *out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      *out += fmt::format("\\x{:02x}", u);
    } else {
      *out += c;
    }
  }
  *out += quote;
}

}  // namespace

void Value::AppendRepr(std::string* out, bool quote_strings, int depth) const {
  switch (kind_) {
    case Kind::kUndefined: return;
    case Kind::kNone: *out += "None"; return;
    case Kind::kBool: *out += as_bool() ? "True" : "False"; return;
    case Kind::kInt: *out += std::to_string(as_int()); return;
    case Kind::kFloat: *out += FormatFloat(as_float()); return;
    case Kind::kString:
      if (quote_strings) {
        AppendQuoted(as_string(), out);
      } else {
        *out += as_string();
      }
      return;
    case Kind::kList: {
      if (depth > kMaxDepth) {
        *out += "[...]";
        return;
      }
      *out += '[';
      bool first = true;
      for (const Value& item : as_list()) {
        if (!first) *out += ", ";
        first = false;
        item.AppendRepr(out, true, depth + 1);
      }
      *out += ']';
      return;
    }
    case Kind::kDict: {
      if (depth > kMaxDepth) {
        *out += "{...}";
        return;
      }
      *out += '{';
      bool first = true;
      for (const auto& [key, value] : as_dict()) {
        if (!first) *out += ", ";
        first = false;
        AppendQuoted(key, out);
        *out += ": ";
        value.AppendRepr(out, true, depth + 1);
      }
      *out += '}';
      return;
    }
    case Kind::kFunction: *out += fmt::format("<function {}>", callable_name()); return;
    case Kind::kMacro: *out += fmt::format("<Macro '{}'>", callable_name()); return;
    case Kind::kObject: {
      const ObjectBox& box = *std::get<std::shared_ptr<ObjectBox>>(data_);
      if (box.is_namespace) {
        *out += "<Namespace {";
        bool first = true;
        for (const auto& [key, value] : box.attributes) {
          if (!first) *out += ", ";
          first = false;
          AppendQuoted(key, out);
          *out += ": ";
          value.AppendRepr(out, true, depth + 1);
        }
        *out += "}>";
      } else {
        *out += box.rendered;
      }
      return;
    }
  }
}

// Dict

Dict::Dict(std::initializer_list<Entry> entries) {
  for (const Entry& entry : entries) Set(entry.first, entry.second);
}

void Dict::Set(std::string key, Value value) {
  if (Value* existing = FindMutable(key)) {
    *existing = std::move(value);
    return;
  }
  entries_.emplace_back(std::move(key), std::move(value));
  if (!index_.empty()) {
    index_.emplace(entries_.back().first, entries_.size() - 1);
  } else if (entries_.size() >= kIndexFrom) {
    Reindex();
  }
}

const Value* Dict::Find(std::string_view key) const { return const_cast<Dict*>(this)->FindMutable(key); }

Value* Dict::FindMutable(std::string_view key) {
  if (!index_.empty()) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second].second;
  }
  for (Entry& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

bool Dict::Erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      Reindex();
      return true;
    }
  }
  return false;
}

void Dict::Reindex() {
  index_.clear();
  if (entries_.size() < kIndexFrom) return;
  for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
}

}  // namespace sluice::jinja
