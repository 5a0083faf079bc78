// sluice.yaml → Config.
//
// ParseConfig checks everything it can without touching the disk and reports
// every problem at once, each as "FILE:LINE:COLUMN: message", so a user fixes
// a config in one pass. Relative paths in the file are relative to its folder.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"

namespace sluice {

struct WarehouseConfig {
  std::string backend = "sqlite";  // the embedded default
};

struct Config {
  std::string path;      // the config file as found
  std::string base_dir;  // its folder: relative paths in the file start here
  std::string data_dir;  // landing files and the embedded warehouse
  WarehouseConfig warehouse;
  Catalog catalog;

  std::string sqlite_path() const { return data_dir + "/warehouse.db"; }
  std::string landing_dir() const { return data_dir + "/landing"; }
};

// Which file to read: `flag` if given, else $SLUICE_CONFIG, else ./sluice.yaml.
std::string ResolveConfigPath(const std::string& flag);

// Parses and validates YAML text; `path` names the file in messages and
// anchors relative paths. No I/O.
Result<Config> ParseConfig(std::string_view yaml_text, const std::string& path);

// Every key sluice.yaml accepts, dotted, with <name> for user-chosen names
// (e.g. "events.<name>.columns.<name>.type"). docs/configuration.md must
// describe each; a test holds the two together.
const std::vector<std::string>& ConfigKeys();

// Reads the file at `path`, then ParseConfig.
Result<Config> LoadConfig(const std::string& path);

}  // namespace sluice
