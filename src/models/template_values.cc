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

// Converts with a budget of nodes: YAML's aliases let a few lines name an
// exponential number of nodes ("billion laughs"), each walked again here.
class Converter {
 public:
  // `prefix` starts each error ("models.vars: ", or "").
  explicit Converter(std::string prefix) : prefix_(std::move(prefix)) {}

  Result<jinja::Value> Convert(const YAML::Node& node, int depth) {
    if (++nodes_ > kMaxYamlValueNodes || depth > kMaxYamlValueDepth)
      return Status::InvalidArgument(fmt::format("{}more than {} values, or nested deeper than {} (YAML aliases?)",
                                                 prefix_, kMaxYamlValueNodes, kMaxYamlValueDepth));
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: return jinja::Value::None();
      case YAML::NodeType::Scalar:
        if (node.Tag() == "!") return jinja::Value(node.Scalar());  // quoted
        return PlainScalar(node.Scalar());
      case YAML::NodeType::Sequence: {
        jinja::List items;
        for (const auto& item : node) {
          ASSIGN_OR_RETURN(jinja::Value v, Convert(item, depth + 1));
          items.push_back(std::move(v));
        }
        return jinja::Value::FromList(std::move(items));
      }
      case YAML::NodeType::Map: {
        jinja::Dict dict;
        for (const auto& entry : node) {
          ASSIGN_OR_RETURN(jinja::Value v, Convert(entry.second, depth + 1));
          dict.Set(entry.first.Scalar(), std::move(v));
        }
        return jinja::Value::FromDict(std::move(dict));
      }
    }
    return jinja::Value::None();
  }

 private:
  std::string prefix_;
  size_t nodes_ = 0;
};

}  // namespace

Status CheckYamlSize(const YAML::Node& root) { return Converter("").Convert(root, 0).status(); }

Result<jinja::Value> ValueFromYaml(const YAML::Node& node, std::string_view what) {
  return Converter(fmt::format("{}: ", what)).Convert(node, 0);
}

Result<jinja::Value> ValueFromYamlText(std::string_view text, std::string_view what) {
  try {
    return ValueFromYaml(YAML::Load(std::string(text)), what);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}: not YAML: {}", what, e.what()));
  }
}

}  // namespace sluice::models
