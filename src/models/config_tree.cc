#include "models/config_tree.h"

#include <fmt/format.h>

namespace sluice::models {

ConfigValue ConfigValueOf(const YAML::Node& node) {
  ConfigValue v;
  if (!node || node.IsNull()) return v;
  if (node.IsScalar()) return ConfigValue::Scalar(node.Scalar());
  if (node.IsSequence()) {
    v.kind = ConfigValue::Kind::kList;
    for (const auto& item : node) {
      if (!item.IsScalar()) return ConfigValue{ConfigValue::Kind::kNested, {}, {}, {}};
      v.list.push_back(item.Scalar());
    }
    return v;
  }
  v.kind = ConfigValue::Kind::kMap;
  for (const auto& kv : node) {
    if (!kv.second.IsScalar()) return ConfigValue{ConfigValue::Kind::kNested, {}, {}, {}};
    v.map.emplace_back(kv.first.Scalar(), kv.second.Scalar());
  }
  return v;
}

void ApplyConfigMap(const YAML::Node& map, ResourceType type, const std::string& file, NodeConfig* config,
                    ProjectProblems* problems) {
  if (!map || map.IsNull()) return;
  if (!map.IsMap()) return problems->Add(file, map.Mark(), "config must be a map of config keys");
  for (const auto& kv : map) {
    const Status st = ApplyConfigKey(type, kv.first.Scalar(), ConfigValueOf(kv.second), config);
    if (!st.ok()) problems->Add(file, kv.first.Mark(), st.message());
  }
}

ConfigTree::ConfigTree(const YAML::Node& node, ResourceType type, std::string section, const std::string& file,
                       ProjectProblems* problems)
    : type_(type), section_(std::move(section)) {
  if (!node || node.IsNull()) return;
  if (!node.IsMap()) {
    problems->Add(file, node.Mark(), fmt::format("{} must be a map of configs and folders", section_));
    return;
  }
  ParseLevel(node, file, problems, &root_);
}

void ConfigTree::ParseLevel(const YAML::Node& node, const std::string& file, ProjectProblems* problems, Level* level) {
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    const bool plus = !key.empty() && key[0] == '+';
    if (plus) key = key.substr(1);
    const bool is_folder = !plus && kv.second.IsMap() && !IsMapValuedConfigKey(key);
    if (is_folder) {
      Level child;
      ParseLevel(kv.second, file, problems, &child);
      level->children.emplace_back(key, std::move(child));
      continue;
    }
    ConfigValue value = ConfigValueOf(kv.second);
    NodeConfig scratch = DefaultConfig(type_);
    const Status st = ApplyConfigKey(type_, key, value, &scratch);
    if (!st.ok() && !plus && kv.second.IsNull()) {
      // `staging:` with nothing under it: a folder yet to be configured.
      level->children.emplace_back(key, Level{});
      continue;
    }
    if (!st.ok()) {
      problems->Add(file, kv.first.Mark(), fmt::format("{}: {}", section_, st.message()));
      continue;
    }
    level->entries.emplace_back(std::move(key), std::move(value));
  }
}

void ConfigTree::Apply(const std::vector<std::string>& fqn, NodeConfig* config) {
  Level* level = &root_;
  size_t depth = 0;
  while (true) {
    level->used = true;
    for (const auto& [key, value] : level->entries) {
      // Checked when parsed: cannot fail here.
      (void)ApplyConfigKey(type_, key, value, config);
    }
    if (depth == fqn.size()) break;
    Level* next = nullptr;
    for (auto& [name, child] : level->children)
      if (name == fqn[depth]) next = &child;
    if (!next) break;
    level = next;
    ++depth;
  }
}

std::vector<std::string> ConfigTree::UnusedPaths() const {
  std::vector<std::string> out;
  CollectUnused(root_, section_, &out);
  return out;
}

void ConfigTree::CollectUnused(const Level& level, const std::string& path, std::vector<std::string>* out) {
  for (const auto& [name, child] : level.children) {
    const std::string child_path = path + "." + name;
    if (!child.used) out->push_back(child_path);
    else CollectUnused(child, child_path, out);
  }
}

}  // namespace sluice::models
