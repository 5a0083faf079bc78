#include "base/metrics.h"

#include <fmt/format.h>

#include <cmath>

namespace sluice {
namespace {

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') { out += "\\n"; continue; }
    out.push_back(c);
  }
  return out;
}

std::string RenderLabels(const Labels& labels, const std::string& extra = "") {
  std::string out;
  for (const auto& [k, v] : labels) out += fmt::format("{}{}=\"{}\"", out.empty() ? "" : ",", k, EscapeLabel(v));
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  return fmt::format("{}", v);
}

// Adds `extra` (le="…") inside an already rendered label set.
std::string WithLabel(const std::string& rendered, const std::string& extra) {
  if (rendered.empty()) return "{" + extra + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + extra + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<int64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  double old = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

std::vector<int64_t> Histogram::CumulativeCounts() const {
  std::vector<int64_t> out(bounds_.size() + 1);
  int64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) out[i] = running += counts_[i].load(std::memory_order_relaxed);
  return out;
}

double Histogram::sum() const { return sum_.load(std::memory_order_relaxed); }

MetricsRegistry::Family& MetricsRegistry::GetFamily(const std::string& name, const std::string& type,
                                                    const std::string& help) {
  Family& f = families_[name];
  if (f.type.empty()) {
    f.type = type;
    f.help = help;
  }
  return f;
}

Counter& MetricsRegistry::GetCounter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = GetFamily(name, "counter", help).counters[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::GetGauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = GetFamily(name, "gauge", help).gauges[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const std::vector<double>& bounds, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = GetFamily(name, "histogram", help).histograms[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void MetricsRegistry::AddCallbackGauge(const std::string& name, const std::string& help,
                                       std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  GetFamily(name, "gauge", help).callback = std::move(read);
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, f.help, name, f.type);
    for (const auto& [labels, c] : f.counters) out += fmt::format("{}{} {}\n", name, labels, c->value());
    for (const auto& [labels, g] : f.gauges) out += fmt::format("{}{} {}\n", name, labels, Number(g->value()));
    if (f.callback) out += fmt::format("{} {}\n", name, Number(f.callback()));
    for (const auto& [labels, h] : f.histograms) {
      const auto counts = h->CumulativeCounts();
      for (size_t i = 0; i < h->bounds().size(); ++i)
        out += fmt::format("{}_bucket{} {}\n", name, WithLabel(labels, fmt::format("le=\"{}\"", Number(h->bounds()[i]))),
                           counts[i]);
      out += fmt::format("{}_bucket{} {}\n", name, WithLabel(labels, "le=\"+Inf\""), counts.back());
      out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, labels, Number(h->sum()), name, labels, counts.back());
    }
  }
  return out;
}

}  // namespace sluice
