// The embedded SQLite warehouse of a workspace, read through the SQLite C
// API (read-only connections, as a reader beside sluice would open).
#pragma once

#include <memory>
#include <string>

#include "test_warehouse.h"

namespace sluice::testing {

std::unique_ptr<TestWarehouse> MakeSqliteTestWarehouse(const std::string& data_dir, const WorkspaceOptions& options);

}  // namespace sluice::testing
