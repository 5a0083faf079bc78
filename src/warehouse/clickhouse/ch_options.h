// The ClickHouse backend's keys under `warehouse:` (ch_backend.cc says what
// each means and its default).
#pragma once

#include <string>
#include <vector>

#include "config/warehouse_config.h"

namespace sluice {

struct ChOptions {
  std::string url;          // http://host:port of the server sluice talks to; empty: $SLUICE_CLICKHOUSE_URL
  std::string database;     // every table sluice creates lives in it
  std::string cluster;      // remote_servers cluster of the Distributed final tables; empty: one node
  std::vector<std::string> shards;  // with cluster: each shard's url, where the local tables are made
  std::string bookkeeping;  // a file under data_dir, or a postgresql:// DSN

  bool distributed() const { return !cluster.empty(); }

  static ChOptions From(const WarehouseConfig& config) {
    ChOptions o{config.Option("url"), config.Option("database"), config.Option("cluster"), {},
                config.Option("bookkeeping")};
    const std::string& shards = config.Option("shards");
    size_t start = 0;
    while (start < shards.size()) {
      size_t comma = shards.find(',', start);
      if (comma == std::string::npos) comma = shards.size();
      if (comma > start) o.shards.push_back(shards.substr(start, comma - start));
      start = comma + 1;
    }
    return o;
  }
};

}  // namespace sluice
