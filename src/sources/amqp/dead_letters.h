// Where an AMQP message that cannot land goes: first a row in
// sluice_load_errors (so the warehouse shows it beside every other bad
// input), then a copy to the dead-letter exchange with the reason in its
// headers, confirmed by the broker. Only then may the consumer acknowledge
// the original: a crash in between redelivers it, so a poison message is
// recorded at least once and never silently dropped, and it never holds up
// the queue behind it.
//
// The copy keeps the body, the type property and the routing key, and adds
// the headers
//   sluice-reason       no_type | unknown_type | undecodable | invalid
//   sluice-error        what is wrong, for people
//   sluice-source       sources.<name>
//   sluice-queue        the queue it was consumed from
//   sluice-type         the type name found (when one was)
// The exchange (fanout, durable) and the queue bound to it are declared by
// sluice; both default to "<queue>.dead". With dead_letter.queue '' the
// bindings are the user's; a copy that reaches no queue is an error (the
// original stays unacknowledged and comes back), never a silent drop.
//
// Not thread-safe: the consuming thread owns it. It opens its own broker
// connection (so confirms never interleave with deliveries) and its own
// warehouse connection, both on first use.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "config/config.h"
#include "sources/amqp/amqp_connection.h"
#include "sources/amqp/message_decoder.h"
#include "warehouse/backend.h"

namespace sluice {

class DeadLetters {
 public:
  // `source` outlives this; `open_warehouse` gives the connection that
  // records rejected messages (opened on first use).
  DeadLetters(const AmqpSourceConfig& source, std::string url, WarehouseOpener open_warehouse);
  ~DeadLetters();

  // Declares the exchange and queue (at start, so a misconfiguration shows
  // before the first poison message).
  Status Prepare();
  // Records and republishes one rejected message. `delivery_tag` goes into
  // sluice_load_errors.line. On failure the caller must not acknowledge.
  Status Send(const AmqpMessage& message, const Rejection& why, uint64_t delivery_tag);
  // Drops the broker connection (after a failure; reopened on next use).
  void Disconnect() { connection_.reset(); }

 private:
  Status Connect();
  Status Record(const AmqpMessage& message, const Rejection& why, uint64_t delivery_tag);

  const AmqpSourceConfig& source_;
  const std::string url_;
  const WarehouseOpener open_warehouse_;
  std::unique_ptr<AmqpConnection> connection_;
  std::unique_ptr<Warehouse> warehouse_;
};

}  // namespace sluice
