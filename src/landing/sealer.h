// Sealing: an open file becomes a permanent landed file.
//
// Seal() compresses the open file into its place in the landing zone (atomic
// rename, fsync'd), queues it for loading, then removes the open file. Each
// step is idempotent, so a crash anywhere is repaired by sealing again: the
// sealed file is rewritten with the same content, and a second ready marker
// is absorbed by the load history.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "landing/ready_queue.h"

namespace sluice {

struct RecoveryReport {
  int64_t files_sealed = 0;
  int64_t torn_bytes_dropped = 0;  // never acknowledged: a crash cut the last line
};

class Sealer {
 public:
  Sealer(std::string data_dir, std::string landing_dir, ReadyQueue* queue)
      : data_dir_(std::move(data_dir)), landing_dir_(std::move(landing_dir)), queue_(queue) {}

  // `open_path` must end with a complete line (the writer only seals files it
  // fdatasync'd; recovery truncates a torn tail first).
  Status Seal(const std::string& open_path);

  // Start-up: every open file a crash left behind loses its torn last line
  // (bytes after the last newline) and is sealed.
  Result<RecoveryReport> RecoverOpenFiles();

 private:
  std::string data_dir_;
  std::string landing_dir_;
  ReadyQueue* queue_;
};

}  // namespace sluice
