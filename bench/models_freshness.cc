#include "models_freshness.h"

#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "http_client.h"
#include "models_project_gen.h"
#include "report.h"
#include "serve_child.h"
#include "stopwatch.h"

namespace fs = std::filesystem;

namespace sluice::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kSenders = 2;
constexpr auto kPollEvery = std::chrono::milliseconds(100);
constexpr double kDrainSeconds = 60;

// The sum of a metric's samples in Prometheus text; 0 when absent.
double MetricSum(const std::string& text, std::string_view name) {
  double sum = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.size() <= name.size() || line.compare(0, name.size(), name) != 0) continue;
    if (line[name.size()] != '{' && line[name.size()] != ' ') continue;
    sum += std::strtod(std::string(line.substr(line.rfind(' ') + 1)).c_str(), nullptr);
  }
  return sum;
}

// What the senders and the poller share.
struct Probes {
  std::mutex mu;
  std::map<std::string, Clock::time_point> acked, seen;
  std::atomic<int64_t> orders_sent{0}, non202{0}, errors{0}, late{0};
};

void Send(int sender, int port, const FreshnessInput& in, int64_t total_batches, Clock::time_point t0,
          Probes* probes) {
  HttpConnection conn(port);
  const double batches_per_second = static_cast<double>(in.rate) / in.batch;
  std::string body;
  for (int64_t b = sender; b < total_batches; b += kSenders) {
    const auto due = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                              static_cast<double>(b) / batches_per_second));
    const auto now = Clock::now();
    if (due > now) std::this_thread::sleep_until(due);
    else if (now - due > std::chrono::milliseconds(50)) ++probes->late;
    // Order i is made 200 µs after order i − 1: created_at follows the
    // send order, which the model's incremental filter relies on.
    body.clear();
    OrderTotals unused;
    for (int k = 0; k < in.batch; ++k) {
      const int64_t i = b * in.batch + k;
      AppendOrderJson(i, "FRS-", CreatedAtMicros(i * 1000000 / in.rate), &body, &unused);
    }
    const std::string probe = fmt::format("FRS-{:09}", b * in.batch + b % in.batch);
    auto answer = conn.Request("POST", "/v1/events/Order", "application/x-ndjson", body);
    const auto at = Clock::now();
    if (!answer.ok()) {
      ++probes->errors;
      continue;
    }
    if (answer->status != 202) {
      ++probes->non202;
      continue;
    }
    probes->orders_sent += in.batch;
    std::lock_guard lock(probes->mu);
    probes->acked.emplace(probe, at);
  }
}

// Reads fresh_orders for the probes not seen yet, until `stop`.
void Poll(const std::string& db_path, const std::atomic<bool>& stop, Probes* probes) {
  sqlite3* db = nullptr;
  while (!stop.load()) {
    std::vector<std::string> pending;
    {
      std::lock_guard lock(probes->mu);
      for (const auto& [id, at] : probes->acked)
        if (!probes->seen.count(id)) pending.push_back(id);
    }
    if (!pending.empty()) {
      if (db == nullptr && sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        db = nullptr;
      }
      if (db != nullptr) {
        sqlite3_busy_timeout(db, 1000);
        std::string sql = "SELECT order_id FROM fresh_orders WHERE order_id IN (";
        for (size_t k = 0; k < pending.size(); ++k) sql += fmt::format("{}'{}'", k == 0 ? "" : ",", pending[k]);
        sql += ")";
        sqlite3_stmt* stmt = nullptr;
        std::vector<std::string> found;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK)
          while (sqlite3_step(stmt) == SQLITE_ROW)
            found.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
        sqlite3_finalize(stmt);  // no such table yet: try again next time
        const auto at = Clock::now();
        std::lock_guard lock(probes->mu);
        for (const std::string& id : found) probes->seen.emplace(id, at);
      }
    }
    std::this_thread::sleep_for(kPollEvery);
  }
  sqlite3_close(db);
}

Result<int64_t> CountRows(const std::string& db_path) {
  sqlite3* db = nullptr;
  int64_t rows = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM fresh_orders", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
      rows = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
  }
  const std::string error = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  sqlite3_close(db);
  if (rows < 0) return Status::IOError(fmt::format("counting fresh_orders in {}: {}", db_path, error));
  return rows;
}

}  // namespace

double FreshnessResult::Percentile(double q) const {
  if (latencies.empty()) return std::nan("");
  const double at = std::round(q / 100 * static_cast<double>(latencies.size() - 1));
  return latencies[std::min(latencies.size() - 1, static_cast<size_t>(at))];
}

Result<FreshnessResult> RunModelsFreshness(const FreshnessInput& in) {
  FreshnessResult r;
  RETURN_IF_ERROR(WriteFreshProject(in.dir / "fresh"));
  ModelsConfigSpec spec;
  spec.project = "fresh/";
  spec.on_merge = true;
  spec.http = true;
  RETURN_IF_ERROR(WriteModelsConfig(in.dir / "sluice.yaml", spec));
  const std::string log = (in.logs_dir / "models-serve.log").string();
  ASSIGN_OR_RETURN(auto serve,
                   ServeChild::Start({in.sluice, "-c", (in.dir / "sluice.yaml").string(), "serve"}, in.dir.string(), log));
  ASSIGN_OR_RETURN(const int port, serve->WaitForPort(120));
  const std::string db_path = (in.dir / "data" / "warehouse.db").string();
  Say(fmt::format("  sluice serve on 127.0.0.1:{} (log {}); {} senders, batches of {} orders, {} orders/s for "
                  "{:.0f} s, one probe a batch",
                  port, log, kSenders, in.batch, in.rate, in.seconds));

  Probes probes;
  std::atomic<bool> stop_polling{false};
  std::thread poller(Poll, db_path, std::cref(stop_polling), &probes);
  const int64_t total_batches = static_cast<int64_t>(in.seconds * in.rate / in.batch);
  const auto t0 = Clock::now() + std::chrono::milliseconds(200);
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) senders.emplace_back(Send, s, port, std::cref(in), total_batches, t0, &probes);
  for (std::thread& t : senders) t.join();
  r.send_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  r.orders_sent = probes.orders_sent.load();
  r.non202 = probes.non202.load();
  r.errors = probes.errors.load();
  r.late_batches = probes.late.load();

  // The last probes, and every order sent, in fresh_orders.
  Stopwatch drain;
  while (drain.Seconds() < kDrainSeconds && !serve->Exited()) {
    bool all_seen;
    {
      std::lock_guard lock(probes.mu);
      all_seen = probes.seen.size() == probes.acked.size();
    }
    if (all_seen) {
      auto rows = CountRows(db_path);
      if (rows.ok() && *rows >= r.orders_sent) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop_polling = true;
  poller.join();
  if (serve->Exited()) return serve->Died("while the probes ran");
  {
    std::lock_guard lock(probes.mu);
    r.probes = static_cast<int64_t>(probes.acked.size());
    for (const auto& [id, at] : probes.seen)
      r.latencies.push_back(std::chrono::duration<double>(at - probes.acked.at(id)).count());
  }
  std::sort(r.latencies.begin(), r.latencies.end());
  ASSIGN_OR_RETURN(r.final_rows, CountRows(db_path));

  HttpConnection conn(port);
  ASSIGN_OR_RETURN(HttpResponse metrics, conn.Request("GET", "/metrics", "", ""));
  r.rebuilds = MetricSum(metrics.body, "sluice_models_rebuilds_total");
  r.rebuild_failures = MetricSum(metrics.body, "sluice_models_rebuild_failures_total");
  r.last_rebuild_seconds = MetricSum(metrics.body, "sluice_models_last_rebuild_seconds");
  conn.Close();
  r.serve_exit = serve->Stop(60);

  Say(fmt::format("  sent {} orders in {:.1f} s ({:.0f}/s; {} non-202, {} errors, {} batches late by > 50 ms)",
                  r.orders_sent, r.send_seconds, r.sent_rate(), r.non202, r.errors, r.late_batches));
  Say(fmt::format("  probes {}, seen in fresh_orders {}: p50 {:.3f} s, p99 {:.3f} s, max {:.3f} s", r.probes,
                  r.latencies.size(), r.Percentile(50), r.Percentile(99),
                  r.latencies.empty() ? std::nan("") : r.latencies.back()));
  Say(fmt::format("  fresh_orders {} rows (orders sent {}); on_merge rebuilds {:.0f}, failed {:.0f}, the last "
                  "{:.3f} s; serve exited {}",
                  r.final_rows, r.orders_sent, r.rebuilds, r.rebuild_failures, r.last_rebuild_seconds, r.serve_exit));
  return r;
}

}  // namespace sluice::bench
