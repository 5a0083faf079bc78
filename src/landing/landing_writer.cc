#include "landing/landing_writer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <system_error>

#include "base/log.h"
#include "base/thread_name.h"

namespace sluice {
namespace fs = std::filesystem;

namespace {
constexpr int64_t kMicrosPerDay = 86'400'000'000;
constexpr int64_t kSealRetryMicros = 1'000'000;
constexpr size_t kMaxSyncHelpers = 7;  // with the flusher, up to 8 files synced at once

// Whatever went wrong, the client may try again: Unavailable.
Status LandingError(const Status& cause) { return Status::Unavailable("cannot land events: " + cause.message()); }
}  // namespace

LandingWriter::LandingWriter(Env* env, const LandingConfig& config, LandingFolders folders,
                             MetricsRegistry* metrics)
    : env_(env),
      config_(config),
      folders_(std::move(folders)),
      queue_(env, folders_.landing_dir + "/" + std::string(kReadyFolder), folders_.data_dir),
      sealer_(env, folders_, &queue_),
      next_seq_(static_cast<uint64_t>(env->NowMicros())),  // unique across restarts
      fsyncs_(metrics->GetCounter("sluice_landing_fsyncs_total", "fdatasync calls on open landing files")),
      sealed_(metrics->GetCounter("sluice_landing_files_sealed_total", "landing files sealed")),
      landed_bytes_(metrics->GetCounter("sluice_landing_bytes_total", "event bytes made durable")),
      batch_seconds_(metrics->GetHistogram("sluice_landing_batch_seconds",
                                           "time to write and fdatasync one batch (what an acknowledgement waits)",
                                           {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1})),
      write_errors_(metrics->GetCounter("sluice_landing_errors_total", "landing failures", {{"stage", "write"}})),
      seal_errors_(metrics->GetCounter("sluice_landing_errors_total", "landing failures", {{"stage", "seal"}})) {}

LandingWriter::~LandingWriter() { Stop(); }

Result<RecoveryReport> LandingWriter::Recover() {
  ASSIGN_OR_RETURN(RecoveryReport report, sealer_.RecoverOpenFiles());
  if (report.torn_bytes_dropped > 0)
    Log("landing")->warn("recovery dropped {} bytes of torn, unacknowledged last lines", report.torn_bytes_dropped);
  ASSIGN_OR_RETURN(auto ready, queue_.List());
  for (const auto& f : ready) backlog_bytes_ += static_cast<int64_t>(f.bytes);
  return report;
}

void LandingWriter::Start() {
  flusher_ = std::thread([this] { FlushLoop(); });
  sealing_ = std::thread([this] { SealLoop(); });
}

bool LandingWriter::Ready() const {
  std::lock_guard<std::mutex> lock(const_cast<std::mutex&>(mu_));
  return !stopping_ && backlog_bytes_.load() < static_cast<int64_t>(config_.max_backlog);
}

void LandingWriter::Land(const EventSpec& event, IncomingEvents events, LandedCallback done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_ && backlog_bytes_.load() < static_cast<int64_t>(config_.max_backlog)) {
      pending_.push_back({event.name, std::move(events), std::move(done)});
      flush_cv_.notify_one();
      return;
    }
  }
  done(Status::Unavailable(stopping_ ? "sluice is shutting down" : "the landing backlog is over its limit"));
}

void LandingWriter::SealOpenedBefore(int64_t opened_before_micros) {
  {
    std::lock_guard<std::mutex> lock(mu_);  // so the flusher cannot miss the wake-up
    seal_opened_before_ = opened_before_micros;
  }
  flush_cv_.notify_one();
}

void LandingWriter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !flusher_.joinable() && !sealing_.joinable()) return;
    stopping_ = true;
  }
  flush_cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  seal_cv_.notify_all();
  if (sealing_.joinable()) sealing_.join();
  // Never started: what was queued will not land.
  std::vector<Pending> unlanded;
  {
    std::lock_guard<std::mutex> lock(mu_);
    unlanded.swap(pending_);
  }
  for (Pending& p : unlanded) p.done(Status::Unavailable("sluice is shutting down"));
}

void LandingWriter::FlushLoop() {
  NameThisThread("land-flush");
  int64_t next_roll = env_->NowMicros() + config_.roll_interval_micros;
  int64_t applied_seal_before = 0;
  while (true) {
    std::vector<Pending> batch;
    bool stopping;
    {
      std::unique_lock<std::mutex> lock(mu_);
      // A wait for a while, not until a time: the Env's clock need not be the system's.
      const auto until_roll = std::chrono::microseconds(std::max<int64_t>(0, next_roll - env_->NowMicros()));
      flush_cv_.wait_for(lock, until_roll, [&] {
        return stopping_ || !pending_.empty() || seal_opened_before_ != applied_seal_before;
      });
      batch.swap(pending_);
      stopping = stopping_;
      applied_seal_before = seal_opened_before_;
    }
    if (!batch.empty()) FlushBatch(&batch);
    next_roll = RollDue(env_->NowMicros(), stopping, applied_seal_before);
    if (stopping) {
      std::lock_guard<std::mutex> lock(mu_);
      if (pending_.empty()) {
        flusher_done_ = true;
        seal_cv_.notify_all();
        return;
      }
    }
  }
}

Result<LandingWriter::OpenFile*> LandingWriter::FileFor(const std::string& type, const std::string& tenant,
                                                        int64_t now) {
  const std::string key = fmt::format("{}/{}/{}", type, now / kMicrosPerDay, tenant);
  auto it = open_.find(key);
  if (it != open_.end()) return &it->second;
  OpenFile file;
  file.path = OpenFilePath(folders_.landing_dir, type, tenant, now, next_seq_++);
  file.opened_micros = now;
  // The new file's name, and any folder just created, must survive a crash too.
  const std::string dir = fs::path(file.path).parent_path().string();
  if (Status st = CreateDirDurably(env_, dir, folders_.data_dir); !st.ok()) return LandingError(st);
  auto created = env_->OpenWritable(file.path, WriteMode::kCreateNew);
  if (!created.ok()) return LandingError(created.status());
  file.file = std::move(created).value();
  if (Status st = env_->SyncDir(dir); !st.ok()) return LandingError(st);
  return &open_.emplace(key, std::move(file)).first->second;
}

Status LandingWriter::WriteAndSync(const std::vector<OpenFile*>& files) {
  for (OpenFile* f : files)
    if (Status st = f->file->AppendPieces(f->pieces); !st.ok()) return LandingError(st);
  // The files are synced at the same time: the file system commits its
  // journal once for all of them, so a batch touching three event types
  // waits about one fdatasync, not three in a row. The flusher syncs the
  // first file; long-lived helpers (a thread per batch would cost more than
  // the sync) sync the others. When no helper thread can be started,
  // a file is synced here, in turn.
  auto sync = [](WritableFile* file) { return file->Sync(); };
  std::vector<std::future<Status>> others;
  for (size_t i = 1; i < files.size(); ++i) {
    WritableFile* file = files[i]->file.get();
    if (WorkerThread* helper = SyncHelper(i - 1))
      others.push_back(helper->Submit([sync, file] { return sync(file); }));
    else
      others.push_back(std::async(std::launch::deferred, sync, file));
  }
  Status status;
  for (size_t i = 0; i < files.size(); ++i) {
    const Status synced = i == 0 ? sync(files[0]->file.get()) : others[i - 1].get();
    if (!synced.ok() && status.ok()) status = LandingError(synced);
    fsyncs_.Add();
  }
  return status;
}

WorkerThread* LandingWriter::SyncHelper(size_t n) {
  n %= kMaxSyncHelpers;
  try {
    while (sync_helpers_.size() <= n) sync_helpers_.push_back(std::make_unique<WorkerThread>("land-sync"));
  } catch (const std::system_error&) {
    return nullptr;
  }
  return sync_helpers_[n].get();
}

void LandingWriter::FlushBatch(std::vector<Pending>* batch) {
  const int64_t now = env_->NowMicros();
  std::vector<OpenFile*> touched;
  Status status;
  uint64_t bytes = 0;
  for (Pending& p : *batch) {
    const std::string& text = p.events.text();
    for (const IncomingEvents::Run& run : p.events.runs()) {
      auto file = FileFor(p.type, run.tenant, now);
      if (!file.ok()) {
        status = file.status();
        break;
      }
      OpenFile* f = *file;
      if (f->pieces.empty()) touched.push_back(f);
      const size_t length = run.end - run.begin;
      f->pieces.push_back({const_cast<char*>(text.data() + run.begin), length});
      f->pending_bytes += length;
      bytes += length;
    }
    if (!status.ok()) break;
  }
  if (status.ok()) {
    const MonotonicTime started = env_->MonotonicNow();
    status = WriteAndSync(touched);
    batch_seconds_.Observe(std::chrono::duration<double>(env_->MonotonicNow() - started).count());
  }
  for (OpenFile* f : touched) {
    if (status.ok()) {
      f->synced_size += f->pending_bytes;
    } else if (Status st = f->file->Truncate(f->synced_size); !st.ok()) {
      // The unsynced bytes may stay; recovery keeps only complete lines, and
      // they were never acknowledged, so at worst an event is kept that the
      // client will send again (the merge absorbs the duplicate).
      Log("landing")->error("after a failed write: {}", st.message());
    }
    f->pieces.clear();
    f->pending_bytes = 0;
  }
  if (status.ok()) {
    landed_bytes_.Add(static_cast<int64_t>(bytes));
    backlog_bytes_ += static_cast<int64_t>(bytes);
  } else {
    write_errors_.Add();
    Log("landing")->warn("{}", status.message());
  }
  for (Pending& p : *batch) p.done(status);
}

int64_t LandingWriter::RollDue(int64_t now, bool all, int64_t seal_opened_before) {
  int64_t next = now + config_.roll_interval_micros;
  std::vector<std::string> due;
  for (auto it = open_.begin(); it != open_.end();) {
    OpenFile& f = it->second;
    const bool expired = now - f.opened_micros >= config_.roll_interval_micros ||
                         f.opened_micros <= seal_opened_before;
    if (all || expired || f.synced_size >= config_.roll_size) {
      // Everything in it was synced: an error closing it loses nothing.
      (void)f.file->Close();
      // An empty file that outlives a crash is removed by the next start's recovery.
      if (f.synced_size > 0) due.push_back(f.path);
      else (void)env_->RemoveFile(f.path);
      it = open_.erase(it);
    } else {
      next = std::min(next, f.opened_micros + config_.roll_interval_micros);
      ++it;
    }
  }
  if (!due.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& d : due) to_seal_.push_back(std::move(d));
    seal_cv_.notify_one();
  }
  return next;
}

void LandingWriter::SealLoop() {
  NameThisThread("land-seal");
  while (true) {
    std::string path;
    {
      std::unique_lock<std::mutex> lock(mu_);
      seal_cv_.wait(lock, [this] { return flusher_done_ || !to_seal_.empty(); });
      if (to_seal_.empty()) return;  // the flusher has finished and everything is sealed
      path = to_seal_.front();
      to_seal_.pop_front();
    }
    Status st = sealer_.Seal(path);
    if (!st.ok()) {
      seal_errors_.Add();
      Log("landing")->error("sealing {} failed, will retry: {}", path, st.message());
      std::unique_lock<std::mutex> lock(mu_);
      to_seal_.push_back(path);
      // Back off unless shutting down; a later seal or Stop wakes us.
      if (!flusher_done_) seal_cv_.wait_for(lock, std::chrono::microseconds(kSealRetryMicros));
      else return;  // leave it open: the next start's recovery seals it
      continue;
    }
    sealed_.Add();
    if (sealed_listener_) sealed_listener_();
  }
}

}  // namespace sluice
