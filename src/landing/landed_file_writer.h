// Writes a file into the landing zone atomically and durably.
//
// Content is zstd-compressed into a hidden temporary file beside the target;
// Finish() fdatasyncs it, renames it into place and syncs the folder, so a
// landed file is either absent or complete and on disk. The folder is
// created durably if missing. A writer that is destroyed unfinished removes
// its temporary file.
#pragma once

#include <zstd.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/status.h"

namespace sluice {

class LandedFileWriter {
 public:
  // `env` must outlive the writer.
  explicit LandedFileWriter(Env* env) : env_(env) {}
  LandedFileWriter(const LandedFileWriter&) = delete;
  LandedFileWriter& operator=(const LandedFileWriter&) = delete;
  ~LandedFileWriter();

  // Starts a temporary file in `dir`, created (durably) if missing below
  // `within`, a folder known to be durable (see CreateDirDurably).
  Status Open(const std::string& dir, const std::string& within = "", int level = 1);
  Status Write(std::string_view data);
  // Completes the file as `dir/name`. If that file exists it is replaced.
  Status Finish(const std::string& name);
  // Drops the temporary file.
  void Abort();

 private:
  Status WriteOut(ZSTD_EndDirective mode, std::string_view data);

  Env* const env_;
  std::string dir_;
  std::string temp_path_;
  std::unique_ptr<WritableFile> file_;
  ZSTD_CCtx* cctx_ = nullptr;
  std::vector<char> out_;
};

}  // namespace sluice
