// The `warehouse:` section: which backend, and that backend's own keys.
//
// The config does not know the backends: each one registers the keys it
// accepts (RegisterWarehouseBackend, called by warehouse/registry.h when a
// backend's folder registers itself), and the section is checked against the
// one `backend:` names — unknown backends and keys of another backend are
// reported at their file:line:col with the rest of the config's problems.
// Registration happens during static initialisation; reading happens after.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// A key a backend accepts under `warehouse:`.
struct WarehouseOption {
  std::string key;
  std::string default_value;  // empty: none
  std::string description;    // what docs/configuration.md says of it, in short
  // Why `value` is not acceptable (completing "warehouse.KEY 'VALUE' …"), or nullopt.
  std::function<std::optional<std::string>(const std::string& value)> check;
  // A list (`shards: [a, b]`): its items, which may not contain commas, are
  // held joined with commas; a single scalar is a list of one.
  bool list = false;
};

// The backend when the config names none: the embedded one.
inline constexpr const char* kDefaultWarehouseBackend = "sqlite";

struct WarehouseConfig {
  std::string backend = kDefaultWarehouseBackend;
  // The backend's keys: every one it accepts, as written or its default.
  std::map<std::string, std::string> options;

  // The option `key`; empty when the backend has no such key.
  const std::string& Option(const std::string& key) const;
};

// Called once per backend, by the backend's registration (warehouse/registry.h).
void RegisterWarehouseBackend(std::string backend, std::vector<WarehouseOption> options);
// backend name → its keys, for every registered backend.
const std::map<std::string, std::vector<WarehouseOption>>& WarehouseBackends();
// "sqlite or postgres", "a, b or c": the registered backends, for messages.
std::string WarehouseBackendList();
// Sets every key of `config`'s backend that is not set to its default.
void FillWarehouseDefaults(WarehouseConfig* config);

}  // namespace sluice
