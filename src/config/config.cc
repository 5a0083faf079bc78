#include "config/config.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <filesystem>
#include <fstream>
#include <cctype>
#include <set>
#include <cstring>

#include <yaml-cpp/yaml.h>

#include "catalog/catalog_limits.h"
#include "config/events_config.h"
#include "config/sources_config.h"
#include "config/tasks_config.h"
#include "config/warehouse_section.h"
#include "config/yaml_document.h"
#include "config/yaml_problems.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

bool IsSha256Hex(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'); });
}

std::string Resolve(const std::string& base_dir, const std::string& path) {
  return fs::path(path).is_absolute() ? path : (fs::path(base_dir) / path).string();
}

void ParseHttp(const YAML::Node& node, const std::string& base_dir, HttpConfig* http, Problems* problems) {
  if (!node.IsMap()) return problems->Add(node.Mark(), "http must be a map (listen, max_body, max_event, tls)");
  CheckKeys(node, {"listen", "max_body", "max_event", "tls"}, "http", problems);
  if (const auto l = node["listen"]; l && IsScalar(l, "http.listen", problems)) {
    const std::string text = l.Scalar();
    const size_t colon = text.rfind(':');
    int port = -1;
    if (colon != std::string::npos) {
      const std::string port_text = text.substr(colon + 1);
      auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
      if (ec != std::errc() || ptr != port_text.data() + port_text.size()) port = -1;
    }
    std::string host = colon == std::string::npos ? "" : text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty() || port < 0 || port > 65535) {
      problems->Add(l.Mark(), fmt::format("http.listen '{}' must be HOST:PORT, as in 127.0.0.1:8080 or [::1]:8080", text));
    } else {
      http->host = host;
      http->port = port;
    }
  }
  for (auto [key, target] : {std::pair{"max_body", &http->max_body}, std::pair{"max_event", &http->max_event}}) {
    const auto v = node[key];
    if (!v || !IsScalar(v, fmt::format("http.{}", key), problems)) continue;
    auto bytes = ParseByteSize(v.Scalar());
    if (!bytes.ok() || *bytes == 0) problems->Add(v.Mark(), fmt::format("http.{}: {}", key, bytes.ok() ? "must be above 0" : bytes.status().message()));
    else *target = *bytes;
  }
  if (const auto t = node["tls"]) {
    if (!t.IsMap()) return problems->Add(t.Mark(), "http.tls must be a map {cert: PATH, key: PATH}");
    CheckKeys(t, {"cert", "key"}, "http.tls", problems);
    if (!t["cert"] || !t["key"]) return problems->Add(t.Mark(), "http.tls needs both cert and key");
    if (IsScalar(t["cert"], "http.tls.cert", problems)) http->tls_cert = Resolve(base_dir, t["cert"].Scalar());
    if (IsScalar(t["key"], "http.tls.key", problems)) http->tls_key = Resolve(base_dir, t["key"].Scalar());
  }
}

void ParseAuth(const YAML::Node& node, const Catalog& catalog, std::vector<ApiKey>* keys, Problems* problems) {
  if (!node.IsMap()) return problems->Add(node.Mark(), "auth must be a map (keys)");
  CheckKeys(node, {"keys"}, "auth", problems);
  const auto list = node["keys"];
  if (!list) return;
  if (!list.IsSequence()) return problems->Add(list.Mark(), "auth.keys must be a list of {name, sha256, types}");
  std::set<std::string> names;
  for (const auto& k : list) {
    if (!k.IsMap()) {
      problems->Add(k.Mark(), "each auth key must be a map {name, sha256, types}");
      continue;
    }
    CheckKeys(k, {"name", "sha256", "types"}, "an auth key", problems);
    ApiKey key;
    if (!k["name"] || !IsScalar(k["name"], "name", problems)) problems->Add(k.Mark(), "an auth key needs a name");
    else key.name = k["name"].Scalar();
    if (!key.name.empty() && !names.insert(key.name).second)
      problems->Add(k["name"].Mark(), fmt::format("auth key '{}' is declared twice", key.name));
    if (!k["sha256"] || !IsScalar(k["sha256"], "sha256", problems)) {
      problems->Add(k.Mark(), fmt::format("auth key '{}' needs a sha256 (run: sluice keys new NAME)", key.name));
    } else {
      key.sha256 = k["sha256"].Scalar();
      std::transform(key.sha256.begin(), key.sha256.end(), key.sha256.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (!IsSha256Hex(key.sha256))
        problems->Add(k["sha256"].Mark(), fmt::format("sha256 of auth key '{}' must be 64 hex digits", key.name));
    }
    if (const auto t = k["types"]) {
      std::vector<YAML::Node> items;
      if (t.IsSequence()) for (const auto& i : t) items.push_back(i);
      else items.push_back(t);
      for (const auto& i : items) {
        if (!IsScalar(i, "a type", problems)) continue;
        if (!catalog.Find(i.Scalar()))
          problems->Add(i.Mark(), fmt::format("auth key '{}' allows type '{}', which is not in events", key.name,
                                              i.Scalar()));
        key.types.push_back(i.Scalar());
      }
    }
    keys->push_back(std::move(key));
  }
}

void ParseLanding(const YAML::Node& node, LandingConfig* landing, Problems* problems) {
  if (!node.IsMap()) return problems->Add(node.Mark(), "landing must be a map (roll_interval, roll_size, max_backlog)");
  CheckKeys(node, {"roll_interval", "roll_size", "max_backlog", "seal_when_idle"}, "landing", problems);
  if (const auto v = node["seal_when_idle"]; v && IsScalar(v, "landing.seal_when_idle", problems)) {
    auto micros = v.Scalar() == "off" ? Result<int64_t>(int64_t{0}) : ParseDurationMicros(v.Scalar());
    if (!micros.ok()) problems->Add(v.Mark(), fmt::format("landing.seal_when_idle: {} (or off)", micros.status().message()));
    else landing->seal_when_idle_micros = *micros;
  }
  if (const auto v = node["roll_interval"]; v && IsScalar(v, "landing.roll_interval", problems)) {
    auto micros = ParseDurationMicros(v.Scalar());
    if (!micros.ok() || *micros <= 0) problems->Add(v.Mark(), fmt::format("landing.roll_interval: {}", micros.ok() ? "must be above 0" : micros.status().message()));
    else landing->roll_interval_micros = *micros;
  }
  for (auto [key, target] : {std::pair{"roll_size", &landing->roll_size}, std::pair{"max_backlog", &landing->max_backlog}}) {
    const auto v = node[key];
    if (!v || !IsScalar(v, fmt::format("landing.{}", key), problems)) continue;
    auto bytes = ParseByteSize(v.Scalar());
    if (!bytes.ok() || *bytes == 0) problems->Add(v.Mark(), fmt::format("landing.{}: {}", key, bytes.ok() ? "must be above 0" : bytes.status().message()));
    else *target = *bytes;
  }
}

Status FileTooLong(const std::string& path, const std::string& bytes) {
  return Status::InvalidArgument(fmt::format("{}: the file is too long ({} bytes; the limit is {} MiB)", path, bytes,
                                             kMaxConfigFileBytes >> 20));
}

}  // namespace

Result<size_t> ParseByteSize(std::string_view text) {
  size_t i = 0;
  uint64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (value > (UINT64_MAX - 9) / 10) return Status::InvalidArgument(fmt::format("'{}' is too large", text));
    value = value * 10 + static_cast<uint64_t>(text[i++] - '0');
  }
  std::string unit(text.substr(i));
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  static const std::map<std::string, uint64_t> kUnits = {
      {"", 1}, {"B", 1}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30},
      {"KB", 1000}, {"MB", 1000'000}, {"GB", 1000'000'000}};
  auto it = kUnits.find(unit);
  if (i == 0 || it == kUnits.end())
    return Status::InvalidArgument(fmt::format("'{}' is not a size (write e.g. 64MiB, 512KiB, 1GB or bytes)", text));
  if (value > SIZE_MAX / it->second) return Status::InvalidArgument(fmt::format("'{}' is too large", text));
  return static_cast<size_t>(value * it->second);
}

Result<int64_t> ParseDurationMicros(std::string_view text) {
  size_t i = 0;
  int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (value > 1'000'000'000) return Status::InvalidArgument(fmt::format("'{}' is too long", text));
    value = value * 10 + (text[i++] - '0');
  }
  const std::string_view unit = text.substr(i);
  static const std::map<std::string_view, int64_t> kUnits = {
      {"us", 1}, {"ms", 1000}, {"s", 1'000'000}, {"m", 60'000'000}, {"h", 3'600'000'000}, {"d", 86'400'000'000}};
  auto it = kUnits.find(unit);
  if (i == 0 || it == kUnits.end())
    return Status::InvalidArgument(fmt::format("'{}' is not a duration (write e.g. 5s, 250ms, 2m, 1h, 7d)", text));
  return value * it->second;
}

std::vector<std::string> ConfigKeys() {
  std::vector<std::string> keys = {
      "data_dir",
      "warehouse",
      "warehouse.backend",
      "http",
      "http.listen",
      "http.max_body",
      "http.max_event",
      "http.tls",
      "http.tls.cert",
      "http.tls.key",
      "auth",
      "auth.keys",
      "auth.keys[].name",
      "auth.keys[].sha256",
      "auth.keys[].types",
      "landing",
      "landing.roll_interval",
      "landing.roll_size",
      "landing.max_backlog",
      "landing.seal_when_idle",
      "events",
      "events.<name>.table",
      "events.<name>.flatten",
      "events.<name>.key",
      "events.<name>.version",
      "events.<name>.tenant",
      "events.<name>.id",
      "events.<name>.columns",
      "events.<name>.columns.<name>.path",
      "events.<name>.columns.<name>.type",
      "events.<name>.merge",
      "events.<name>.merge.every",
      "events.<name>.retention",
      "events.<name>.indexes",
      "events.<name>.retention.staging",
      "events.<name>.retention.landing",
      "tasks",
      "tasks.<name>.schedule",
      "tasks.<name>.sql",
      "tasks.<name>.sql_file",
      "tasks.<name>.after",
      "tasks.<name>.retries",
      "tasks.<name>.timeout",
      "alerts",
      "alerts.webhook",
      "alerts.email",
      "alerts.email.to",
      "alerts.email.sendmail",
      "sources",
      "sources.<name>.amqp",
      "sources.<name>.amqp.url",
      "sources.<name>.amqp.queue",
      "sources.<name>.amqp.prefetch",
      "sources.<name>.amqp.type_from",
      "sources.<name>.amqp.format",
      "sources.<name>.amqp.proto",
      "sources.<name>.amqp.proto.files",
      "sources.<name>.amqp.proto.import_paths",
      "sources.<name>.amqp.proto.unknown_fields",
      "sources.<name>.amqp.types",
      "sources.<name>.amqp.types.<name>",
      "sources.<name>.amqp.dead_letter",
      "sources.<name>.amqp.dead_letter.exchange",
      "sources.<name>.amqp.dead_letter.queue",
      "models",
      "models.project",
      "models.schedule",
      "models.on_merge",
      "models.vars",
      "models.target",
  };
  // Each registered backend's own keys.
  std::set<std::string> backend_keys;
  for (const auto& [backend, options] : WarehouseBackends())
    for (const auto& option : options) backend_keys.insert("warehouse." + option.key);
  keys.insert(keys.begin() + 3, backend_keys.begin(), backend_keys.end());
  return keys;
}

std::string ResolveConfigPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("SLUICE_CONFIG"); env && *env) return env;
  return "sluice.yaml";
}

Result<Config> ParseConfig(std::string_view yaml_text, const std::string& path) {
  if (yaml_text.size() > kMaxConfigFileBytes) return FileTooLong(path, std::to_string(yaml_text.size()));
  Problems problems(path);
  ASSIGN_OR_RETURN(YAML::Node root, ReadYamlDocument(yaml_text, path));
  Config config;
  config.path = path;
  config.base_dir = fs::path(path).parent_path().string();
  if (config.base_dir.empty()) config.base_dir = ".";
  if (!root.IsMap()) {
    if (root.IsNull()) return Status::InvalidArgument(fmt::format("{}: the file is empty", path));
    problems.Add(root.Mark(), "the config must be a map (data_dir, warehouse, events)");
    return problems.ToStatus();
  }
  try {
    CheckKeys(root, {"data_dir", "warehouse", "http", "auth", "landing", "events", "tasks", "alerts", "sources", "models"},
              "the config",
              &problems);

    std::string data_dir = "data";
    if (const auto d = root["data_dir"]; d && IsScalar(d, "data_dir", &problems)) data_dir = d.Scalar();
    config.data_dir = fs::path(data_dir).is_absolute() ? data_dir : (fs::path(config.base_dir) / data_dir).string();

    if (const auto w = root["warehouse"]) {
      if (!w.IsMap()) {
        problems.Add(w.Mark(), fmt::format("warehouse must be a map (backend: {}, and that backend's keys)",
                                           WarehouseBackendList()));
      } else {
        ParseWarehouse(w, &config.warehouse, &problems);
      }
    } else {
      ParseWarehouse(YAML::Node(YAML::NodeType::Map), &config.warehouse, &problems);
    }

    const auto events = root["events"];
    if (events && !events.IsMap()) {
      problems.Add(events.Mark(), "events must be a map of event name to its definition");
    } else if (events) {
      std::map<std::string, std::string> tables;  // table name → event that claims it
      std::set<std::string> names;                // a set, not catalog.Find: a catalog may hold 50 000 types
      const size_t count = events.size();
      size_t index = 0;
      for (const auto& kv : events) {
        if (index++ == kMaxEventTypes)  // at the first type past the limit, once
          problems.Add(kv.first.Mark(), fmt::format("the catalog has {} event types (the limit is {}); type {} is here",
                                                    count, kMaxEventTypes, kMaxEventTypes + 1));
        EventSpec event;
        ParseEvent(kv.first, kv.second, &event, &problems);
        for (const std::string& t : {event.table, event.staging_table()}) {
          auto [it, fresh] = tables.emplace(t, event.name);
          if (!fresh)
            problems.Add(kv.first.Mark(), fmt::format("table '{}' of event '{}' is already used by event '{}'",
                                                      Abbreviated(t), Abbreviated(event.name),
                                                      Abbreviated(it->second)));
        }
        if (!names.insert(event.name).second)
          problems.Add(kv.first.Mark(), fmt::format("event '{}' is declared twice", Abbreviated(event.name)));
        config.catalog.events.push_back(std::move(event));
      }
    }
    // After events: auth keys may name only event types the catalog has.
    if (const auto h = root["http"]) ParseHttp(h, config.base_dir, &config.http, &problems);
    if (const auto a = root["auth"]) ParseAuth(a, config.catalog, &config.http.keys, &problems);
    if (const auto l = root["landing"]) ParseLanding(l, &config.landing, &problems);
    if (const auto t = root["tasks"]) ParseTasks(t, config.base_dir, &config.tasks, &problems);
    if (const auto a = root["alerts"]) ParseAlerts(a, config.base_dir, &config.alerts, &problems);
    if (const auto s = root["sources"]) ParseSources(s, config.base_dir, config.catalog, &config.amqp_sources, &problems);
    if (const auto m = root["models"]) ParseModels(m, config.base_dir, &config.models, &problems);
  } catch (const YAML::Exception& e) {
    problems.Add(e.mark, e.msg);
  }
  if (!problems.empty()) return problems.ToStatus();
  return config;
}

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot read config file '{}': {}", path, std::strerror(errno)));
  // Refused before it is read: a file of gigabytes must not be loaded to be
  // turned away. The read stops past the limit too, for a file that grows
  // meanwhile or has no size (a pipe).
  std::error_code ec;
  if (const auto size = fs::file_size(path, ec); !ec && size > kMaxConfigFileBytes)
    return FileTooLong(path, std::to_string(size));
  std::string text;
  char chunk[64 * 1024];
  while (in && text.size() <= kMaxConfigFileBytes) {
    in.read(chunk, sizeof chunk);
    text.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return Status::NotFound(fmt::format("cannot read config file '{}': {}", path, std::strerror(errno)));
  if (text.size() > kMaxConfigFileBytes) return FileTooLong(path, fmt::format("over {}", kMaxConfigFileBytes));
  return ParseConfig(text, path);
}

}  // namespace sluice
