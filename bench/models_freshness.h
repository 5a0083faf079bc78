// The models benchmark's freshness part (models_bench.h): how soon after
// its `202` an event is in a model that `sluice serve` rebuilds on its own
// (models.on_merge: the refresher polls the merge positions every 250 ms and
// runs what reads a changed table).
//
//   1. `sluice serve` as a child in `dir`: the Order catalog, an embedded
//      SQLite warehouse, HTTP on a free port, models.on_merge on the fresh
//      project (models_project_gen.h: fresh_orders, incremental);
//   2. two senders POST batches of `batch` orders (unique order ids, one
//      keep-alive connection each) to /v1/events/Order, paced to `rate`
//      orders a second for `seconds`; one order per batch is a probe, its
//      time the moment its `202` came back;
//   3. a poller reads data/warehouse.db read-only every 100 ms for the
//      probes not yet seen in fresh_orders: freshness = first seen − 202
//      (so a figure is up to 100 ms late);
//   4. after the last batch, at most 60 s more for the last probes and for
//      every order sent to be in fresh_orders; then serve's refresher
//      metrics, SIGTERM and its exit status.
//
// bench/serve/freshness.py measures the same for the final table, on the
// Accounting event; it is not reused because it is tied to that event,
// and this part must wait for the model, not the table.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace sluice::bench {

struct FreshnessInput {
  std::string sluice;
  std::filesystem::path dir;  // sluice.yaml, fresh/ and data/ go here
  std::filesystem::path logs_dir;
  double seconds = 20;
  int rate = 5000;  // orders a second
  int batch = 100;  // orders a request
};

struct FreshnessResult {
  double send_seconds = 0;
  int64_t orders_sent = 0;      // in requests answered 202
  int64_t non202 = 0, errors = 0, late_batches = 0;  // late: sent > 50 ms after its time
  std::vector<double> latencies;  // seconds, sorted: one per probe seen
  int64_t probes = 0;
  int64_t final_rows = 0;       // fresh_orders' rows at the end
  double rebuilds = 0, rebuild_failures = 0, last_rebuild_seconds = 0;  // serve's metrics
  int serve_exit = 0;

  double Percentile(double q) const;  // NaN when nothing was seen
  double sent_rate() const { return send_seconds > 0 ? static_cast<double>(orders_sent) / send_seconds : 0; }
  bool correct() const {
    return non202 == 0 && errors == 0 && static_cast<int64_t>(latencies.size()) == probes &&
           final_rows == orders_sent && rebuild_failures == 0 && serve_exit == 0;
  }
};

// Runs it and prints its lines. An error: serve did not start or died.
Result<FreshnessResult> RunModelsFreshness(const FreshnessInput& in);

}  // namespace sluice::bench
