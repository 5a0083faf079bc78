// Routing and the ingestion flow of one HTTP request, apart from the
// connection that carried it (sessions own sockets; this owns meaning).
//
//   POST /v1/events/{type}, POST /v1/events (type in X-Event-Type):
//     auth (401) → type (404) → key may post it (403) → accepting (503) →
//     content type and encoding (415) → decode (413/400) → parse (413/400)
//     → EventLander::Land → 202 {"accepted": N} once landed, else 503.
//   GET /healthz, /readyz, /metrics.
//
// Thread-safe: Handle runs on any io thread, concurrently. Bodies are parsed
// on the calling thread with a thread-local EventParser.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "base/metrics.h"
#include "config/config.h"
#include "landing/event_lander.h"
#include "sources/http/api_keys.h"
#include "sources/http/http_metrics.h"
#include "sources/http/responses.h"

namespace sluice {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using SteadyTime = std::chrono::steady_clock::time_point;

class RequestHandler {
 public:
  // Runs exactly once per Handle: on the calling thread, or later on a
  // landing thread (after Land). Must be cheap and must not block.
  using Respond = std::function<void(HttpResponse)>;

  // All four outlive the handler.
  RequestHandler(const HttpConfig& http, const Catalog& catalog, EventLander* lander, MetricsRegistry* metrics);

  // `received`: when the request's header arrived (for the duration metric).
  void Handle(HttpRequest request, SteadyTime received, Respond respond);

  // For failures the connection detects before there is a request (headers
  // too large, a body over the limit): the response, counted like the rest.
  HttpResponse Reject(const RequestError& error, unsigned http_version, SteadyTime received);
  // A connection ended without a response (timeout): counted only.
  void CountDropped(const std::string& reason) { metrics_.CountError(reason); }

  // From now on POSTs and /readyz get 503. Irreversible.
  void StopAccepting() { stopping_.store(true); }
  bool stopping() const { return stopping_.load(); }

 private:
  void HandleEvents(HttpRequest& request, std::string_view type, SteadyTime received, const Respond& respond);
  // Sends `response` and counts it.
  void Finish(const Respond& respond, HttpResponse response, const std::string& error_reason,
              SteadyTime received);
  void Fail(const Respond& respond, const RequestError& error, unsigned http_version, SteadyTime received);

  const HttpConfig& http_;
  const Catalog& catalog_;
  EventLander* lander_;
  MetricsRegistry* registry_;
  HttpMetrics metrics_;
  ApiKeyring keyring_;
  std::atomic<bool> stopping_{false};
};

}  // namespace sluice
