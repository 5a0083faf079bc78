#include "models/generic_tests.h"

#include "base/digest.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace sluice::models {
namespace {

// Config keys dbt takes from among a test's arguments.
constexpr std::string_view kConfigArguments[] = {
    "severity", "tags",           "enabled",           "where", "limit", "warn_if", "error_if",
    "fail_calc", "store_failures", "store_failures_as", "meta",  "database", "schema", "alias",
};

bool IsConfigArgument(std::string_view key) {
  return std::find(std::begin(kConfigArguments), std::end(kConfigArguments), key) != std::end(kConfigArguments);
}

// What Python's str() prints for a scalar as dbt's YAML loader (YAML 1.1)
// reads it: the names are dbt's, so its booleans are True and False.
std::string PythonText(const YAML::Node& n) {
  if (!n || n.IsNull()) return "None";
  if (!n.IsScalar()) return "";
  const std::string& s = n.Scalar();
  if (n.Tag() == "?") {
    for (const char* t : {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
      if (s == t) return "True";
    for (const char* f : {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
      if (s == f) return "False";
  }
  return s;
}

// The values dbt's name is made of: a map's values, a list's items, or the value.
std::vector<std::string> FlatValues(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n.IsMap()) {
    for (const auto& kv : n) out.push_back(PythonText(kv.second));
  } else if (n.IsSequence()) {
    for (const auto& item : n) out.push_back(PythonText(item));
  } else {
    out.push_back(PythonText(n));
  }
  return out;
}

// ref('x'), ref('package', 'x') or source('a', 'b'), as relationships' `to` writes them.
std::optional<RelationRef> ParseRelationRef(const std::string& text) {
  size_t i = 0;
  auto skip = [&] { while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i; };
  auto word = [&] {
    const size_t start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    return text.substr(start, i - start);
  };
  auto quoted = [&](std::string* out) {
    skip();
    if (i >= text.size() || (text[i] != '\'' && text[i] != '"')) return false;
    const char q = text[i++];
    const size_t end = text.find(q, i);
    if (end == std::string::npos) return false;
    *out = text.substr(i, end - i);
    i = end + 1;
    skip();
    return true;
  };
  skip();
  const std::string function = word();
  skip();
  if ((function != "ref" && function != "source") || i >= text.size() || text[i++] != '(') return std::nullopt;
  std::string first, second;
  if (!quoted(&first)) return std::nullopt;
  if (i < text.size() && text[i] == ',') {
    ++i;
    if (!quoted(&second)) return std::nullopt;
  }
  if (i >= text.size() || text[i++] != ')') return std::nullopt;
  skip();
  if (i != text.size()) return std::nullopt;
  RelationRef ref;
  ref.text = text;
  if (function == "source") {
    if (second.empty()) return std::nullopt;
    ref.kind = RelationRef::Kind::kSource;
    ref.source_name = first;
    ref.name = second;
  } else {
    ref.name = second.empty() ? first : second;  // ref('package', 'model')
  }
  return ref;
}

struct Entry {
  std::string test_name;
  YAML::Node config_map;
  std::vector<std::pair<YAML::Node, YAML::Node>> config_keys;  // among the arguments
  std::vector<std::pair<YAML::Node, YAML::Node>> arguments;
  std::optional<std::string> custom_name;
  YAML::Node column_name;
};

// Splits an entry into its name, config and arguments; false after a problem.
bool ReadEntry(const YAML::Node& entry, const std::string& file, Entry* e, ProjectProblems* problems) {
  YAML::Node args;
  if (entry.IsScalar()) {
    e->test_name = entry.Scalar();
    return true;
  }
  if (!entry.IsMap()) {
    problems->Add(file, entry.Mark(), "a test must be a name, or a map of one test name to its arguments");
    return false;
  }
  if (entry["test_name"]) {
    e->test_name = entry["test_name"].Scalar();
    args = entry;
  } else if (entry.size() != 1) {
    problems->Add(file, entry.Mark(), "a test must be a map of one test name to its arguments (or have test_name:)");
    return false;
  } else {
    e->test_name = entry.begin()->first.Scalar();
    args = entry.begin()->second;
    if (!args.IsNull() && !args.IsMap()) {
      problems->Add(file, args.Mark(), fmt::format("the arguments of test '{}' must be a map", e->test_name));
      return false;
    }
  }
  if (args.IsNull()) return true;
  const YAML::Node& const_args = args;  // const: a lookup must not add the key
  auto take = [&](const YAML::Node& key, const YAML::Node& value, bool nested) {
    const std::string k = key.Scalar();
    if (k == "test_name" && !nested) return;
    if (k == "config" && !nested) e->config_map = value;
    else if (k == "arguments" && !nested && value.IsMap()) return;  // read below
    else if (k == "name" && !nested) e->custom_name = value.Scalar();
    else if (IsConfigArgument(k) && !nested) e->config_keys.emplace_back(key, value);
    else if (k == "column_name") e->column_name = value;
    else e->arguments.emplace_back(key, value);
  };
  for (const auto& kv : const_args) take(kv.first, kv.second, false);
  if (const auto a = const_args["arguments"]; a && a.IsMap()) {
    for (const auto& kv : a) take(kv.first, kv.second, true);
  }
  return true;
}

GenericTestKind KindOf(const std::string& name) {
  if (name == "unique") return GenericTestKind::kUnique;
  if (name == "not_null") return GenericTestKind::kNotNull;
  if (name == "accepted_values") return GenericTestKind::kAcceptedValues;
  if (name == "relationships") return GenericTestKind::kRelationships;
  return GenericTestKind::kCustom;
}

// Checks and parses the built-in tests' arguments into *def.
bool ReadBuiltInArguments(const Entry& e, const std::string& file, const YAML::Node& entry, TestDefinition* def,
                          ProjectProblems* problems) {
  std::vector<std::string> allowed;
  if (def->kind == GenericTestKind::kAcceptedValues) allowed = {"values", "quote"};
  if (def->kind == GenericTestKind::kRelationships) allowed = {"to", "field"};
  bool ok = true;
  for (const auto& [key, value] : e.arguments) {
    const std::string k = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      problems->Add(file, key.Mark(), fmt::format("test '{}' has no argument '{}'{}", e.test_name, k,
                                                  allowed.empty() ? "" : fmt::format(" (it takes {})", fmt::join(allowed, ", "))));
      ok = false;
    } else if (k == "values") {
      if (!value.IsSequence()) {
        problems->Add(file, value.Mark(), "accepted_values: values must be a list");
        ok = false;
      } else {
        for (const auto& v : value) def->accepted_values.push_back(v.IsScalar() ? v.Scalar() : "");
      }
    } else if (k == "quote") {
      const auto b = value.IsScalar() ? ParseConfigBool(value.Scalar()) : std::nullopt;
      if (!b) {
        problems->Add(file, value.Mark(), "accepted_values: quote must be true or false");
        ok = false;
      } else {
        def->quote_values = *b;
      }
    } else if (k == "to") {
      def->to = value.IsScalar() ? ParseRelationRef(value.Scalar()) : std::nullopt;
      if (!def->to) {
        problems->Add(file, value.Mark(), fmt::format("relationships: to must be ref('model') or source('source', 'table') (not '{}')",
                                                      value.IsScalar() ? value.Scalar() : "a list or map"));
        ok = false;
      }
    } else if (k == "field") {
      if (!value.IsScalar() || value.Scalar().empty()) {
        problems->Add(file, value.Mark(), "relationships: field must be a column name");
        ok = false;
      } else {
        def->field = value.Scalar();
      }
    }
  }
  auto given = [&](std::string_view name) {
    return std::any_of(e.arguments.begin(), e.arguments.end(), [&](const auto& a) { return a.first.Scalar() == name; });
  };
  const char* missing = nullptr;
  if (def->kind == GenericTestKind::kAcceptedValues && !given("values")) missing = "values";
  if (def->kind == GenericTestKind::kRelationships && !given("to")) missing = "to";
  else if (def->kind == GenericTestKind::kRelationships && !given("field")) missing = "field";
  if (missing) {
    problems->Add(file, entry.Mark(), fmt::format("test '{}' needs the argument '{}'", e.test_name, missing));
    ok = false;
  }
  if (!def->column && ok) {
    problems->Add(file, entry.Mark(), fmt::format("test '{}' needs a column: declare it under a column, or give column_name",
                                                  e.test_name));
    ok = false;
  }
  return ok;
}

}  // namespace

std::pair<std::string, std::string> GenericTestNames(
    const std::string& test_type, const std::string& target,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& sorted_args) {
  std::vector<std::string> parts;
  for (const auto& [name, values] : sorted_args) {
    for (const std::string& v : values) {
      std::string clean;
      for (char c : v) {
        const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        if (keep) clean += c;
        else if (clean.empty() || clean.back() != '\x01') clean += '\x01';  // a run of others is one '_'
      }
      std::replace(clean.begin(), clean.end(), '\x01', '_');
      parts.push_back(clean);
    }
  }
  std::string unique;
  for (size_t i = 0; i < parts.size(); ++i) unique += (i ? "__" : "") + parts[i];
  const std::string identifier = test_type + "_" + target;
  const std::string full = identifier + "_" + unique;
  if (full.size() < 64) return {full, full};
  return {identifier.substr(0, 30) + "_" + Md5Hex(full), full};
}

void ParseGenericTest(const YAML::Node& entry, const TestTarget& target, const TestContext& context,
                      std::vector<TestDefinition>* out, ProjectProblems* problems) {
  const std::string& file = context.file->path;
  Entry e;
  if (!ReadEntry(entry, file, &e, problems)) return;
  if (e.test_name.find('.') != std::string::npos) {
    return problems->Add(file, entry.Mark(), fmt::format("test '{}' comes from a package, and packages are not supported",
                                                         e.test_name));
  }
  TestDefinition def;
  def.test_name = e.test_name;
  def.kind = KindOf(e.test_name);
  if (def.kind == GenericTestKind::kCustom && !context.custom_tests->count(e.test_name)) {
    return problems->Add(file, entry.Mark(),
                         fmt::format("unknown test '{}' (there are unique, not_null, accepted_values, relationships, "
                                     "and the project's own {{% test %}} definitions)", e.test_name));
  }
  def.target_type = target.type;
  def.target_name = target.name;
  def.target_source = target.source_name;
  if (target.column) {
    def.column = target.column->name;
    def.quote_column = target.column->quote;
  } else if (e.column_name && e.column_name.IsScalar()) {
    def.column = e.column_name.Scalar();
  }
  if (def.kind != GenericTestKind::kCustom && !ReadBuiltInArguments(e, file, entry, &def, problems)) return;

  // The arguments, sorted by name as dbt names the test from them.
  std::vector<size_t> order(e.arguments.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return e.arguments[a].first.Scalar() < e.arguments[b].first.Scalar(); });
  std::vector<std::pair<std::string, std::vector<std::string>>> name_args;
  for (size_t i : order) {
    const auto& [key, value] = e.arguments[i];
    TestArgument arg;
    arg.name = key.Scalar();
    arg.yaml = YAML::Dump(value);
    arg.is_list = value.IsSequence();
    if (value.IsScalar()) arg.values = {value.Scalar()};
    if (value.IsSequence()) {
      for (const auto& item : value)
        if (item.IsScalar()) arg.values.push_back(item.Scalar());
    }
    def.arguments.push_back(std::move(arg));
    name_args.emplace_back(key.Scalar(), FlatValues(value));
  }
  if (def.column) name_args.emplace_back("column_name", std::vector<std::string>{*def.column});
  std::stable_sort(name_args.begin(), name_args.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  if (e.custom_name) {
    def.name = def.alias = *e.custom_name;
  } else {
    const bool source = target.type == ResourceType::kSource;
    std::tie(def.alias, def.name) = GenericTestNames((source ? "source_" : "") + e.test_name,
                                                     source ? target.source_name + "_" + target.name : target.name,
                                                     name_args);
  }
  def.file = *context.file;
  def.file.name = def.name;
  def.file.fqn = {context.project_name};
  def.file.fqn.insert(def.file.fqn.end(), context.file->folders.begin(), context.file->folders.end());
  def.file.fqn.push_back(def.name);
  def.position = PositionOf(file, entry.Mark());

  // Precedence: the config trees, the column's tags, then the test's own keys.
  def.config = DefaultConfig(ResourceType::kTest);
  for (ConfigTree* tree : context.trees) tree->Apply(def.file.fqn, &def.config);
  if (target.column)
    (void)ApplyConfigKey(ResourceType::kTest, "tags", ConfigValue::List(target.column->tags), &def.config);
  for (const auto& [key, value] : e.config_keys) {
    const Status st = ApplyConfigKey(ResourceType::kTest, key.Scalar(), ConfigValueOf(value), &def.config);
    if (!st.ok()) problems->Add(file, key.Mark(), st.message());
  }
  ApplyConfigMap(e.config_map, ResourceType::kTest, file, &def.config, problems);
  if (!target.enabled) def.config.enabled = false;
  if (def.config.alias) def.alias = *def.config.alias;
  out->push_back(std::move(def));
}

}  // namespace sluice::models
