// The models benchmark's inputs (models_bench.h): the dbt projects it
// builds, the sluice.yaml around them and the orders it loads.
//
// Every catalog here has one event type, Order, as examples/factory has it:
// flattened into one row per order line (key order_id + line_card_id,
// version created_at). Orders are a pure function of their index, so the
// bench knows in advance what every model must hold.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::bench {

// sluice.yaml for a project in `project` (relative to the config's folder).
struct ModelsConfigSpec {
  std::string project;
  bool on_merge = false;
  bool http = false;        // http: {listen: 127.0.0.1:0} (the port is in serve's log)
  std::string pg_dsn;       // empty: the embedded SQLite warehouse in data/
  std::string pg_schema;
};
Status WriteModelsConfig(const std::filesystem::path& path, const ModelsConfigSpec& spec);

// Orders [first, first + count): order i is ORD-<i, 9 digits>, made at
// 2026-01-01 00:00:00 UTC + 30 s × i (1M orders span 347 days), by one of
// kCustomers customers, with 1–3 lines of 1–4 cards at 1–50 euros each.
inline constexpr int kCustomers = 5000;

struct OrderTotals {
  int64_t orders = 0, lines = 0, cents = 0;  // cents: Σ quantity × unit price
  void Add(const OrderTotals& o) {
    orders += o.orders;
    lines += o.lines;
    cents += o.cents;
  }
};

// Appends order i as one NDJSON line (created_at given, or the index's own
// when empty) and adds it to *totals.
void AppendOrderJson(int64_t i, std::string_view id_prefix, std::string_view created_at, std::string* out,
                     OrderTotals* totals);

// "2026-01-01T00:00:30Z" for order 1.
std::string OrderCreatedAt(int64_t i);

// "2026-01-01T00:00:00.000200Z" for 200 µs after 2026-01-01 (UTC).
std::string CreatedAtMicros(int64_t micros_after_2026);

// Writes orders [first, first + count) as `prefix`-0001.ndjson… in `dir`,
// `per_file` a file; the files' paths in *files.
Result<OrderTotals> WriteOrderFiles(const std::filesystem::path& dir, std::string_view prefix, int64_t first,
                                    int64_t count, int64_t per_file, std::vector<std::string>* files);

// The parse-and-compile project: `models` models in `layers` folders
// (models/layer_00/…), layer 0 reading source('events', 'orders') and every
// other model ref()ing 1–3 models of the layer below; 3 generic tests per
// model (unique, not_null, then accepted_values or relationships) in each
// folder's schema.yml; vars, folder configs in dbt_project.yml, config()
// calls in every fifth model, a macro called by every model.
struct CompileProjectShape {
  int models = 0, tests = 0, refs = 0;
};
Result<CompileProjectShape> WriteCompileProject(const std::filesystem::path& dir, int models, int layers);

// The marts project: stg_order_lines (view over the orders) → fct_orders
// (incremental, unique_key order_id, is_incremental() filter on created_at)
// → mart_customer_daily (table: orders and revenue per day and customer).
Status WriteMartsProject(const std::filesystem::path& dir);

// The freshness project: fresh_orders, incremental over the orders (one row
// per order, the same filter), the relation the probe polls.
Status WriteFreshProject(const std::filesystem::path& dir);

}  // namespace sluice::bench
