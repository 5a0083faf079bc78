// What the suites need to test against a real RabbitMQ broker: the broker
// of the CTest fixture `rabbitmq` (or one of a test's own), both run by
// scripts/rabbitmq-node.sh; a blocking AMQP 0-9-1 client (rabbitmq-c) that
// publishes with publisher confirms and reads back with basic.get; and
// queue names no other test of the run uses, so that tests run in parallel
// (ctest -j) on one broker.
//
// The fixture's broker is in $SLUICE_TEST_RABBITMQ_DIR, which CTest sets for
// the tests of `sluice_test(... NEEDS_RABBITMQ)` (top-level CMakeLists.txt).
// A test that needs the broker and runs without it fails, naming what is
// missing; it never skips.
//
// Errors are exceptions (std::runtime_error) whose message names the
// operation, the queue or exchange, and the broker's reply (e.g.
// "queue.declare (passive) of queue 'q': NOT_FOUND - no queue 'q' in vhost
// '/'"), so that a test's failure says what went wrong. Nothing here is
// thread-safe: one AmqpTestClient per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli_harness.h"

struct amqp_connection_state_t_;
struct amqp_rpc_reply_t_;

namespace sluice::testing {

// scripts/rabbitmq-node.sh in the source tree.
std::string RabbitNodeScript();

// A broker started by scripts/rabbitmq-node.sh (in its folder: port, url,
// data, logs). Copies refer to the same broker.
class RabbitBroker {
 public:
  // The fixture's broker ($SLUICE_TEST_RABBITMQ_DIR). Throws when the
  // variable is unset or the broker's url file is missing.
  RabbitBroker();
  // The broker started in `dir`; throws when dir/url is missing.
  explicit RabbitBroker(const std::string& dir);
  virtual ~RabbitBroker() = default;

  // True when $SLUICE_TEST_RABBITMQ_DIR names a started broker.
  static bool Available();

  const std::string& dir() const { return dir_; }
  // amqp://guest:guest@127.0.0.1:PORT/%2f (guest may log in from loopback).
  const std::string& url() const { return url_; }
  int port() const { return port_; }

  // A broker outage: Down stops the broker and keeps its data (durable
  // queues and their persistent messages survive), Up starts it again on the
  // same port and returns once it serves AMQP; Restart is both. Connections
  // do not survive: clients connect again. Each throws with the script's
  // output when it fails. On the fixture's broker these disturb every test
  // using it at the same time (ctest -j2): a test that takes the broker away
  // uses a PrivateRabbitBroker.
  void Down() const;
  void Up() const;
  void Restart() const;
  // Runs and serves AMQP (scripts/rabbitmq-node.sh status).
  bool Running() const;
  // rabbitmqctl against this broker, e.g. {"list_queues", "name", "messages"}
  // or {"close_all_connections", "test"}.
  RunResult Ctl(const std::vector<std::string>& args) const;

 protected:
  struct NotStarted {};
  explicit RabbitBroker(NotStarted) {}
  void Attach(const std::string& dir);  // reads dir/url and dir/port

 private:
  void RunScript(const std::string& command) const;
  std::string dir_, url_;
  int port_ = 0;
};

// A broker of one test's own in a temporary folder, for tests that stop or
// restart the broker: started by the constructor (about 4 s), stopped and
// removed by the destructor (about 1.5 s).
class PrivateRabbitBroker : public RabbitBroker {
 public:
  PrivateRabbitBroker();  // throws with the script's output if it cannot start
  ~PrivateRabbitBroker() override;
  PrivateRabbitBroker(const PrivateRabbitBroker&) = delete;
  PrivateRabbitBroker& operator=(const PrivateRabbitBroker&) = delete;

 private:
  TempDir parent_;
};

// A name for a queue or exchange that no other test of this run uses:
// sluice-test.<Suite>.<Test>.<pid>.<n>[.<tag>] (at most 200 bytes).
std::string UniqueQueueName(std::string_view tag = "");

// What a message carries besides its body (AmqpTestClient::Properties).
struct AmqpProperties {
  std::string type;                            // basic.type; empty: not set
  std::map<std::string, std::string> headers;  // sent as long strings ('S')
  bool persistent = true;                      // delivery_mode 2, else 1
  std::string message_id;                      // empty: not set
  std::string content_type;                    // empty: not set
};

// One message to publish (AmqpTestClient::Message).
struct AmqpMessage {
  std::string exchange;  // "": the default exchange, routing_key is the queue
  std::string routing_key;
  std::string body;
  AmqpProperties properties;
};

// One message read back by basic.get (AmqpTestClient::Received).
struct AmqpReceived {
  std::string body;
  std::string exchange;
  std::string routing_key;
  std::string type;          // "" when not set
  std::string message_id;    // "" when not set
  std::string content_type;  // "" when not set
  // Long-string and byte-array entries as they are; integers, floats and
  // booleans as text ("42", "true"); tables, arrays and decimals left out.
  std::map<std::string, std::string> headers;
  bool persistent = false;  // delivery_mode 2
  bool redelivered = false;
  uint32_t messages_left = 0;  // ready in the queue after this one
};

// One AMQP connection with one channel (1) in confirm mode. Every publish
// waits for the broker's basic.ack, so a message Publish returned from is
// stored (on disk, when persistent to a durable queue). Messages are
// published with the mandatory flag by default: one that reaches no queue
// fails the publish instead of vanishing.
//
// A channel error (e.g. a missing queue) is thrown and the channel is
// opened again, so the client stays usable; a connection error (the broker
// went away) is thrown and leaves the client disconnected until Connect or
// Reconnect.
class AmqpTestClient {
 public:
  using Properties = AmqpProperties;
  using Message = AmqpMessage;
  using Received = AmqpReceived;

  AmqpTestClient() = default;
  explicit AmqpTestClient(const std::string& url) { Connect(url); }
  ~AmqpTestClient();
  AmqpTestClient(const AmqpTestClient&) = delete;
  AmqpTestClient& operator=(const AmqpTestClient&) = delete;

  // amqp://user:password@host:port/vhost (amqp_parse_url; %2f is "/").
  // Closes a previous connection first.
  void Connect(const std::string& url);
  // Connect to the last URL again, e.g. after the broker restarted.
  void Reconnect();
  void Close();
  bool connected() const { return conn_ != nullptr; }

  // How long one operation (connect, an RPC, waiting for confirms) may
  // take before it fails; 30 s by default.
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  // Whether publishes carry the mandatory flag (default true).
  void set_mandatory(bool mandatory) { mandatory_ = mandatory; }

  // queue.declare; `arguments` are string-valued (x-queue-type: quorum,
  // x-dead-letter-exchange…). Declaring an existing queue with other
  // settings is a channel error (PRECONDITION_FAILED).
  void DeclareQueue(const std::string& name, bool durable = true,
                    const std::map<std::string, std::string>& arguments = {});
  void DeleteQueue(const std::string& name);  // a missing queue is no error
  uint32_t PurgeQueue(const std::string& name);  // how many messages it removed
  // Ready messages in the queue (passive queue.declare; unacknowledged
  // deliveries are not counted); throws when the queue does not exist.
  uint32_t MessageCount(const std::string& queue);
  bool QueueExists(const std::string& name);
  // exchange.declare (durable) of type direct, fanout, topic or headers.
  void DeclareExchange(const std::string& name, const std::string& type = "topic");
  void DeleteExchange(const std::string& name);
  void BindQueue(const std::string& queue, const std::string& exchange, const std::string& binding_key);

  // One message, confirmed by the broker before this returns.
  void Publish(const std::string& exchange, const std::string& routing_key, const std::string& body,
               const Properties& properties = {});
  // All of them, in order, then waits for all their confirms (at most a few
  // thousand unconfirmed at a time): thousands of messages in well under a
  // second. Throws if any was nacked or returned unroutable (all the others
  // are confirmed by then).
  void PublishBatch(const std::vector<Message>& messages);

  // basic.get of the next ready message, acknowledged at once; nullopt when
  // the queue is empty.
  std::optional<Received> Get(const std::string& queue);

 private:
  void RequireConnected(const std::string& what) const;
  void OpenChannel();
  // Sends what the protocol asks after a close from the broker, reopens the
  // channel after a channel error (or drops the connection after a
  // connection error) and returns the broker's reply text; the reply code
  // (404…) goes to `code`.
  std::string Recover(const amqp_rpc_reply_t_& reply, int* code = nullptr);
  [[noreturn]] void Fail(const std::string& what, const amqp_rpc_reply_t_& reply);
  std::optional<uint32_t> PassiveDeclare(const std::string& name, const std::string& what);
  void PublishOne(const Message& message);
  // Reads frames until at most `max_unconfirmed` publishes await a confirm.
  void AwaitConfirms(size_t max_unconfirmed, const std::string& what);
  void Drop();  // forgets a broken connection without talking to the broker

  amqp_connection_state_t_* conn_ = nullptr;
  std::string url_;
  std::chrono::milliseconds timeout_ = std::chrono::seconds(30);
  bool mandatory_ = true;
  bool reopening_channel_ = false;  // Recover does not recurse through OpenChannel
  uint64_t next_publish_tag_ = 1;
  std::set<uint64_t> unconfirmed_;
  std::vector<std::string> publish_failures_;  // nacks and returns since the batch began
};

}  // namespace sluice::testing
