#include "landing/landing_writer.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <system_error>

#include "base/clock.h"
#include "base/log.h"
#include "base/thread_name.h"
#include "landing/landed_file_writer.h"
#include "landing/layout.h"

namespace sluice {
namespace fs = std::filesystem;

namespace {
constexpr int64_t kMicrosPerDay = 86'400'000'000;
constexpr int64_t kSealRetryMicros = 1'000'000;
constexpr size_t kMaxSyncHelpers = 7;  // with the flusher, up to 8 files synced at once

Status LandingError(const std::string& what, int err) {
  return Status::Unavailable(fmt::format("cannot land events: {} ({})", what,
                                         err == ENOSPC ? "disk full" : std::strerror(err)));
}
}  // namespace

LandingWriter::LandingWriter(const Config& config, MetricsRegistry* metrics)
    : config_(config),
      landing_dir_(config.landing_dir()),
      queue_(landing_dir_ + "/" + std::string(kReadyFolder)),
      sealer_(config.data_dir, landing_dir_, &queue_),
      next_seq_(static_cast<uint64_t>(NowMicros())),  // unique across restarts
      fsyncs_(metrics->GetCounter("sluice_landing_fsyncs_total", "fdatasync calls on open landing files")),
      sealed_(metrics->GetCounter("sluice_landing_files_sealed_total", "landing files sealed")),
      landed_bytes_(metrics->GetCounter("sluice_landing_bytes_total", "event bytes made durable")),
      batch_seconds_(metrics->GetHistogram("sluice_landing_batch_seconds",
                                           "time to write and fdatasync one batch (what an acknowledgement waits)",
                                           {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1})),
      write_errors_(metrics->GetCounter("sluice_landing_errors_total", "landing failures", {{"stage", "write"}})),
      seal_errors_(metrics->GetCounter("sluice_landing_errors_total", "landing failures", {{"stage", "seal"}})) {}

LandingWriter::~LandingWriter() { Stop(); }

Result<RecoveryReport> LandingWriter::Start() {
  ASSIGN_OR_RETURN(RecoveryReport report, sealer_.RecoverOpenFiles());
  if (report.torn_bytes_dropped > 0)
    Log("landing")->warn("recovery dropped {} bytes of torn, unacknowledged last lines", report.torn_bytes_dropped);
  ASSIGN_OR_RETURN(auto ready, queue_.List());
  for (const auto& f : ready) backlog_bytes_ += static_cast<int64_t>(f.bytes);
  flusher_ = std::thread([this] { FlushLoop(); });
  sealing_ = std::thread([this] { SealLoop(); });
  return report;
}

bool LandingWriter::Ready() const {
  std::lock_guard<std::mutex> lock(const_cast<std::mutex&>(mu_));
  return !stopping_ && backlog_bytes_.load() < static_cast<int64_t>(config_.landing.max_backlog);
}

void LandingWriter::Land(const EventSpec& event, IncomingEvents events, LandedCallback done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_ && backlog_bytes_.load() < static_cast<int64_t>(config_.landing.max_backlog)) {
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
}

void LandingWriter::FlushLoop() {
  NameThisThread("land-flush");
  int64_t next_roll = NowMicros() + config_.landing.roll_interval_micros;
  int64_t applied_seal_before = 0;
  while (true) {
    std::vector<Pending> batch;
    bool stopping;
    {
      std::unique_lock<std::mutex> lock(mu_);
      const auto deadline = std::chrono::system_clock::time_point(std::chrono::microseconds(next_roll));
      flush_cv_.wait_until(lock, deadline, [&] {
        return stopping_ || !pending_.empty() || seal_opened_before_ != applied_seal_before;
      });
      batch.swap(pending_);
      stopping = stopping_;
      applied_seal_before = seal_opened_before_;
    }
    if (!batch.empty()) FlushBatch(&batch);
    next_roll = RollDue(NowMicros(), stopping, applied_seal_before);
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
  file.path = OpenFilePath(landing_dir_, type, tenant, now, next_seq_++);
  file.opened_micros = now;
  const fs::path dir = fs::path(file.path).parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return LandingError("creating " + dir.string(), ec.value());
  file.fd = ::open(file.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (file.fd < 0) return LandingError("creating " + file.path, errno);
  // The new file's name, and any folder just created, must survive a crash too.
  for (fs::path d = dir; d.string().size() >= landing_dir_.size(); d = d.parent_path()) {
    RETURN_IF_ERROR(SyncDir(d.string()));
    if (d.string().size() == landing_dir_.size()) break;
  }
  return &open_.emplace(key, std::move(file)).first->second;
}

Status LandingWriter::WriteAndSync(const std::vector<OpenFile*>& files) {
  for (OpenFile* f : files) {
    // writev takes at most IOV_MAX pieces and may write less than asked:
    // advance through the pieces by what it did write.
    size_t first = 0;
    while (first < f->pieces.size()) {
      const int n_pieces = static_cast<int>(std::min<size_t>(f->pieces.size() - first, IOV_MAX));
      ssize_t n = ::writev(f->fd, &f->pieces[first], n_pieces);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return LandingError("writing " + f->path, errno);
      while (n > 0) {
        iovec& piece = f->pieces[first];
        const size_t used = std::min(static_cast<size_t>(n), piece.iov_len);
        piece.iov_base = static_cast<char*>(piece.iov_base) + used;
        piece.iov_len -= used;
        n -= static_cast<ssize_t>(used);
        if (piece.iov_len == 0) ++first;
      }
    }
  }
  // The files are synced at the same time: the file system commits its
  // journal once for all of them, so a batch touching three event types
  // waits about one fdatasync, not three in a row. The flusher syncs the
  // first file; long-lived helpers (a thread per batch would cost more than
  // the sync) sync the others. When no helper thread can be started,
  // a file is synced here, in turn.
  auto sync = [](int fd) { return ::fdatasync(fd) == 0 ? 0 : errno; };
  std::vector<std::future<int>> others;
  for (size_t i = 1; i < files.size(); ++i) {
    if (WorkerThread* helper = SyncHelper(i - 1))
      others.push_back(helper->Submit([sync, fd = files[i]->fd] { return sync(fd); }));
    else
      others.push_back(std::async(std::launch::deferred, sync, files[i]->fd));
  }
  Status status;
  for (size_t i = 0; i < files.size(); ++i) {
    const int err = i == 0 ? sync(files[0]->fd) : others[i - 1].get();
    if (err != 0 && status.ok()) status = LandingError("syncing " + files[i]->path, err);
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
  const int64_t now = NowMicros();
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
    const auto started = std::chrono::steady_clock::now();
    status = WriteAndSync(touched);
    batch_seconds_.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  for (OpenFile* f : touched) {
    if (status.ok()) {
      f->synced_size += f->pending_bytes;
    } else if (::ftruncate(f->fd, static_cast<off_t>(f->synced_size)) != 0) {
      // The unsynced bytes may stay; recovery keeps only complete lines, and
      // they were never acknowledged, so at worst an event is kept that the
      // client will send again (the merge absorbs the duplicate).
      Log("landing")->error("cannot truncate {} after a failed write: {}", f->path, std::strerror(errno));
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
  int64_t next = now + config_.landing.roll_interval_micros;
  std::vector<std::string> due;
  for (auto it = open_.begin(); it != open_.end();) {
    OpenFile& f = it->second;
    const bool expired = now - f.opened_micros >= config_.landing.roll_interval_micros ||
                         f.opened_micros <= seal_opened_before;
    if (all || expired || f.synced_size >= config_.landing.roll_size) {
      ::close(f.fd);
      if (f.synced_size > 0) due.push_back(f.path);
      else ::unlink(f.path.c_str());
      it = open_.erase(it);
    } else {
      next = std::min(next, f.opened_micros + config_.landing.roll_interval_micros);
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
