#include "landing/sealer.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <vector>

#include "landing/land_copy.h"
#include "landing/landed_file_writer.h"

namespace sluice {
namespace fs = std::filesystem;

namespace {

// Truncates `path` after its last newline; returns the bytes dropped.
Result<int64_t> DropTornTail(Env* env, const std::string& path) {
  ASSIGN_OR_RETURN(const uint64_t size, env->FileSize(path));
  ASSIGN_OR_RETURN(auto file, env->OpenReadable(path));
  std::vector<char> buf(64 << 10);
  uint64_t end = size;
  uint64_t keep = 0;
  while (end > 0) {
    const uint64_t start = end - std::min<uint64_t>(end, buf.size());
    ASSIGN_OR_RETURN(const size_t got, file->ReadAt(start, buf.data(), static_cast<size_t>(end - start)));
    if (got == 0) break;
    if (const void* nl = memrchr(buf.data(), '\n', got)) {
      keep = start + static_cast<uint64_t>(static_cast<const char*>(nl) - buf.data()) + 1;
      break;
    }
    end = start;
  }
  const int64_t dropped = static_cast<int64_t>(size - keep);
  if (dropped > 0) {
    ASSIGN_OR_RETURN(auto out, env->OpenWritable(path, WriteMode::kAppendOnly));
    RETURN_IF_ERROR(out->Truncate(keep));
    RETURN_IF_ERROR(out->Sync());
    RETURN_IF_ERROR(out->Close());
  }
  return dropped;
}

}  // namespace

Status Sealer::Seal(const std::string& open_path) {
  const std::string sealed = SealedPathFor(folders_.landing_dir, open_path);
  if (sealed.empty()) return Status::Internal(fmt::format("'{}' is not an open landing file", open_path));
  const fs::path relative_open =
      fs::path(open_path).lexically_relative(folders_.landing_dir + "/" + std::string(kOpenFolder));
  const std::string event_type = relative_open.begin()->string();

  LandedFileWriter writer(env_);
  RETURN_IF_ERROR(writer.Open(fs::path(sealed).parent_path().string(), folders_.data_dir));
  ASSIGN_OR_RETURN(CopiedContent copied, CopyIntoLanding(env_, open_path, &writer));
  if (copied.bytes == 0) {
    writer.Abort();
  } else {
    RETURN_IF_ERROR(writer.Finish(fs::path(sealed).filename().string()));
    const std::string landed_as = fs::path(sealed).lexically_relative(folders_.data_dir).string();
    RETURN_IF_ERROR(queue_->Add(event_type, landed_as, copied.checksum, copied.bytes));
  }
  if (Status st = env_->RemoveFile(open_path); !st.ok() && st.code() != StatusCode::kNotFound) return st;
  return env_->SyncDir(fs::path(open_path).parent_path().string());
}

Result<RecoveryReport> Sealer::RecoverOpenFiles() {
  RecoveryReport report;
  const std::string open_root = folders_.landing_dir + "/" + std::string(kOpenFolder);
  auto files = env_->ListFilesRecursively(open_root);
  if (!files.ok()) {
    if (files.status().code() == StatusCode::kNotFound) return report;
    return files.status();
  }
  for (const auto& file : *files) {
    if (fs::path(file).extension() != ".ndjson") continue;
    ASSIGN_OR_RETURN(int64_t dropped, DropTornTail(env_, file));
    report.torn_bytes_dropped += dropped;
    RETURN_IF_ERROR(Seal(file));
    ++report.files_sealed;
  }
  return report;
}

}  // namespace sluice
