// Inside `sluice serve`: sealed files → staging → final tables, continuously.
//
// One thread owns the warehouse connection. Each cycle loads every ready
// file in sealing order (exactly once: the load history arbitrates), removes
// its marker, then merges the event types that received rows. A cycle runs
// when a file is sealed (Wake) and at least every 250 ms; an idle cycle asks
// the landing writer to seal files older than landing.seal_when_idle. And
// failures (the warehouse busy or down) are retried on the next cycle: the
// landed files are the buffer, so nothing is lost while the warehouse waits.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "base/env.h"
#include "base/metrics.h"
#include "config/config.h"
#include "landing/landing_writer.h"
#include "warehouse/backend.h"

namespace sluice {

class Pipeline {
 public:
  // Everything but `folders` outlives the pipeline; `warehouse` becomes the
  // pipeline thread's. `landing_config` gives seal_when_idle.
  Pipeline(Env* env, const Catalog& catalog, const LandingConfig& landing_config, LandingFolders folders,
           Warehouse* warehouse, LandingWriter* landing, MetricsRegistry* metrics);
  ~Pipeline();

  void Start();
  void Wake();
  // Runs cycles until everything ready is loaded and merged, then stops the
  // thread. Call after the landing writer has stopped (sealed everything).
  void DrainAndStop();

 private:
  void Loop();
  // One pass; returns false if something failed and should be retried.
  bool Cycle();

  Env* const env_;
  const Catalog& catalog_;
  const int64_t seal_when_idle_micros_;
  const LandingFolders folders_;
  Warehouse* warehouse_;
  LandingWriter* landing_;
  std::set<std::string> unmerged_types_;  // loaded, not yet merged (pipeline thread only)

  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = true;
  bool draining_ = false;
  std::thread thread_;

  std::atomic<int64_t> newest_merged_micros_{0};
  Counter& files_loaded_;
  Counter& rows_loaded_;
  Counter& load_errors_;
  Counter& rows_merged_;
  Counter& merge_errors_;
  Counter& pipeline_failures_;
  Gauge& merge_lag_;
};

}  // namespace sluice
