// Registers the ClickHouse warehouse: `warehouse: {backend: clickhouse, url,
// database, cluster, shards, bookkeeping}`, for event volumes and analytical
// loads one database server cannot carry.
#include <algorithm>
#include <cctype>

#include "base/webhook_url.h"
#include "warehouse/clickhouse/ch_dialect.h"
#include "warehouse/clickhouse/ch_options.h"
#include "warehouse/clickhouse/ch_warehouse.h"
#include "warehouse/registry.h"

namespace sluice {
namespace {

std::optional<std::string> NotPlainName(const std::string& s) {
  const bool plain = !s.empty() && s.size() <= 63 && !std::isdigit(static_cast<unsigned char>(s[0])) &&
                     std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
  if (plain) return std::nullopt;
  return "must be 1-63 letters, digits or _, not starting with a digit";
}

std::optional<std::string> NotHttpUrls(const std::string& urls) {
  size_t start = 0;
  while (start <= urls.size()) {
    size_t comma = urls.find(',', start);
    if (comma == std::string::npos) comma = urls.size();
    auto parsed = ParseWebhookUrl(std::string_view(urls).substr(start, comma - start));
    if (!parsed.ok()) return "is not a url: " + parsed.status().message();
    if (parsed->tls || parsed->target != "/") return "must be http://host:port (no path, no https)";
    start = comma + 1;
  }
  return std::nullopt;
}

const bool kRegistered = RegisterBackend({
    .name = "clickhouse",
    .summary = "a ClickHouse server or cluster (bookkeeping in SQLite or PostgreSQL)",
    .options = {{"url", "", "http://host:port of ClickHouse's HTTP interface; empty: $SLUICE_CLICKHOUSE_URL, else "
                            "http://127.0.0.1:8123",
                 [](const std::string& v) { return v.empty() ? std::nullopt : NotHttpUrls(v); }},
                {"database", "sluice", "the database every table sluice creates lives in (one per environment)",
                 NotPlainName},
                {"cluster", "", "the remote_servers cluster the Distributed final tables use; empty: one node",
                 [](const std::string& v) { return v.empty() ? std::nullopt : NotPlainName(v); }},
                {"shards", "", "with cluster: every shard's HTTP url, where sluice creates the local tables",
                 [](const std::string& v) { return v.empty() ? std::nullopt : NotHttpUrls(v); }, /*list=*/true},
                {"bookkeeping", "bookkeeping.db",
                 "where sluice's own records live: a SQLite file under data_dir, or a postgresql:// DSN", nullptr}},
    .open = [](const WarehouseConfig& config, const std::string& data_dir) {
      return ChWarehouse::Open(ChOptions::From(config), data_dir);
    },
    .dialect = [](const WarehouseConfig& config) {
      return std::unique_ptr<SqlDialect>(new ChDialect(ChOptions::From(config)));
    },
});

}  // namespace
}  // namespace sluice
