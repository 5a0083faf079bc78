// A RabbitMQ queue → landed events, acknowledged only once landed (DESIGN.md guarantee 1).
//
// One thread per source consumes with a prefetch window. Deliveries are
// decoded (message_decoder.h) and gathered per event type while more are
// already buffered; each gathering is handed to the landing writer, which
// lands it in the same group commit as HTTP requests. A delivery is
// acknowledged only after its events are fdatasync'd — with basic.ack
// `multiple`, up to the newest tag before which everything has landed
// (delivery_tracker.h). A message that cannot land is recorded in
// sluice_load_errors and dead-lettered with its reason (dead_letters.h),
// then acknowledged; it never blocks the queue.
//
// Failures end the connection: the broker then requeues every unacked
// delivery, and the thread reconnects with back-off (0.5 s doubling to 10 s).
// Deliveries whose landing completes after that are not acked (their tags
// belong to the old channel); the broker redelivers them and the catalog's
// key or id absorbs the second copy. A crash is the same case.
//
// While the landing writer is not Ready (backlog over its limit, stopping)
// the consumer pauses: it reads nothing more, and the broker keeps the
// rest. When a landing fails (disk full), its deliveries go back to the
// queue (basic.nack, requeue) and the consumer pauses 0.5 s, doubling to
// 10 s while failures repeat. A paused consumer keeps its connection alive
// with heartbeats.
//
// /metrics, each labelled source="<name>":
//   sluice_amqp_consumer_state{state}  1 for the current state: connecting,
//                                      consuming, paused, disconnected, stopped
//   sluice_amqp_delivered_total        deliveries received
//   sluice_amqp_redelivered_total      of those, flagged redelivered by the broker
//   sluice_amqp_acked_total            deliveries acknowledged after landing or dead-lettering
//   sluice_amqp_rejected_total{reason} deliveries dead-lettered
//   sluice_amqp_reconnects_total       connections lost and opened again
#pragma once

#include <amqp.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/metrics.h"
#include "config/config.h"
#include "landing/event_lander.h"
#include "sources/amqp/amqp_connection.h"
#include "sources/amqp/dead_letters.h"
#include "sources/amqp/delivery_tracker.h"
#include "sources/amqp/message_decoder.h"
#include "warehouse/backend.h"

namespace sluice {

class AmqpSource {
 public:
  enum class State { kConnecting, kConsuming, kPaused, kDisconnected, kStopped };

  // `source`, `catalog`, `lander` and `metrics` outlive the source;
  // `max_event` bounds one decoded event (http.max_event); rejected messages
  // are recorded through a connection from `open_warehouse`.
  AmqpSource(const AmqpSourceConfig& source, const Catalog& catalog, size_t max_event, WarehouseOpener open_warehouse,
             EventLander* lander, MetricsRegistry* metrics);
  ~AmqpSource();

  // Compiles the .proto files and checks the types (errors here are the
  // user's to fix: serve does not start), then starts consuming on a thread
  // of its own, which connects and reconnects by itself.
  Status Start();
  // Takes no more deliveries, waits (up to 30 s) for those being landed and
  // acknowledges them, then closes. The rest go back to the queue.
  void Stop();


 private:
  struct Gathering {  // deliveries of one event type, not yet handed to the lander
    IncomingEvents events;
    std::vector<uint64_t> tags;
  };
  struct Landed {  // a landing's outcome, from a landing thread
    uint64_t connection = 0;
    std::vector<uint64_t> tags;
    Status status;
  };

  void Run();
  // One connection's life: returns why it ended (Ok when stopping).
  Status Consume();
  Status HandleDelivery(amqp_envelope_t* envelope);
  // Hands every gathering to the lander.
  void LandGathered();
  // Settles what has landed and acknowledges what may be; requeues what
  // failed to land and sets resume_at_. Fails when the broker cannot be told.
  Status AckLanded();
  // Paused: sends a heartbeat when one is due, waits a little.
  Status Pause();
  // Reads one delivery, or another frame the broker sent, if one is here
  // already; false when none is.
  Result<bool> Receive();
  // Sleeps until a landing completes or Stop (or, with `broker`, the broker
  // sends something), at most `timeout`.
  void WaitForWork(bool broker, std::chrono::milliseconds timeout);
  void Wake();
  void SetState(State s);

  const AmqpSourceConfig& source_;
  const Catalog& catalog_;
  const size_t max_event_;
  const WarehouseOpener open_warehouse_;
  EventLander* lander_;
  std::string url_;
  std::unique_ptr<MessageDecoder> decoder_;
  std::unique_ptr<DeadLetters> dead_letters_;
  std::unique_ptr<AmqpConnection> connection_;  // the consuming thread's
  DeliveryTracker tracker_;
  uint64_t connection_number_ = 0;  // which connection the tags belong to
  std::map<const EventSpec*, Gathering> gathered_;
  size_t gathered_bytes_ = 0;
  int gathered_count_ = 0;  // deliveries in gathered_
  const int max_gathered_;  // a quarter of the prefetch window
  IncomingEvents decoded_;  // one message's events, reused
  int lands_in_flight_ = 0;

  bool reached_consuming_ = false;  // this connection got as far as consuming
  int landing_failures_ = 0;        // in a row
  std::chrono::steady_clock::time_point resume_at_;  // after a failed landing, take nothing before this
  std::chrono::steady_clock::time_point last_heartbeat_;

  std::mutex mu_;  // guards landed_
  std::vector<Landed> landed_;
  int wake_fd_ = -1;  // an eventfd: landings and Stop wake the consuming thread's poll
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  std::map<State, Gauge*> state_gauges_;
  Counter& delivered_;
  Counter& redelivered_;
  Counter& acked_;
  std::map<std::string, Counter*> rejected_;
  Counter& reconnects_;
};

}  // namespace sluice
