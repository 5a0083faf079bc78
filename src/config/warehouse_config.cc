#include "config/warehouse_config.h"

namespace sluice {
namespace {

std::map<std::string, std::vector<WarehouseOption>>& Registry() {
  static std::map<std::string, std::vector<WarehouseOption>> registry;
  return registry;
}

}  // namespace

const std::string& WarehouseConfig::Option(const std::string& key) const {
  static const std::string kNone;
  const auto it = options.find(key);
  return it == options.end() ? kNone : it->second;
}

void RegisterWarehouseBackend(std::string backend, std::vector<WarehouseOption> options) {
  Registry()[std::move(backend)] = std::move(options);
}

const std::map<std::string, std::vector<WarehouseOption>>& WarehouseBackends() { return Registry(); }

void FillWarehouseDefaults(WarehouseConfig* config) {
  const auto backend = Registry().find(config->backend);
  if (backend == Registry().end()) return;
  for (const auto& option : backend->second)
    if (!config->options.count(option.key) && !option.default_value.empty())
      config->options[option.key] = option.default_value;
}

std::string WarehouseBackendList() {
  std::vector<std::string> names;
  // The default first, then the others by name.
  if (Registry().count(kDefaultWarehouseBackend)) names.push_back(kDefaultWarehouseBackend);
  for (const auto& [name, options] : Registry())
    if (name != kDefaultWarehouseBackend) names.push_back(name);
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return out.empty() ? "none are registered" : out;
}

}  // namespace sluice
