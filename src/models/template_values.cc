#include "models/template_values.h"

#include <cerrno>
#include <cstdlib>
#include <regex>
#include <string>

#include <fmt/format.h>

namespace sluice::models {
namespace {

// YAML 1.2 core schema, as https://yaml.org/spec/1.2.2/#1032-tag-resolution writes it.
jinja::Value PlainScalar(const std::string& text) {
  static const std::regex kNull("null|Null|NULL|~|");
  static const std::regex kTrue("true|True|TRUE");
  static const std::regex kFalse("false|False|FALSE");
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, kNull)) return jinja::Value::None();
  if (std::regex_match(text, kTrue)) return jinja::Value(true);
  if (std::regex_match(text, kFalse)) return jinja::Value(false);
  if (std::regex_match(text, kInt)) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno == 0 && end == text.c_str() + text.size()) return jinja::Value(static_cast<int64_t>(v));
    return jinja::Value(text);  // beyond int64: kept as written
  }
  if (std::regex_match(text, kFloat)) return jinja::Value(std::strtod(text.c_str(), nullptr));
  return jinja::Value(text);
}

}  // namespace

jinja::Value ValueFromYaml(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return jinja::Value::None();
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") return jinja::Value(node.Scalar());  // quoted
      return PlainScalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      jinja::List items;
      items.reserve(node.size());
      for (const auto& item : node) items.push_back(ValueFromYaml(item));
      return jinja::Value::FromList(std::move(items));
    }
    case YAML::NodeType::Map: {
      jinja::Dict dict;
      for (const auto& entry : node) dict.Set(entry.first.Scalar(), ValueFromYaml(entry.second));
      return jinja::Value::FromDict(std::move(dict));
    }
  }
  return jinja::Value::None();
}

Result<jinja::Value> ValueFromYamlText(std::string_view text, std::string_view what) {
  try {
    return ValueFromYaml(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}: not YAML: {}", what, e.what()));
  }
}

}  // namespace sluice::models
