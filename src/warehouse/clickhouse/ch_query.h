// The user's SQL on ClickHouse: `sluice sql` and SQL tasks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "warehouse/clickhouse/ch_client.h"
#include "warehouse/query_sink.h"

namespace sluice {

// Whether `sql` names one of sluice's own tables (sluice_load_history …,
// outside quotes and comments): those live in the bookkeeping store, and
// such a query runs there.
bool NamesBookkeepingTable(std::string_view sql);

// `sql` cut into its statements at semicolons outside quotes and comments,
// each trimmed; empty ones dropped (ClickHouse takes one per request).
std::vector<std::string> SplitStatements(std::string_view sql);

// Runs each statement of `sql` in turn, its rows to `sink` with their kinds
// (numbers as kInt/kReal, \N as kNull). Without `allow_writes` the server
// refuses anything but reads (readonly=1: no writes, no table functions).
Status ChQuery(ClickHouseClient* client, std::string_view sql, bool allow_writes, QuerySink* sink);

// A SQL task: each statement in turn, stopped by the server once
// `timeout_micros` pass (max_execution_time). ClickHouse has no
// transactions: statements before a failing one stay done. Returns 0
// (the server does not count the rows a statement changes).
Result<int64_t> ChRunScript(ClickHouseClient* client, std::string_view sql, int64_t timeout_micros);

}  // namespace sluice
