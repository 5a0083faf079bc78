// What the AMQP serve suites (amqp_serve_test.cc, amqp_failure_test.cc)
// share on top of rabbit_harness.h and serve_harness.h: their fixture (a
// source queue on the shared broker, SourceQueueOnSharedBroker), the
// sluice_amqp_* metrics of a running `sluice serve` read back by name and
// labels, queues and exchanges removed when a test ends however it ends,
// the factory example pointed at a test's broker and queue, and small
// readers of the warehouse that answer "not yet" instead of throwing while
// the tables do not exist.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli_harness.h"
#include "rabbit_harness.h"

namespace sluice::testing {

// One scrape of GET /metrics, parsed (Prometheus text exposition).
class MetricsScrape {
 public:
  MetricsScrape() = default;
  explicit MetricsScrape(std::string text);
  // The sample `name` whose labels include every one of `labels`; nullopt
  // when there is none (or several match).
  std::optional<double> Find(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
  // As Find, 0 when absent.
  double Value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
  const std::string& text() const { return text_; }
  bool empty() const { return samples_.empty(); }

 private:
  struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
  };
  std::string text_;
  std::vector<Sample> samples_;
};

// GET /metrics on 127.0.0.1:port; an empty scrape when nothing answers.
MetricsScrape ScrapeMetrics(int port);

// The sluice_amqp_* metrics of one source.
struct AmqpSourceMetrics {
  double delivered = 0, redelivered = 0, acked = 0, reconnects = 0;
  std::map<std::string, double> rejected;  // by reason: no_type, unknown_type, undecodable, invalid
  std::map<std::string, double> states;    // sluice_amqp_consumer_state by state
  // The state whose gauge is 1 ("" when none or several are).
  std::string state() const;
  std::string Describe() const;  // for failure messages
};
AmqpSourceMetrics SourceMetrics(const MetricsScrape& scrape, const std::string& source);
AmqpSourceMetrics SourceMetrics(int port, const std::string& source);

// Deletes the queues and exchanges it is given when it goes out of scope,
// pass or fail, over a connection of its own (so a client a test broke does
// not matter). Errors are ignored: the test's own assertions say what failed.
class BrokerCleanup {
 public:
  explicit BrokerCleanup(std::string url) : url_(std::move(url)) {}
  ~BrokerCleanup();
  BrokerCleanup(const BrokerCleanup&) = delete;
  BrokerCleanup& operator=(const BrokerCleanup&) = delete;
  // A queue and its default dead-letter queue and exchange (`<queue>.dead`).
  void SourceQueue(const std::string& queue);
  void Queue(const std::string& queue) { queues_.push_back(queue); }
  void Exchange(const std::string& exchange) { exchanges_.push_back(exchange); }

 private:
  std::string url_;
  std::vector<std::string> queues_, exchanges_;
};

// Who declares a test's source queue.
enum class QueueDeclaration {
  kByTheTest,  // at once, durable: messages can be published before serve starts
  kBySluice,   // left to `sluice serve`, for tests of what serve declares (or that it declares nothing)
};

// The fixture of the AMQP suites: a fresh source queue on the shared test
// broker (UniqueQueueName, with `tag` when given), removed with its
// dead-letter queue and exchange when the test ends, pass or fail, and a
// client connected to the broker. More queues or exchanges a test makes go
// to `cleanup` too. Members are destroyed in reverse: the client before the
// cleanup, the broker last. Take it apart with
// `auto& [broker, queue, cleanup, client] = q;`.
struct SourceQueueOnSharedBroker {
  explicit SourceQueueOnSharedBroker(QueueDeclaration declaration = QueueDeclaration::kByTheTest,
                                     std::string_view tag = "")
      : queue(UniqueQueueName(tag)), cleanup(broker.url()), client(broker.url()) {
    cleanup.SourceQueue(queue);
    if (declaration == QueueDeclaration::kByTheTest) client.DeclareQueue(queue);
  }
  const RabbitBroker broker;
  const std::string queue;
  BrokerCleanup cleanup;
  AmqpTestClient client;
};

// examples/factory/sluice.yaml with its source pointed at `url` and `queue`
// and the HTTP listener on an ephemeral port, without its models: section;
// `extra` is appended. Throws
// when the example no longer has the lines it rewrites.
std::string FactoryConfigYaml(const std::string& url, const std::string& queue, const std::string& extra = "");
// The `events:` section of examples/factory/sluice.yaml (to the end of the file).
std::string FactoryEventsYaml();
// Copies examples/factory/proto/*.proto into <ws>/proto.
void CopyFactoryProtos(const Workspace& ws);

// The factory example in a workspace of its own: its sluice.yaml and its
// .proto files (in proto/, where the config looks for them).
class FactoryWorkspace : public Workspace {
 public:
  // Consuming `q`'s queue (FactoryConfigYaml).
  explicit FactoryWorkspace(const SourceQueueOnSharedBroker& q)
      : FactoryWorkspace(FactoryConfigYaml(q.broker.url(), q.queue)) {}
  // With the example's config as the test changed it.
  explicit FactoryWorkspace(const std::string& config_yaml) : Workspace(config_yaml) { CopyFactoryProtos(*this); }
};
// examples/factory/messages/<name>.
std::string FactoryMessages(const std::string& name);

// A query's rows as "a|b|c" texts ("NULL" for NULL); empty while the table
// does not exist yet.
std::vector<std::string> RowsOr(const Workspace& ws, const std::string& sql);
// A count, or -1 while the table does not exist yet.
int64_t CountOr(const Workspace& ws, const std::string& table_or_query);

// Every message in `queue`, taken with basic.get (so acknowledged and gone).
std::vector<AmqpReceived> Drain(AmqpTestClient& client, const std::string& queue);

// RFC 4648 base64 of `bytes` (what sluice_load_errors.raw holds after "base64:").
std::string Base64(std::string_view bytes);

// Hand-made protobuf wire format, to know a message's bytes without sluice.
std::string PbVarint(uint64_t value);
std::string PbVarintField(int number, uint64_t value);                 // wire type 0
std::string PbBytesField(int number, std::string_view bytes);           // wire type 2

}  // namespace sluice::testing
