// The HTTP source: `POST /v1/events/{type}` (and /healthz, /readyz,
// /metrics) over HTTP/1.1, plain or TLS, on its own io threads.
//
// An event is acknowledged (202) only from the EventLander's done callback
// with an ok Status — after the lander fdatasync'd it (guarantee 1). The
// request protocol is in request_handler.h, connection limits in
// http_session.h.
//
// Lifecycle (one thread drives it; port() is safe from any thread):
//   Start()          bind http.host:http.port (0: ephemeral) and serve.
//                    InvalidArgument: no auth.keys and a non-loopback host,
//                    TLS files that do not load, a host that does not resolve;
//                    IOError: the address cannot be bound.
//   StopAccepting()  POSTs and /readyz answer 503 from now on; requests
//                    already past that check finish normally.
//   Stop()           StopAccepting, close the listener, wait until every
//                    request that was read has been answered — including
//                    those waiting on the lander, so the lander must still be
//                    running — then close all connections and join the
//                    threads. After Stop no callback into the lander's done
//                    path is outstanding. Idempotent; the destructor calls it.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "base/metrics.h"
#include "base/status.h"
#include "config/config.h"
#include "landing/event_lander.h"

namespace sluice {

// Connection limits; the defaults suit production, tests shorten them.
struct HttpSourceOptions {
  std::chrono::milliseconds read_timeout{30'000};   // per request (header and body), and idle keep-alive
  std::chrono::milliseconds write_timeout{30'000};  // per response
  size_t header_limit = 16u << 10;                  // bytes of request line and headers
  int io_threads = 0;                               // 0: one per core, at least 2, at most 8
};

class HttpSource {
 public:
  // `http`, `catalog`, `lander` and `metrics` must outlive the source.
  HttpSource(const HttpConfig& http, const Catalog& catalog, EventLander* lander, MetricsRegistry* metrics,
             HttpSourceOptions options = {});
  ~HttpSource();
  HttpSource(const HttpSource&) = delete;
  HttpSource& operator=(const HttpSource&) = delete;

  Status Start();
  int port() const;  // the bound port, once started
  void StopAccepting();
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
