// sluice.yaml → Config.
//
// ParseConfig checks everything it can without touching the disk and reports
// every problem at once, each as "FILE:LINE:COLUMN: message", so a user fixes
// a config in one pass. Relative paths in the file are relative to its folder.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "config/models_config.h"
#include "config/warehouse_config.h"

namespace sluice {

struct ApiKey {
  std::string name;
  std::string sha256;              // lowercase hex of SHA-256(key)
  std::vector<std::string> types;  // event types it may post; empty: all
};

// `sluice serve`'s HTTP listener, and who may post to it.
struct HttpConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  size_t max_body = 16u << 20;  // bytes of a request body (after decompression too)
  size_t max_event = 1u << 20;  // bytes of one event
  std::string tls_cert;         // PEM; TLS is on when both are set
  std::string tls_key;
  std::vector<ApiKey> keys;     // auth.keys; none: only loopback clients, without a key
};

struct LandingConfig {
  int64_t roll_interval_micros = 5'000'000;  // seal an open file after this long
  size_t roll_size = 64u << 20;              // or once it is this big
  size_t max_backlog = size_t{16} << 30;      // event bytes landed but not yet loaded before 503s
  // When the pipeline has nothing to load, seal open files at least this old
  // rather than wait for roll_interval: freshness. 0 turns it off.
  int64_t seal_when_idle_micros = 500'000;
};

// A task declared under `tasks:` (tasks/task.h turns it into a TaskSpec).
struct TaskConfig {
  std::string name;
  std::string schedule;            // cron or interval (base/schedule.h); empty: only after predecessors, or by hand
  std::vector<std::string> after;  // runs when every one of these has succeeded
  std::string sql;                 // sql: inline
  std::string sql_file;            // sql_file: resolved against the config's folder, read at each run
  int retries = 0;                 // further attempts after a failure, with back-off
  int64_t timeout_micros = 3'600'000'000;  // per attempt
};

// Where task failures and recoveries are reported (tasks/alerter.h).
struct AlertsConfig {
  std::string webhook;                          // http(s)://host[:port]/path; empty: no webhook
  std::string email_to;                         // empty: no email
  std::string sendmail = "/usr/sbin/sendmail";  // a sendmail-compatible program
};

// Where an AMQP source finds a message's type name (sources_config.h).
struct TypeFrom {
  enum class Kind { kHeader, kRoutingKey, kPayload };
  Kind kind = Kind::kHeader;
  std::string header = "type";  // kHeader: the headers-table entry; "type" also falls back to the type property
  std::string path;             // kPayload: a path into the JSON message (catalog/path.h)
};

// A RabbitMQ queue `sluice serve` consumes (sources.<name>.amqp).
struct AmqpSourceConfig {
  std::string name;  // sources.<name>
  std::string url;   // amqp://user:password@host:port/vhost (vhost %2f for "/"); empty: $SLUICE_AMQP_URL
  std::string queue;
  int prefetch = 500;  // unacknowledged deliveries in flight
  TypeFrom type_from;
  std::string format = "json";  // or "protobuf"
  std::vector<std::string> proto_files;   // resolved against the config's folder
  std::vector<std::string> import_paths;  // likewise; default: the config's folder
  // Message type name → catalog event type. Required for protobuf (and then
  // also names the protobuf message); for json, a type not listed is taken
  // as the catalog event type itself.
  std::map<std::string, std::string> types;
  // Rejected messages are republished here with the reason in a header;
  // defaults "<queue>.dead" for both, declared (and bound) by sluice.
  std::string dead_letter_exchange;
  std::string dead_letter_queue;
  bool reject_unknown_fields = true;  // proto.unknown_fields: reject | ignore
};

struct Config {
  std::string path;      // the config file as found
  std::string base_dir;  // its folder: relative paths in the file start here
  std::string data_dir;  // landing files and the embedded warehouse
  WarehouseConfig warehouse;
  HttpConfig http;
  LandingConfig landing;
  AlertsConfig alerts;
  std::vector<TaskConfig> tasks;  // in config order
  std::vector<AmqpSourceConfig> amqp_sources;  // sources.<name>.amqp, in config order
  ModelsConfig models;
  Catalog catalog;

  std::string landing_dir() const { return data_dir + "/landing"; }
};

// Which file to read: `flag` if given, else $SLUICE_CONFIG, else ./sluice.yaml.
std::string ResolveConfigPath(const std::string& flag);

// The largest config file sluice reads: a catalog at its limits
// (catalog/catalog_limits.h) fits with room to spare, and a file past it is
// refused before it is read or parsed.
inline constexpr size_t kMaxConfigFileBytes = size_t{16} << 20;

// Parses and validates YAML text; `path` names the file in messages and
// anchors relative paths. No I/O. Refuses text over kMaxConfigFileBytes
// ("FILE: the file is too long (N bytes; the limit is 16 MiB)") and a
// catalog past catalog/catalog_limits.h, each limit named with where it is
// crossed.
Result<Config> ParseConfig(std::string_view yaml_text, const std::string& path);

// Every key sluice.yaml accepts, dotted, with <name> for user-chosen names
// (e.g. "events.<name>.columns.<name>.type"), including each registered
// backend's "warehouse.<key>". docs/configuration.md must describe each; a
// test holds the two together.
std::vector<std::string> ConfigKeys();

// "64MiB", "512KiB", "1GB", "1000" → bytes; "5s", "250ms", "2m", "1h" → microseconds.
Result<size_t> ParseByteSize(std::string_view text);
Result<int64_t> ParseDurationMicros(std::string_view text);

// Reads the file at `path`, then ParseConfig. NotFound when it cannot be
// read; a file over kMaxConfigFileBytes is refused unread.
Result<Config> LoadConfig(const std::string& path);

}  // namespace sluice
