// The durable queue of sealed files waiting to be loaded (the seed's SQS
// notification, on disk).
//
// One small marker file per sealed file in data/landing/_ready/, named so
// that names sort in sealing order (which is arrival order per partition).
// Add() is durable when it returns (written, fdatasync'd, renamed, folder
// synced). A marker is removed only after its file is loaded; a marker
// that outlives a crash makes the file load again, which the load history
// turns into a skip: exactly once.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/status.h"

namespace sluice {

struct ReadyFile {
  std::string marker;      // path of the marker file
  std::string event_type;
  std::string landed_as;   // relative to data_dir
  std::string checksum;
  uint64_t bytes = 0;      // uncompressed
};

class ReadyQueue {
 public:
  // `env` must outlive the queue.
  // The queue's folder `dir` is created (durably) below `within`, a folder
  // known to be durable (see CreateDirDurably).
  ReadyQueue(Env* env, std::string dir, std::string within = "")
      : env_(env), dir_(std::move(dir)), within_(std::move(within)) {}

  // Unavailable when the disk is full; the marker is then not added.
  Status Add(const std::string& event_type, const std::string& landed_as, const std::string& checksum,
             uint64_t bytes);
  // Every marker, oldest first. A marker that cannot be read is reported,
  // not skipped.
  Result<std::vector<ReadyFile>> List() const;
  Status Remove(const ReadyFile& file);

 private:
  Env* const env_;
  const std::string dir_;
  const std::string within_;
  std::atomic<int64_t> last_id_{0};
};

}  // namespace sluice
