// Sealing: an open file becomes a permanent landed file.
//
// Seal() compresses the open file into its place in the landing zone (atomic
// rename, synced), queues it for loading, then removes the open file (and
// syncs its folder). Each
// step is idempotent, so a crash anywhere is repaired by sealing again: the
// sealed file is rewritten with the same content, and a second ready marker
// is absorbed by the load history.
#pragma once

#include <cstdint>
#include <string>

#include "base/env.h"
#include "base/status.h"
#include "landing/layout.h"
#include "landing/ready_queue.h"

namespace sluice {

struct RecoveryReport {
  int64_t files_sealed = 0;
  int64_t torn_bytes_dropped = 0;  // never acknowledged: a crash cut the last line
};

class Sealer {
 public:
  // `env` and `queue` must outlive the sealer.
  Sealer(Env* env, LandingFolders folders, ReadyQueue* queue)
      : env_(env), folders_(std::move(folders)), queue_(queue) {}

  // `open_path` must end with a complete line (the writer only seals files it
  // fdatasync'd; recovery truncates a torn tail first).
  Status Seal(const std::string& open_path);

  // Start-up: every open file a crash left behind loses its torn last line
  // (bytes after the last newline) and is sealed.
  Result<RecoveryReport> RecoverOpenFiles();

 private:
  Env* const env_;
  const LandingFolders folders_;
  ReadyQueue* const queue_;
};

}  // namespace sluice
