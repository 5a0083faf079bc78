#include "sources/http/http_metrics.h"

namespace sluice {

HttpMetrics::HttpMetrics(MetricsRegistry* registry)
    : registry_(registry),
      duration_(registry->GetHistogram("sluice_http_request_duration_seconds",
                                       "Time from reading a request to its response being ready",
                                       {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
                                        10})) {}

void HttpMetrics::CountResponse(int status, const std::string& error_reason, double seconds) {
  registry_->GetCounter("sluice_http_requests_total", "HTTP responses sent, by status",
                        {{"status", std::to_string(status)}})
      .Add();
  if (!error_reason.empty()) CountError(error_reason);
  duration_.Observe(seconds);
}

void HttpMetrics::CountError(const std::string& reason) {
  registry_->GetCounter("sluice_http_errors_total", "HTTP requests that failed, by reason", {{"reason", reason}})
      .Add();
}

void HttpMetrics::CountAccepted(const std::string& type, size_t events, size_t bytes) {
  registry_->GetCounter("sluice_http_events_accepted_total", "Events acknowledged with 202, by type",
                        {{"type", type}})
      .Add(static_cast<int64_t>(events));
  registry_->GetCounter("sluice_http_bytes_accepted_total", "Bytes of acknowledged events as landed, by type",
                        {{"type", type}})
      .Add(static_cast<int64_t>(bytes));
}

}  // namespace sluice
