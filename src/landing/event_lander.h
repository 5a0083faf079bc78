// What a source (HTTP, AMQP, backfill) hands accepted events to.
//
// Land() makes the events of one request durable in the landing zone — in
// open files, fdatasync'd — and only then reports success. That report is
// the one moment a source may acknowledge (HTTP 202, AMQP ack): guarantee 1.
// The events of a request land together or the request fails as a whole
// (Unavailable: disk full, backlog over its limit, shutting down); a failed
// request may leave unacknowledged bytes behind, never a torn line that
// recovery would load.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "landing/incoming_events.h"

namespace sluice {

using LandedCallback = std::function<void(const Status&)>;

class EventLander {
 public:
  virtual ~EventLander() = default;
  // Thread-safe. `done` runs exactly once, on a landing thread: keep it short
  // (post the response to the connection's executor).
  virtual void Land(const EventSpec& event, IncomingEvents events, LandedCallback done) = 0;
  // False while the lander cannot accept (backlog over its limit, stopping):
  // what /readyz reports.
  virtual bool Ready() const = 0;
};

// "T001" stays; anything outside [A-Za-z0-9._-] becomes '_'; empty or missing
// is "_none"; a value starting with '_' gets one more ("_load" is "__load"),
// so no tenant shares sluice's own folders; "." and ".." are made harmless.
std::string TenantFolder(std::string_view tenant_value, bool present);

}  // namespace sluice
