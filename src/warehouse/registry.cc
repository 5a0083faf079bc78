#include "warehouse/registry.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/text.h"

namespace sluice {
namespace {

std::map<std::string, BackendDefinition, std::less<>>& BackendRegistry() {
  static std::map<std::string, BackendDefinition, std::less<>> registry;
  return registry;
}

std::map<std::string, DialectDefinition, std::less<>>& DialectRegistry() {
  static std::map<std::string, DialectDefinition, std::less<>> registry;
  return registry;
}

// A backend's options with its defaults, when `config` is not for it.
WarehouseConfig DefaultsOf(const BackendDefinition& backend) {
  WarehouseConfig config;
  config.backend = backend.name;
  for (const auto& option : backend.options)
    if (!option.default_value.empty()) config.options[option.key] = option.default_value;
  return config;
}

}  // namespace

bool RegisterBackend(BackendDefinition backend) {
  RegisterWarehouseBackend(backend.name, backend.options);
  const std::string name = backend.name;
  BackendRegistry()[name] = std::move(backend);
  return true;
}

bool RegisterDialect(DialectDefinition dialect) {
  const std::string name = dialect.name;
  DialectRegistry()[name] = std::move(dialect);
  return true;
}

std::vector<const BackendDefinition*> Backends() {
  std::vector<const BackendDefinition*> out;
  if (const BackendDefinition* d = FindBackend(kDefaultWarehouseBackend)) out.push_back(d);
  for (const auto& [name, backend] : BackendRegistry())
    if (name != kDefaultWarehouseBackend) out.push_back(&backend);
  return out;
}

const BackendDefinition* FindBackend(std::string_view name) {
  const auto it = BackendRegistry().find(name);
  return it == BackendRegistry().end() ? nullptr : &it->second;
}

std::vector<std::string> DialectNames() {
  std::vector<std::string> names;
  for (const BackendDefinition* backend : Backends()) names.push_back(backend->name);
  for (const auto& [name, dialect] : DialectRegistry()) names.push_back(name);
  return names;
}

const DialectDefinition* FindStandaloneDialect(std::string_view name) {
  const auto it = DialectRegistry().find(name);
  return it == DialectRegistry().end() ? nullptr : &it->second;
}

Result<std::unique_ptr<Dialect>> MakeDialect(std::string_view name, const WarehouseConfig& config,
                                             const std::map<std::string, std::string>& flags) {
  if (const BackendDefinition* backend = FindBackend(name))
    return std::unique_ptr<Dialect>(backend->dialect(config.backend == name ? config : DefaultsOf(*backend)));
  if (const DialectDefinition* dialect = FindStandaloneDialect(name)) return dialect->make(flags);
  return Status::NotFound(fmt::format("unknown dialect '{}' (one of: {})", name, Join(DialectNames(), ", ")));
}

Result<std::unique_ptr<Warehouse>> OpenWarehouse(const WarehouseConfig& warehouse, const std::string& data_dir) {
  const BackendDefinition* backend = FindBackend(warehouse.backend);
  if (backend == nullptr)
    return Status::InvalidArgument(fmt::format("unknown warehouse backend '{}' ({})", warehouse.backend,
                                               WarehouseBackendList()));
  return backend->open(warehouse, data_dir);
}

}  // namespace sluice
