// A workspace's warehouse on ClickHouse: a database of its own,
// w_<pid>_<n>_<salt>, on the `clickhouse` fixture's server
// ($SLUICE_TEST_CLICKHOUSE_DIR/url; scripts/clickhouse-node.sh), dropped
// with the workspace, and the bookkeeping store sluice keeps beside it
// (data_dir/bookkeeping.db).
//
// Queries that name sluice's own tables (sluice_load_history …) read the
// bookkeeping file, as `sluice sql` does; the rest go to ClickHouse, whose
// values become the Cells the SQLite backend would give: Int*/UInt* as
// integers, Float*/Decimal* as reals (rendered as SQLite renders them),
// \N as NULL, everything else text.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "test_warehouse.h"

namespace sluice::testing {

// The fixture's server: its url, from $SLUICE_TEST_CLICKHOUSE_DIR/url
// (node 1 of a cluster); every node's, from …/urls.
std::string ClickHouseUrl();
std::vector<std::string> ClickHouseShardUrls();

// One node.
std::unique_ptr<TestWarehouse> MakeClickHouseTestWarehouse(const std::string& data_dir,
                                                           const WorkspaceOptions& options);
// The `clickhouse_cluster` fixture's shards: cluster `events`, final tables
// through Distributed tables (backend name clickhouse_cluster, suffix /ch2).
std::unique_ptr<TestWarehouse> MakeClickHouseClusterTestWarehouse(const std::string& data_dir,
                                                                  const WorkspaceOptions& options);

}  // namespace sluice::testing
