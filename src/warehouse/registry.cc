#include "warehouse/registry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

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

// `config` for `backend` when it names it, else the backend's defaults.
WarehouseConfig ConfigFor(const BackendDefinition& backend, const WarehouseConfig& config) {
  WarehouseConfig out;
  if (config.backend == backend.name) out = config;
  out.backend = backend.name;
  FillWarehouseDefaults(&out);
  return out;
}

}  // namespace

// Registrations run before main: a clash is a build mistake, said at once.
[[noreturn]] void RefuseRegistration(const std::string& what) {
  std::fprintf(stderr, "sluice: %s\n", what.c_str());
  std::abort();
}

bool RegisterBackend(BackendDefinition backend) {
  const std::string name = backend.name;
  if (FindBackend(name) || FindStandaloneDialect(name))
    RefuseRegistration(fmt::format("warehouse backend '{}' is registered twice", name));
  RegisterWarehouseBackend(name, backend.options);
  BackendRegistry()[name] = std::move(backend);
  return true;
}

bool RegisterDialect(DialectDefinition dialect) {
  const std::string name = dialect.name;
  if (FindBackend(name) || FindStandaloneDialect(name))
    RefuseRegistration(fmt::format("DDL dialect '{}' is registered twice", name));
  // `sluice ddl` takes every standalone dialect's flags: one name, one flag.
  for (const auto& [other, registered] : DialectRegistry())
    for (const DialectFlag& flag : dialect.flags)
      for (const DialectFlag& taken : registered.flags)
        if (flag.name == taken.name)
          RefuseRegistration(fmt::format("dialects '{}' and '{}' both take --{}", name, other, flag.name));
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
    return std::unique_ptr<Dialect>(backend->dialect(ConfigFor(*backend, config)));
  if (const DialectDefinition* dialect = FindStandaloneDialect(name)) return dialect->make(flags);
  return Status::NotFound(fmt::format("unknown dialect '{}' (one of: {})", name, Join(DialectNames(), ", ")));
}

Result<std::unique_ptr<Warehouse>> OpenWarehouse(const WarehouseConfig& warehouse, const std::string& data_dir) {
  const BackendDefinition* backend = FindBackend(warehouse.backend);
  if (backend == nullptr)
    return Status::InvalidArgument(fmt::format("unknown warehouse backend '{}' ({})", warehouse.backend,
                                               WarehouseBackendList()));
  return backend->open(ConfigFor(*backend, warehouse), data_dir);
}

Result<BookkeepingStore> OpenBookkeepingStore(const std::string& location, const std::string& name_space,
                                              const std::string& data_dir) {
  std::vector<const BackendDefinition*> hosts = Backends();
  if (!hosts.empty()) std::rotate(hosts.begin(), hosts.begin() + 1, hosts.end());  // the default, which takes any path, last
  for (const BackendDefinition* backend : hosts)
    if (backend->bookkeeping && backend->bookkeeping->accepts(location))
      return backend->bookkeeping->open(location, name_space, data_dir);
  return Status::InvalidArgument(fmt::format("no backend can keep sluice's bookkeeping at '{}'", location));
}

}  // namespace sluice
