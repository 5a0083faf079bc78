// serve's `models.on_merge`: keeps the marts as fresh as the event tables.
//
// A thread of its own, on a warehouse connection of its own, watches each
// event type's merge position (it moves whenever a merge in any process
// takes new rows into a final table). When some moved, it reads the project
// again and runs the models that read those tables through the `events`
// source (or a source naming the same tables), with their descendants:
// `sluice models run --select source:events.T+ …`, incremental models
// incrementally. Merges during a rebuild are taken together by the next
// one, so a burst of merges causes one rebuild, and the refresher never
// waits on or blocks ingestion (landing does not touch the warehouse; on
// SQLite a merge may wait for a rebuild's write transaction).
//
// Its first pass rebuilds everything downstream of the event tables, so
// merges made while serve was down are caught up. A failed rebuild is
// logged, counted (sluice_models_rebuild_failures_total) and retried on
// the next change; tests are the scheduled build's.
//
// Thread safety: Start and Stop from one thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/env.h"
#include "base/metrics.h"
#include "base/status.h"
#include "config/config.h"
#include "warehouse/backend.h"

namespace sluice {

class ModelsRefresher {
 public:
  // `config`, `env` and `metrics` outlive the refresher.
  ModelsRefresher(const Config& config, Env* env, WarehouseOpener open_warehouse, MetricsRegistry* metrics,
                  int64_t poll_micros = 250'000);
  ~ModelsRefresher();

  // Reads and parses the project once, so that a broken project is found
  // at start (InvalidArgument, naming every problem); then starts the thread.
  Status Start();
  // Stops after the node being built (a rebuild in progress is cancelled
  // between nodes). Idempotent.
  void Stop();

 private:
  void Loop();
  // One look at the merge positions, and a rebuild when some moved.
  void Poll();
  Status Rebuild(const std::vector<std::string>& tables);

  const Config& config_;
  Env* const env_;
  const WarehouseOpener open_warehouse_;
  const int64_t poll_micros_;
  std::unique_ptr<Warehouse> warehouse_;         // the thread's
  std::map<std::string, int64_t> built_;          // event type → merge position the last rebuild built from
  bool first_pass_ = true;

  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  Counter& rebuilds_;
  Counter& failures_;
  Gauge& last_rebuild_seconds_;
};

}  // namespace sluice
