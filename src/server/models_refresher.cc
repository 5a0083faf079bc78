#include "server/models_refresher.h"

#include <chrono>
#include <set>

#include <fmt/format.h>

#include "base/log.h"
#include "base/thread_name.h"
#include "models/project_loader.h"
#include "models/run_report.h"
#include "models/runner.h"

namespace sluice {

ModelsRefresher::ModelsRefresher(const Config& config, Env* env, WarehouseOpener open_warehouse,
                                 MetricsRegistry* metrics, int64_t poll_micros)
    : config_(config),
      env_(env),
      open_warehouse_(std::move(open_warehouse)),
      poll_micros_(poll_micros),
      rebuilds_(metrics->GetCounter("sluice_models_rebuilds_total", "models.on_merge rebuilds run")),
      failures_(metrics->GetCounter("sluice_models_rebuild_failures_total",
                                    "models.on_merge rebuilds in which a model failed or the project could not be read")),
      last_rebuild_seconds_(metrics->GetGauge("sluice_models_last_rebuild_seconds",
                                             "how long the last models.on_merge rebuild took")) {}

ModelsRefresher::~ModelsRefresher() { Stop(); }

Status ModelsRefresher::Start() {
  ASSIGN_OR_RETURN(warehouse_, open_warehouse_());
  auto loaded = models::LoadProject(env_, config_.models, config_.catalog, &warehouse_->models(), "", "");
  if (!loaded.ok()) return loaded.status().WithContext(fmt::format("models.project {}", config_.models.project_dir));
  for (const std::string& w : loaded->warnings) Log("models")->warn("{}", w);
  thread_ = std::thread([this] {
    NameThisThread("sluice-models");
    Loop();
  });
  return Status::Ok();
}

void ModelsRefresher::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ModelsRefresher::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Poll();
    lock.lock();
    cv_.wait_for(lock, std::chrono::microseconds(poll_micros_), [this] { return stopping_.load(); });
  }
}

void ModelsRefresher::Poll() {
  auto log = Log("models");
  if (!warehouse_) {
    auto opened = open_warehouse_();
    if (!opened.ok()) {
      log->warn("on_merge: cannot open the warehouse, will retry: {}", opened.status().message());
      return;
    }
    warehouse_ = std::move(opened).value();
  }
  auto positions = warehouse_->models().MergePositions();
  if (!positions.ok()) {
    log->warn("on_merge: reading merge positions failed, will retry: {}", positions.status().message());
    warehouse_.reset();
    return;
  }
  std::vector<std::string> tables;
  for (const EventSpec& e : config_.catalog.events) {
    auto now = positions->find(e.name);
    const int64_t position = now == positions->end() ? 0 : now->second;
    auto built = built_.find(e.name);
    if (first_pass_ || built == built_.end() || built->second != position) {
      tables.push_back(e.table);
      tables.push_back(e.staging_table());
    }
  }
  if (tables.empty()) return;
  const int64_t started = env_->NowMicros();
  Status st = Rebuild(tables);
  rebuilds_.Add();
  last_rebuild_seconds_.Set(static_cast<double>(env_->NowMicros() - started) / 1e6);
  if (!st.ok()) {
    failures_.Add();
    if (st.code() != StatusCode::kInvalidArgument && st.code() != StatusCode::kInternal) {
      // The warehouse failed (a lost connection, a busy database): the
      // same positions are rebuilt at the next poll, on a new connection.
      log->warn("on_merge: rebuild failed, will retry: {}", st.message());
      warehouse_.reset();
      return;
    }
    // A model failed (bad SQL, a cast): it is tried again when its sources
    // next change, not in a loop.
    log->warn("on_merge: rebuild failed, will retry after the next merge: {}", st.message());
  }
  built_ = std::move(*positions);
  first_pass_ = false;
}

Status ModelsRefresher::Rebuild(const std::vector<std::string>& tables) {
  const std::string invocation = models::NewInvocationId();
  ASSIGN_OR_RETURN(auto loaded, models::LoadProject(env_, config_.models, config_.catalog, &warehouse_->models(), "",
                                                    invocation));
  std::set<std::string> changed(tables.begin(), tables.end());
  std::string select;
  for (const models::ManifestNode& n : loaded.compiler->manifest().nodes()) {
    if (n.graph.type != models::ResourceType::kSource || !changed.count(n.relation)) continue;
    select += fmt::format("{}source:{}.{}+", select.empty() ? "" : " ", n.graph.source_name, n.graph.name);
  }
  if (select.empty()) return Status::Ok();  // no model reads the tables that changed
  models::RunOptions options;
  options.command = models::ModelsCommand::kRun;
  options.select = select;
  options.invocation_id = invocation;
  options.cancel = &stopping_;
  models::LogRunReport report("on_merge");
  ASSIGN_OR_RETURN(auto summary, models::RunModels(loaded.compiler.get(), &warehouse_->models(), env_, options, &report));
  if (summary.errors > 0) return Status::Internal(report.Failures());
  return Status::Ok();
}

}  // namespace sluice
