// The landing zone's writer: accepted events → open files → sealed files.
//
// Group commit: requests queue up while the previous batch is being synced;
// the flusher thread then appends the whole queue to the open file of each
// event's partition (type, arrival day UTC, tenant), fdatasyncs each touched
// file once (concurrently: one journal commit covers them), and only then
// completes the requests. One fsync covers every
// request that arrived meanwhile.
//
// A batch that cannot be written or synced (disk full) fails as a whole:
// its bytes are truncated away and its requests get Unavailable, so nothing
// unacknowledged stays half-written. Open files roll on roll_interval or
// roll_size and are sealed on a second thread (see sealer.h), so compression
// never delays an acknowledgement.
//
// Files and time come from the Env: the open files, the sealer and the ready
// queue do every file operation through it, and each batch costs one vectored
// write and one fdatasync per file it touches.
//
// Thread-safe. Land() never blocks on I/O.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/env.h"
#include "base/metrics.h"
#include "base/worker_thread.h"
#include "config/config.h"
#include "landing/event_lander.h"
#include "landing/layout.h"
#include "landing/ready_queue.h"
#include "landing/sealer.h"

namespace sluice {

class LandingWriter final : public EventLander {
 public:
  // `env` and `metrics` must outlive the writer.
  LandingWriter(Env* env, const LandingConfig& config, LandingFolders folders, MetricsRegistry* metrics);
  ~LandingWriter() override;

  // Seals what a crash left in open files and counts the backlog the ready
  // queue holds. Call once, before Start (the pipeline may start in between
  // and load what recovery sealed).
  Result<RecoveryReport> Recover();
  // Starts the flushing and sealing threads: from now on Land() lands.
  void Start();
  void Land(const EventSpec& event, IncomingEvents events, LandedCallback done) override;
  bool Ready() const override;
  // Refuses new events, lands the queued ones, seals every open file, joins.
  // Without Start, the queued events fail as Unavailable instead.
  void Stop();

  ReadyQueue* ready_queue() { return &queue_; }
  // Runs after each sealed file, on the sealing thread: wakes the pipeline.
  void SetSealedListener(std::function<void()> listener) { sealed_listener_ = std::move(listener); }
  // Seals, on the next flush, every open file opened at or before
  // `opened_before_micros` (the pipeline asks when it is idle).
  void SealOpenedBefore(int64_t opened_before_micros);
  // The pipeline reports bytes it has loaded: the backlog shrinks by them.
  void Loaded(uint64_t bytes) { backlog_bytes_ -= static_cast<int64_t>(bytes); }
  int64_t backlog_bytes() const { return backlog_bytes_.load(); }

 private:
  struct Pending {
    std::string type;
    IncomingEvents events;
    LandedCallback done;
  };
  struct OpenFile {
    std::string path;
    std::unique_ptr<WritableFile> file;
    int64_t opened_micros = 0;
    uint64_t synced_size = 0;    // bytes fdatasync'd: everything acknowledged
    std::vector<iovec> pieces;   // this batch's runs, pointing into the requests' own buffers
    uint64_t pending_bytes = 0;  // their total
  };

  void FlushLoop();
  void SealLoop();
  void FlushBatch(std::vector<Pending>* batch);
  Status WriteAndSync(const std::vector<OpenFile*>& files);
  // The n-th helper thread that syncs a batch's other files (started on
  // first use), or nullptr when no thread can be started.
  WorkerThread* SyncHelper(size_t n);
  Result<OpenFile*> FileFor(const std::string& type, const std::string& tenant, int64_t now);
  // Hands due (or, with `all`, every) open files to the sealer: those past
  // roll_interval or roll_size, or opened at or before `seal_opened_before`.
  // Returns the next deadline.
  int64_t RollDue(int64_t now, bool all, int64_t seal_opened_before);

  Env* const env_;
  const LandingConfig config_;
  const LandingFolders folders_;
  ReadyQueue queue_;
  Sealer sealer_;
  std::function<void()> sealed_listener_;
  std::atomic<int64_t> backlog_bytes_{0};
  std::atomic<uint64_t> next_seq_;

  std::mutex mu_;  // guards pending_, stopping_, to_seal_, sealing_done_
  std::condition_variable flush_cv_;
  std::condition_variable seal_cv_;
  std::vector<Pending> pending_;
  std::deque<std::string> to_seal_;
  bool stopping_ = false;
  bool flusher_done_ = false;
  int64_t seal_opened_before_ = 0;  // SealOpenedBefore's latest request

  std::map<std::string, OpenFile> open_;  // flusher thread only
  std::vector<std::unique_ptr<WorkerThread>> sync_helpers_;  // flusher thread only; see WriteAndSync

  Counter& fsyncs_;
  Counter& sealed_;
  Counter& landed_bytes_;
  Histogram& batch_seconds_;
  Counter& write_errors_;
  Counter& seal_errors_;
  std::thread flusher_;
  std::thread sealing_;
};

}  // namespace sluice
