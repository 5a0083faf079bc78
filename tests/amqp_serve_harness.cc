#include "amqp_serve_harness.h"

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "testing/http_client.h"

namespace sluice::testing {

MetricsScrape::MetricsScrape(std::string text) : text_(std::move(text)) {
  std::istringstream lines(text_);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    size_t at = line.find_first_of("{ ");
    if (at == std::string::npos) continue;
    s.name = line.substr(0, at);
    if (line[at] == '{') {
      ++at;
      while (at < line.size() && line[at] != '}') {
        const size_t eq = line.find('=', at);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') break;
        const std::string key = line.substr(at, eq - at);
        std::string value;
        size_t i = eq + 2;
        for (; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\' && i + 1 < line.size()) ++i;
          value += line[i];
        }
        s.labels[key] = value;
        at = i + 1;
        if (at < line.size() && line[at] == ',') ++at;
      }
      at = line.find(' ', at);
      if (at == std::string::npos) continue;
    }
    try {
      s.value = std::stod(line.substr(at + 1));
    } catch (const std::exception&) {
      continue;
    }
    samples_.push_back(std::move(s));
  }
}

std::optional<double> MetricsScrape::Find(const std::string& name,
                                          const std::map<std::string, std::string>& labels) const {
  std::optional<double> found;
  for (const Sample& s : samples_) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) match = false;
    }
    if (!match) continue;
    if (found) return std::nullopt;  // ambiguous
    found = s.value;
  }
  return found;
}

double MetricsScrape::Value(const std::string& name, const std::map<std::string, std::string>& labels) const {
  return Find(name, labels).value_or(0);
}

MetricsScrape ScrapeMetrics(int port) {
  const ClientResponse r = RequestOnce(port, "GET", "/metrics", {}, "", std::chrono::seconds(10));
  if (r.status != 200) return MetricsScrape();
  return MetricsScrape(r.body);
}

std::string AmqpSourceMetrics::state() const {
  std::string current;
  for (const auto& [state, value] : states) {
    if (value != 1) continue;
    if (!current.empty()) return "";
    current = state;
  }
  return current;
}

std::string AmqpSourceMetrics::Describe() const {
  std::string rejected_text;
  for (const auto& [reason, n] : rejected) rejected_text += fmt::format(" {}={}", reason, n);
  return fmt::format("state={} delivered={} redelivered={} acked={} reconnects={} rejected:{}", state(), delivered,
                     redelivered, acked, reconnects, rejected_text);
}

AmqpSourceMetrics SourceMetrics(const MetricsScrape& scrape, const std::string& source) {
  AmqpSourceMetrics m;
  m.delivered = scrape.Value("sluice_amqp_delivered_total", {{"source", source}});
  m.redelivered = scrape.Value("sluice_amqp_redelivered_total", {{"source", source}});
  m.acked = scrape.Value("sluice_amqp_acked_total", {{"source", source}});
  m.reconnects = scrape.Value("sluice_amqp_reconnects_total", {{"source", source}});
  for (const char* reason : {"no_type", "unknown_type", "undecodable", "invalid"})
    m.rejected[reason] = scrape.Value("sluice_amqp_rejected_total", {{"source", source}, {"reason", reason}});
  for (const char* state : {"connecting", "consuming", "paused", "disconnected", "stopped"})
    if (auto v = scrape.Find("sluice_amqp_consumer_state", {{"source", source}, {"state", state}})) m.states[state] = *v;
  return m;
}

AmqpSourceMetrics SourceMetrics(int port, const std::string& source) {
  return SourceMetrics(ScrapeMetrics(port), source);
}

BrokerCleanup::~BrokerCleanup() {
  try {
    AmqpTestClient client;
    client.set_timeout(std::chrono::seconds(5));
    client.Connect(url_);
    for (const auto& q : queues_) {
      try {
        if (!client.connected()) client.Reconnect();
        client.DeleteQueue(q);
      } catch (const std::exception&) {
      }
    }
    for (const auto& e : exchanges_) {
      try {
        if (!client.connected()) client.Reconnect();
        client.DeleteExchange(e);
      } catch (const std::exception&) {
      }
    }
  } catch (const std::exception&) {
    // The broker is gone (a private one, stopped): nothing is left to clean.
  }
}

void BrokerCleanup::SourceQueue(const std::string& queue) {
  queues_.push_back(queue);
  queues_.push_back(queue + ".dead");
  exchanges_.push_back(queue + ".dead");
}

namespace {
std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos)
    throw std::runtime_error(
        fmt::format("examples/factory/sluice.yaml no longer contains '{}': update FactoryConfigYaml", from));
  return text.replace(at, from.size(), to);
}
}  // namespace

std::string FactoryConfigYaml(const std::string& url, const std::string& queue, const std::string& extra) {
  std::string yaml = ReadFile(SourceDir() + "/examples/factory/sluice.yaml");
  yaml = Replace(yaml, "url: amqp://guest:guest@127.0.0.1:5672/%2f", "url: " + url);
  yaml = Replace(yaml, "queue: events ", "queue: " + queue + " ");
  yaml = Replace(yaml, "listen: 127.0.0.1:8081", "listen: 127.0.0.1:0");
  // Without its models: these suites test ingestion, and the dbt project
  // is not copied (models_example_test builds it).
  if (const size_t models = yaml.find("\nmodels:\n"); models != std::string::npos) {
    const size_t events = yaml.find("\nevents:\n", models);
    if (events == std::string::npos) throw std::runtime_error("examples/factory/sluice.yaml: models: is not followed by events:");
    yaml.erase(models, events - models);
  }
  if (!yaml.empty() && yaml.back() != '\n') yaml += '\n';
  return yaml + extra;
}

std::string FactoryEventsYaml() {
  const std::string yaml = ReadFile(SourceDir() + "/examples/factory/sluice.yaml");
  const size_t at = yaml.find("\nevents:\n");
  if (at == std::string::npos) throw std::runtime_error("examples/factory/sluice.yaml has no events: section");
  return yaml.substr(at + 1);
}

void CopyFactoryProtos(const Workspace& ws) {
  namespace fs = std::filesystem;
  const fs::path from = SourceDir() + "/examples/factory/proto";
  const fs::path to = ws.dir() + "/proto";
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from))
    if (entry.path().extension() == ".proto") fs::copy_file(entry.path(), to / entry.path().filename());
}

std::string FactoryMessages(const std::string& name) { return SourceDir() + "/examples/factory/messages/" + name; }

std::vector<std::string> RowsOr(const Workspace& ws, const std::string& sql) {
  std::vector<std::string> out;
  try {
    for (const Row& r : ws.Query(sql)) out.push_back(ToString(r));
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

int64_t CountOr(const Workspace& ws, const std::string& table_or_query) {
  try {
    return ws.Count(table_or_query);
  } catch (const std::exception&) {
    return -1;
  }
}

std::vector<AmqpReceived> Drain(AmqpTestClient& client, const std::string& queue) {
  std::vector<AmqpReceived> out;
  while (auto m = client.Get(queue)) out.push_back(std::move(*m));
  return out;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], kAlphabet[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = uint8_t(bytes[i]) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

std::string PbVarint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
  return out;
}

std::string PbVarintField(int number, uint64_t value) {
  return PbVarint(static_cast<uint64_t>(number) << 3) + PbVarint(value);
}

std::string PbBytesField(int number, std::string_view bytes) {
  return PbVarint((static_cast<uint64_t>(number) << 3) | 2) + PbVarint(bytes.size()) + std::string(bytes);
}

}  // namespace sluice::testing
