#include "server/pipeline.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <charconv>
#include <filesystem>

#include "base/clock.h"
#include "base/log.h"
#include "base/thread_name.h"
#include "loader/loader.h"
#include "merge/merge_run.h"

namespace sluice {
namespace {
constexpr auto kIdleInterval = std::chrono::milliseconds(250);  // also how often seal_when_idle is considered
constexpr auto kMaxBackoff = std::chrono::seconds(10);            // between retries while the warehouse fails
constexpr int kPipelineNice = 10;  // the pipeline thread's nice value (see Loop)

// After `failures` failed cycles in a row: 0.5 s, 1 s, 2 s … up to 10 s.
std::chrono::milliseconds RetryDelay(int failures) {
  if (failures == 0) return kIdleInterval;
  return std::min<std::chrono::milliseconds>(kMaxBackoff, kIdleInterval * (1 << std::min(failures, 6)));
}

// A ready marker is named after its sealing time in microseconds.
int64_t SealedMicros(const ReadyFile& f) {
  const std::string name = std::filesystem::path(f.marker).stem().string();
  int64_t micros = 0;
  std::from_chars(name.data(), name.data() + name.size(), micros);
  return micros;
}
}  // namespace

Pipeline::Pipeline(Env* env, const Catalog& catalog, const LandingConfig& landing_config, LandingFolders folders,
                   Warehouse* warehouse, LandingWriter* landing, MetricsRegistry* metrics)
    : env_(env),
      catalog_(catalog),
      seal_when_idle_micros_(landing_config.seal_when_idle_micros),
      folders_(std::move(folders)),
      warehouse_(warehouse),
      landing_(landing),
      files_loaded_(metrics->GetCounter("sluice_loader_files_total", "landed files loaded into staging")),
      rows_loaded_(metrics->GetCounter("sluice_loader_rows_total", "staging rows loaded")),
      load_errors_(metrics->GetCounter("sluice_loader_bad_lines_total", "lines that went to sluice_load_errors")),
      rows_merged_(metrics->GetCounter("sluice_merge_rows_total", "final-table rows inserted or updated")),
      merge_errors_(metrics->GetCounter("sluice_merge_rejected_total", "rows rejected into sluice_merge_errors")),
      pipeline_failures_(metrics->GetCounter("sluice_pipeline_failures_total", "load or merge cycles that failed")),
      merge_lag_(metrics->GetGauge("sluice_merge_lag_rows", "staging rows loaded but not yet merged")) {
  for (const auto& e : catalog.events)  // merge leftovers at start
    if (e.merge_schedule.empty()) unmerged_types_.insert(e.name);
  metrics->AddCallbackGauge("sluice_freshness_seconds", "now minus the sealing time of the newest merged events",
                            [this] {
                              const int64_t newest = newest_merged_micros_.load();
                              return newest == 0 ? 0.0 : static_cast<double>(env_->NowMicros() - newest) / 1e6;
                            });
}

Pipeline::~Pipeline() { DrainAndStop(); }

void Pipeline::Start() { thread_ = std::thread([this] { Loop(); }); }

void Pipeline::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  wake_ = true;
  cv_.notify_one();
}

void Pipeline::DrainAndStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    draining_ = true;
    wake_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Pipeline::Loop() {
  NameThisThread("pipeline");
  // Acknowledging comes first: when the cores are busy, loading and merging
  // (and the merge's worker threads, which inherit this) yield to the HTTP
  // and landing threads, and the landing zone holds the difference until
  // there is CPU to spare. Linux nice values are per thread.
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kPipelineNice) != 0)
    Log("pipeline")->debug("cannot lower the pipeline's priority: {}", std::strerror(errno));
  int failures_in_a_row = 0;
  while (true) {
    bool draining;
    {
      // While failing, new sealed files do not cut the back-off short: the
      // landed files wait safely, and a down warehouse is not hammered.
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, RetryDelay(failures_in_a_row),
                   [&] { return draining_ || (wake_ && failures_in_a_row == 0); });
      wake_ = false;
      draining = draining_;
    }
    const bool ok = Cycle();
    if (!ok && failures_in_a_row < 6)
      Log("pipeline")->warn("the cycle failed; retrying in {} ms (landed files are kept)",
                            RetryDelay(failures_in_a_row + 1).count());
    if (ok && failures_in_a_row > 0) Log("pipeline")->info("recovered after {} failed cycles", failures_in_a_row);
    failures_in_a_row = ok ? 0 : failures_in_a_row + 1;
    if (draining && (ok || failures_in_a_row >= 5)) {
      if (!ok) Log("pipeline")->error("stopping with work left; it is kept and loads on the next start");
      return;
    }
  }
}

bool Pipeline::Cycle() {
  auto ready = landing_->ready_queue()->List();
  if (!ready.ok()) {
    Log("pipeline")->error("{}", ready.status().message());
    pipeline_failures_.Add();
    return false;
  }
  // Nothing sealed is waiting: seal what has waited long enough in open
  // files now, so an event is visible about seal_when_idle after its 202.
  if (ready->empty() && seal_when_idle_micros_ > 0)
    landing_->SealOpenedBefore(env_->NowMicros() - seal_when_idle_micros_);
  Loader loader(env_, folders_, warehouse_);
  int64_t newest_loaded = 0;
  for (const ReadyFile& f : *ready) {
    const EventSpec* event = catalog_.Find(f.event_type);
    if (event == nullptr) {
      Log("pipeline")->warn("{} is for event type '{}', which the catalog no longer has; left in place", f.landed_as,
                            f.event_type);
      continue;
    }
    auto outcome = loader.LoadLandedFile(*event, f.landed_as, f.landed_as, f.checksum);
    if (!outcome.ok()) {
      Log("pipeline")->warn("loading {} failed, will retry: {}", f.landed_as, outcome.status().message());
      pipeline_failures_.Add();
      return false;  // keep sealing order: later files wait
    }
    if (Status st = landing_->ready_queue()->Remove(f); !st.ok()) Log("pipeline")->warn("{}", st.message());
    landing_->Loaded(f.bytes);
    files_loaded_.Add();
    rows_loaded_.Add(outcome->rows);
    load_errors_.Add(outcome->errors);
    merge_lag_.Set(merge_lag_.value() + static_cast<double>(outcome->rows));
    newest_loaded = std::max(newest_loaded, SealedMicros(f));
    // A type with merge.every is merged by its scheduled task instead.
    if (event->merge_schedule.empty()) unmerged_types_.insert(event->name);
  }
  for (auto it = unmerged_types_.begin(); it != unmerged_types_.end();) {
    const EventSpec* event = catalog_.Find(*it);
    MergeOptions options;
    options.data_dir = folders_.data_dir;
    auto counts = RunMerge(warehouse_, *event, options);
    if (!counts.ok()) {
      Log("pipeline")->warn("merging {} failed, will retry: {}", *it, counts.status().message());
      pipeline_failures_.Add();
      return false;
    }
    rows_merged_.Add(counts->inserted + counts->updated);
    merge_errors_.Add(counts->rejected);
    it = unmerged_types_.erase(it);
  }
  merge_lag_.Set(0);
  if (newest_loaded > 0) newest_merged_micros_ = newest_loaded;
  return true;
}

}  // namespace sluice
