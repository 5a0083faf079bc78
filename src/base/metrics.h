// Counters, gauges and histograms, rendered in the Prometheus text format
// for GET /metrics. Names are stable: sluice_<component>_<thing>_total.
//
// Thread-safe. Metric objects live as long as their registry, so components
// keep references to them and update them lock-free on hot paths.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sluice {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  // Cumulative counts per bound (Prometheus `le`), then +Inf; and the sum.
  std::vector<int64_t> CumulativeCounts() const;
  double sum() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

class MetricsRegistry {
 public:
  // The same name and labels return the same object.
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                          const Labels& labels = {});
  // A gauge computed when /metrics is read (e.g. merge lag from the warehouse).
  void AddCallbackGauge(const std::string& name, const std::string& help, std::function<double()> read);

  std::string RenderPrometheus() const;

 private:
  struct Family {
    std::string type;  // counter, gauge, histogram
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // by rendered label set
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    std::function<double()> callback;
  };
  Family& GetFamily(const std::string& name, const std::string& type, const std::string& help);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

}  // namespace sluice
