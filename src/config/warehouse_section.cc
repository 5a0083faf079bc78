#include "config/warehouse_section.h"

#include <fmt/format.h>

#include "base/text.h"

namespace sluice {
namespace {

const WarehouseOption* FindOption(const std::vector<WarehouseOption>& options, const std::string& key) {
  for (const auto& option : options)
    if (option.key == key) return &option;
  return nullptr;
}

// The registered backends other than `backend` that accept `key`.
std::vector<std::string> BackendsAccepting(const std::string& key, const std::string& backend) {
  std::vector<std::string> names;
  for (const auto& [name, options] : WarehouseBackends())
    if (name != backend && FindOption(options, key)) names.push_back(name);
  return names;
}

}  // namespace

void ParseWarehouse(const YAML::Node& node, WarehouseConfig* warehouse, Problems* problems) {
  if (const auto b = node["backend"]; b && IsScalar(b, "warehouse.backend", problems)) {
    warehouse->backend = b.Scalar();
    if (!WarehouseBackends().count(warehouse->backend)) {
      problems->Add(b.Mark(), fmt::format("unknown warehouse backend '{}' ({})", warehouse->backend,
                                          WarehouseBackendList()));
      return;
    }
  }
  const auto backend = WarehouseBackends().find(warehouse->backend);
  // The default backend must be there too, unless no backend is (a program
  // that opens no warehouse: it checks what it can).
  if (backend == WarehouseBackends().end() && !WarehouseBackends().empty()) {
    problems->Add(node.Mark(), fmt::format("the default warehouse backend '{}' is not built into this program ({})",
                                           warehouse->backend, WarehouseBackendList()));
    return;
  }
  static const std::vector<WarehouseOption> kNone;
  const std::vector<WarehouseOption>& accepted = backend == WarehouseBackends().end() ? kNone : backend->second;
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    if (key == "backend") continue;
    const WarehouseOption* option = FindOption(accepted, key);
    if (option == nullptr) {
      const std::vector<std::string> others = BackendsAccepting(key, warehouse->backend);
      if (!others.empty()) {
        problems->Add(kv.second.Mark(), fmt::format("warehouse.{} applies to backend: {} only", key, Join(others, ", ")));
        continue;
      }
      std::vector<std::string> keys = {"backend"};
      for (const auto& o : accepted) keys.push_back(o.key);
      problems->Add(kv.first.Mark(), fmt::format("unknown key '{}' in warehouse (expected one of: {})", key,
                                                 Join(keys, ", ")));
      continue;
    }
    std::string value;
    if (option->list && kv.second.IsSequence()) {
      // A list option holds its items joined with commas (WarehouseOption::list).
      bool scalars = true;
      std::vector<std::string> items;
      for (const auto& item : kv.second) {
        scalars = scalars && IsScalar(item, fmt::format("an item of warehouse.{}", key), problems);
        if (scalars) items.push_back(item.Scalar());
      }
      if (!scalars) continue;
      value = Join(items, ",");
    } else {
      if (!IsScalar(kv.second, fmt::format("warehouse.{}", key), problems)) continue;
      value = kv.second.Scalar();
    }
    if (option->check) {
      if (auto why = option->check(value)) {
        problems->Add(kv.second.Mark(), fmt::format("warehouse.{} '{}' {}", key, value, *why));
        continue;
      }
    }
    warehouse->options[key] = value;
  }
  FillWarehouseDefaults(warehouse);
}

}  // namespace sluice
