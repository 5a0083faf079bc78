#include "testing/fault_injection_env.h"

#include <algorithm>
#include <filesystem>
#include <random>
#include <system_error>

namespace sluice {
namespace fs = std::filesystem;

namespace {

// One spelling per path, so that a folder synced as "a/b/" matches a file
// created as "a//b/c".
std::string Normal(const std::string& path) {
  std::string p = fs::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::string FolderOf(const std::string& normal_path) {
  const std::string parent = fs::path(normal_path).parent_path().string();
  return parent.empty() ? "." : parent;
}

bool IsAtOrUnder(const std::string& path, const std::string& folder) {
  return folder.empty() || (path.compare(0, folder.size(), folder) == 0 &&
                            (path.size() == folder.size() || path[folder.size()] == '/'));
}

const char* ActionOf(EnvCall call) {
  switch (call) {
    case EnvCall::kOpenWritable: return "cannot create";
    case EnvCall::kOpenReadable: return "cannot open";
    case EnvCall::kAppend: return "cannot write";
    case EnvCall::kSync: return "cannot sync";
    case EnvCall::kTruncate: return "cannot truncate";
    case EnvCall::kClose: return "cannot close";
    case EnvCall::kRead: return "cannot read";
    case EnvCall::kFileSize: return "cannot read the size of";
    case EnvCall::kExists: return "cannot look up";
    case EnvCall::kRename: return "cannot rename";
    case EnvCall::kRemove: return "cannot remove";
    case EnvCall::kResolvePath: return "cannot resolve";
    case EnvCall::kCreateDir: return "cannot create folder";
    case EnvCall::kListDir: return "cannot list";
    case EnvCall::kSyncDir: return "cannot sync folder";
    case EnvCall::kAny: break;
  }
  return "cannot use";
}

}  // namespace

class FaultInjectionEnv::TrackedWritableFile final : public WritableFile {
 public:
  TrackedWritableFile(FaultInjectionEnv* env, std::unique_ptr<WritableFile> target, std::shared_ptr<FileState> state,
                      std::string path)
      : env_(env), target_(std::move(target)), state_(std::move(state)), path_(std::move(path)) {}

  Status AppendPieces(std::span<const iovec> pieces) override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    RETURN_IF_ERROR(env_->Admit(EnvCall::kAppend, path_));
    RETURN_IF_ERROR(target_->AppendPieces(pieces));
    for (const iovec& piece : pieces) state_->size += piece.iov_len;
    return Status::Ok();
  }

  Status Sync() override {  // bookkeeping only: the point is to lose what a real sync would not have kept
    std::lock_guard<std::mutex> lock(env_->mu_);
    RETURN_IF_ERROR(env_->Admit(EnvCall::kSync, path_));
    state_->durable = state_->size;
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    RETURN_IF_ERROR(env_->Admit(EnvCall::kTruncate, path_));
    RETURN_IF_ERROR(target_->Truncate(size));
    state_->size = size;
    state_->durable = std::min(state_->durable, size);
    return Status::Ok();
  }

  Status Close() override {
    std::lock_guard<std::mutex> lock(env_->mu_);
    const Status admitted = env_->Admit(EnvCall::kClose, path_);
    const Status closed = target_->Close();  // the descriptor goes, crash or not
    return admitted.ok() ? closed : admitted;
  }

  const std::string& path() const override { return path_; }

 private:
  FaultInjectionEnv* const env_;
  const std::unique_ptr<WritableFile> target_;
  const std::shared_ptr<FileState> state_;  // shared with the Env, which follows renames
  const std::string path_;
};

class FaultInjectionEnv::TrackedReadableFile final : public ReadableFile {
 public:
  TrackedReadableFile(FaultInjectionEnv* env, std::unique_ptr<ReadableFile> target)
      : env_(env), target_(std::move(target)) {}

  Result<size_t> Read(char* buf, size_t n) override {
    return env_->Pass(EnvCall::kRead, path(), [&] { return target_->Read(buf, n); });
  }

  Result<size_t> ReadAt(uint64_t offset, char* buf, size_t n) override {
    return env_->Pass(EnvCall::kRead, path(), [&] { return target_->ReadAt(offset, buf, n); });
  }

  const std::string& path() const override { return target_->path(); }

 private:
  FaultInjectionEnv* const env_;
  const std::unique_ptr<ReadableFile> target_;
};

FaultInjectionEnv::FaultInjectionEnv(Env* target) : target_(target) {}

FaultInjectionEnv::~FaultInjectionEnv() = default;

void FaultInjectionEnv::FailCall(EnvCall call, std::string under, int nth, int error, int count) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.push_back({call, under.empty() ? "" : Normal(under), nth, error, count});
}

void FaultInjectionEnv::CrashAfter(int64_t calls) {
  std::lock_guard<std::mutex> lock(mu_);
  crash_after_ = calls;
}

int64_t FaultInjectionEnv::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

bool FaultInjectionEnv::crashed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return crash_after_ && calls_ >= *crash_after_;
}

Status FaultInjectionEnv::Admit(EnvCall call, const std::string& path) {
  ++calls_;
  if (crash_after_ && calls_ > *crash_after_)
    return Status::IOError(fmt::format("{} '{}': the power is off (a simulated crash)", ActionOf(call), path));
  for (Rule& rule : rules_) {
    if ((rule.call != EnvCall::kAny && rule.call != call) || !IsAtOrUnder(path, rule.under)) continue;
    ++rule.seen;
    if (rule.seen >= rule.nth && rule.seen < rule.nth + rule.count)
      return FileSystemError(ActionOf(call), path, rule.error);
  }
  return Status::Ok();
}

// ---- files

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::OpenWritable(const std::string& path, WriteMode mode) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string p = Normal(path);
  RETURN_IF_ERROR(Admit(EnvCall::kOpenWritable, p));
  const bool existed = target_->Exists(p);
  ASSIGN_OR_RETURN(auto file, target_->OpenWritable(p, mode));
  auto known = files_.find(p);
  std::shared_ptr<FileState> state = known == files_.end() ? nullptr : known->second;
  if (!existed) {
    state = std::make_shared<FileState>();
    changes_.push_back({NameChange::Kind::kCreateFile, p, "", std::nullopt, {FolderOf(p)}});
  } else if (mode == WriteMode::kTruncate) {
    state = std::make_shared<FileState>();  // the old content is gone, as if the truncation were durable at once
  } else if (!state) {
    ASSIGN_OR_RETURN(const uint64_t size, target_->FileSize(p));
    state = std::make_shared<FileState>(FileState{size, size});
  }
  files_[p] = state;
  return std::unique_ptr<WritableFile>(new TrackedWritableFile(this, std::move(file), std::move(state), p));
}

Result<std::unique_ptr<ReadableFile>> FaultInjectionEnv::OpenReadable(const std::string& path) {
  return Pass(EnvCall::kOpenReadable, Normal(path), [&]() -> Result<std::unique_ptr<ReadableFile>> {
    ASSIGN_OR_RETURN(auto file, target_->OpenReadable(path));
    return std::unique_ptr<ReadableFile>(new TrackedReadableFile(this, std::move(file)));
  });
}

Result<uint64_t> FaultInjectionEnv::FileSize(const std::string& path) {
  return Pass(EnvCall::kFileSize, Normal(path), [&] { return target_->FileSize(path); });
}

bool FaultInjectionEnv::Exists(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  return Admit(EnvCall::kExists, Normal(path)).ok() && target_->Exists(path);
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string f = Normal(from), t = Normal(to);
  RETURN_IF_ERROR(Admit(EnvCall::kRename, f));
  std::optional<std::string> replaced;
  if (target_->Exists(t)) {
    ASSIGN_OR_RETURN(replaced, DurableContent(t));
  }
  RETURN_IF_ERROR(target_->RenameFile(f, t));
  std::shared_ptr<FileState> state;
  if (auto moved = files_.find(f); moved != files_.end()) {
    state = moved->second;
    files_.erase(moved);
  }
  if (state) files_[t] = state;
  else files_.erase(t);  // an untracked file is durable as it is
  NameChange change{NameChange::Kind::kRename, f, t, std::move(replaced), {FolderOf(f)}};
  if (FolderOf(t) != FolderOf(f)) change.unsynced.push_back(FolderOf(t));
  changes_.push_back(std::move(change));
  return Status::Ok();
}

Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string p = Normal(path);
  RETURN_IF_ERROR(Admit(EnvCall::kRemove, p));
  auto content = DurableContent(p);
  RETURN_IF_ERROR(target_->RemoveFile(p));
  if (!content.ok()) return content.status();
  files_.erase(p);
  changes_.push_back({NameChange::Kind::kRemove, p, "", std::move(content).value(), {FolderOf(p)}});
  return Status::Ok();
}

Result<std::string> FaultInjectionEnv::ResolvePath(const std::string& path) {
  return Pass(EnvCall::kResolvePath, Normal(path), [&] { return target_->ResolvePath(path); });
}

// ---- folders

Status FaultInjectionEnv::CreateDir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string d = Normal(dir);
  RETURN_IF_ERROR(Admit(EnvCall::kCreateDir, d));
  const bool existed = target_->Exists(d);
  RETURN_IF_ERROR(target_->CreateDir(d));
  if (!existed) changes_.push_back({NameChange::Kind::kCreateDir, d, "", std::nullopt, {FolderOf(d)}});
  return Status::Ok();
}

Result<std::vector<std::string>> FaultInjectionEnv::ListDir(const std::string& dir) {
  return Pass(EnvCall::kListDir, Normal(dir), [&] { return target_->ListDir(dir); });
}

Result<std::vector<std::string>> FaultInjectionEnv::ListFilesRecursively(const std::string& dir) {
  return Pass(EnvCall::kListDir, Normal(dir), [&] { return target_->ListFilesRecursively(dir); });
}

Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string d = Normal(dir);
  RETURN_IF_ERROR(Admit(EnvCall::kSyncDir, d));
  if (!target_->Exists(d)) return FileSystemError("cannot open folder", d, ENOENT);
  for (NameChange& change : changes_) std::erase(change.unsynced, d);
  std::erase_if(changes_, [](const NameChange& change) { return change.unsynced.empty(); });
  return Status::Ok();
}

// ---- the power cut

Result<std::string> FaultInjectionEnv::DurableContent(const std::string& path) {
  ASSIGN_OR_RETURN(std::string content, ReadFileToString(target_, path));
  if (auto known = files_.find(path); known != files_.end() && content.size() > known->second->durable)
    content.resize(known->second->durable);
  return content;
}

Status FaultInjectionEnv::WriteWhole(const std::string& path, const std::string& content) {
  ASSIGN_OR_RETURN(auto file, target_->OpenWritable(path, WriteMode::kTruncate));
  RETURN_IF_ERROR(file->Append(content));
  return file->Close();
}

Status FaultInjectionEnv::Undo(const NameChange& change) {
  switch (change.kind) {
    case NameChange::Kind::kCreateFile: {
      const Status removed = target_->RemoveFile(change.path);
      return removed.code() == StatusCode::kNotFound ? Status::Ok() : removed;
    }
    case NameChange::Kind::kCreateDir: {
      std::error_code ec;
      fs::remove_all(change.path, ec);
      if (ec) return FileSystemError("cannot remove folder", change.path, ec.value());
      return Status::Ok();
    }
    case NameChange::Kind::kRename:
      if (target_->Exists(change.to)) RETURN_IF_ERROR(target_->RenameFile(change.to, change.path));
      if (change.content) return WriteWhole(change.to, *change.content);
      return Status::Ok();
    case NameChange::Kind::kRemove:
      return WriteWhole(change.path, *change.content);
  }
  return Status::Internal("unknown change of names");
}

Status FaultInjectionEnv::SimulateCrash(UnsyncedBytes unsynced, uint32_t seed) {
  std::lock_guard<std::mutex> lock(mu_);
  std::mt19937 rng(seed);
  Status first_error;
  const auto note = [&first_error](const Status& st) {
    if (!st.ok() && first_error.ok()) first_error = st;
  };
  for (const auto& [path, state] : files_) {
    uint64_t keep = state->durable;
    if (unsynced == UnsyncedBytes::kRandomPrefixKept && state->size > keep)
      keep += std::uniform_int_distribution<uint64_t>(0, state->size - keep)(rng);
    auto size = target_->FileSize(path);
    if (!size.ok()) {
      note(size.status());
      continue;
    }
    if (*size <= keep) continue;
    auto file = target_->OpenWritable(path, WriteMode::kAppendOnly);
    note(file.ok() ? (*file)->Truncate(keep) : file.status());
  }
  for (auto change = changes_.rbegin(); change != changes_.rend(); ++change) note(Undo(*change));
  calls_ = 0;
  crash_after_.reset();
  rules_.clear();
  files_.clear();
  changes_.clear();
  return first_error;
}

// ---- the clock

void FaultInjectionEnv::SetNowMicros(int64_t now_micros) {
  if (!manual_clock_) {
    monotonic_micros_ =
        std::chrono::duration_cast<std::chrono::microseconds>(target_->MonotonicNow().time_since_epoch()).count();
  } else if (now_micros > now_micros_) {
    monotonic_micros_ += now_micros - now_micros_;  // monotonic time never goes back
  }
  now_micros_ = now_micros;
  manual_clock_ = true;
}

void FaultInjectionEnv::AdvanceMicros(int64_t micros) {
  if (!manual_clock_) SetNowMicros(target_->NowMicros());
  now_micros_ += micros;
  monotonic_micros_ += std::max<int64_t>(0, micros);
}

int64_t FaultInjectionEnv::NowMicros() { return manual_clock_ ? now_micros_.load() : target_->NowMicros(); }

MonotonicTime FaultInjectionEnv::MonotonicNow() {
  if (!manual_clock_) return target_->MonotonicNow();
  return MonotonicTime(std::chrono::microseconds(monotonic_micros_.load()));
}

}  // namespace sluice
