// What the HTTP source counts in /metrics. Stable names:
//   sluice_http_requests_total{status}          every response sent
//   sluice_http_errors_total{reason}            every failure, by RequestError reason
//   sluice_http_request_duration_seconds        request read → response ready
//   sluice_http_events_accepted_total{type}     events acknowledged (202)
//   sluice_http_bytes_accepted_total{type}      their bytes as landed (lines without newlines)
// Thread-safe.
#pragma once

#include <string>

#include "base/metrics.h"

namespace sluice {

class HttpMetrics {
 public:
  explicit HttpMetrics(MetricsRegistry* registry);

  // A response: its status, the error reason ("" on success) and
  // how long the request took.
  void CountResponse(int status, const std::string& error_reason, double seconds);
  // A failure that ends a connection without a response (a read timeout).
  void CountError(const std::string& reason);
  void CountAccepted(const std::string& type, size_t events, size_t bytes);

 private:
  MetricsRegistry* registry_;
  Histogram& duration_;
};

}  // namespace sluice
