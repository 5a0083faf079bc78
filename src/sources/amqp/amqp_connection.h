// One AMQP 0-9-1 connection and its channel 1, over rabbitmq-c: the calls
// sluice makes, each returning a Status that names what failed and the
// broker's reply ("declaring queue 'events': 406 PRECONDITION_FAILED …").
//
// Used by the AMQP source (consuming), its dead-letter publisher and
// `sluice publish amqp`. Not thread-safe: rabbitmq-c connections are not.
#pragma once

#include <amqp.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice {

struct OutgoingMessage {
  std::string_view body;
  std::string_view type;                      // the type property; empty: unset
  std::map<std::string, std::string> headers;  // string entries
  bool persistent = true;                     // delivery mode 2
};

class AmqpConnection {
 public:
  // Connects and logs in (url: amqp://user:password@host:port/vhost) and
  // opens channel 1. `heartbeat_seconds` 0 turns heartbeats off.
  static Result<std::unique_ptr<AmqpConnection>> Open(const std::string& url, std::chrono::milliseconds timeout,
                                                      int heartbeat_seconds);
  ~AmqpConnection();  // closes politely when it still can
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  amqp_connection_state_t state() { return conn_; }
  int fd() const;
  // "host:port" (and the vhost unless "/"), without credentials, for messages.
  const std::string& where() const { return where_; }

  // Declares `queue` durable unless it exists (a queue that exists keeps its
  // own arguments). Returns its message count.
  Result<uint32_t> EnsureQueue(const std::string& queue);
  Status DeclareExchange(const std::string& exchange, const char* kind);
  Status Bind(const std::string& queue, const std::string& exchange, const std::string& routing_key);
  Status Qos(uint16_t prefetch);
  Status Consume(const std::string& queue);
  Status Ack(uint64_t delivery_tag, bool multiple);
  // Hands one delivery back to the queue (basic.nack, requeue).
  Status Requeue(uint64_t delivery_tag);
  // Sends a heartbeat frame: the broker needs one every heartbeat interval,
  // and rabbitmq-c sends them only while reading, which a paused consumer
  // does not do.
  Status Heartbeat();

  // Publisher confirms: after ConfirmSelect every Publish gets a sequence
  // number (1, 2, …) that the broker confirms; WaitConfirms reads confirms
  // until at most `max_unconfirmed` remain (0: all), failing on a nack, an
  // unroutable return (mandatory) or the deadline.
  Status ConfirmSelect();
  Status Publish(std::string_view exchange, std::string_view routing_key, const OutgoingMessage& message,
                 bool mandatory);
  Status WaitConfirms(uint64_t max_unconfirmed, std::chrono::steady_clock::time_point deadline);
  uint64_t unconfirmed() const { return published_ - confirmed_; }

  bool broken() const { return broken_; }
  // Marks the connection broken and returns `st` (for call sites' brevity).
  Status Broke(Status st) {
    broken_ = true;
    return st;
  }
  // Converts a library reply into a Status naming `what`; a failure marks
  // the connection broken (channel and connection errors both end it here).
  Status Check(amqp_rpc_reply_t reply, std::string_view what);
  Status CheckCode(int code, std::string_view what);

 private:
  AmqpConnection() = default;

  amqp_connection_state_t conn_ = nullptr;
  std::string where_;
  bool broken_ = false;
  bool channel_open_ = false;
  uint64_t published_ = 0;
  uint64_t confirmed_ = 0;
};

// Whether `url` is one amqp_parse_url accepts (without connecting).
Status CheckAmqpUrl(const std::string& url);

// The string value of `table`'s entry `key` (longstr or bytes), if any.
std::optional<std::string_view> HeaderString(const amqp_table_t& table, std::string_view key);

std::string_view BytesView(amqp_bytes_t b);

}  // namespace sluice
