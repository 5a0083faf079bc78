// FaultInjectionEnv: the Env tests use to break things on purpose, in the
// spirit of LevelDB's FaultInjectionTestEnv. Files are real (under whatever
// folder the test uses, best a tmpfs); on top of them it
//
//   - keeps track of what a power cut would leave: bytes appended to a file
//     are durable once the file is synced; a name created, renamed or
//     removed (files and folders alike) is durable once the folder holding
//     it is synced (a rename between folders needs both). Nothing is synced
//     for real: a test gets durability's bookkeeping, not its cost;
//   - SimulateCrash() then makes the files on disk what the power cut leaves:
//     every file is cut back to its durable bytes, and every create, rename
//     and remove not yet durable is undone, newest first (a removed file comes
//     back with its durable bytes, a replaced one with its old content, a
//     folder created in vain goes with all it holds);
//   - FailCall() makes chosen calls fail with an errno (ENOSPC, EIO…),
//     mapped as the real Env maps it, and CrashAfter() makes every call past
//     a point fail: the moment of the power cut. A failed call changes
//     nothing (a file object being closed still lets go of its descriptor);
//   - the clock is the real one until SetNowMicros(); from then on it moves
//     only when the test moves it (wall and monotonic time alike).
//
// Files that existed before the Env first touched them count as durable.
// Every Env and file call counts as a call (the clock does not); calls are
// serialised, so "the n-th call" is well defined however many threads make
// them. Thread-safe; SimulateCrash() must run while no other thread uses the
// Env (destroy the components first), and leaves it like a fresh one over
// the files that survived.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/env.h"

namespace sluice {

// The calls FailCall() can pick out.
enum class EnvCall {
  kOpenWritable, kOpenReadable, kAppend, kSync, kTruncate, kClose, kRead,
  kFileSize, kExists, kRename, kRemove, kResolvePath,
  kCreateDir, kListDir, kSyncDir,
  kAny,
};

class FaultInjectionEnv final : public Env {
 public:
  // `target` (the real file system and clock) must outlive this Env.
  explicit FaultInjectionEnv(Env* target = Env::Default());
  ~FaultInjectionEnv() override;
  FaultInjectionEnv(const FaultInjectionEnv&) = delete;
  FaultInjectionEnv& operator=(const FaultInjectionEnv&) = delete;

  // ---- failures on demand
  // The `nth` call (from 1) of kind `call` on a path at or under `under`
  // ("" for any path), and the `count - 1` such calls after it, fail with
  // `error`. Exists() fails by answering false. Rules add up.
  void FailCall(EnvCall call, std::string under, int nth, int error, int count = 1);
  // Every call after the `calls`-th (counted from this Env's start, or its
  // last SimulateCrash) fails with IOError.
  void CrashAfter(int64_t calls);
  void CrashNow() { CrashAfter(calls()); }
  int64_t calls() const;
  bool crashed() const;  // the crash point has been reached

  // ---- the power cut
  enum class UnsyncedBytes {
    kDropped,            // every byte not synced is lost
    kRandomPrefixKept,   // a random part of them survives at each file's end, as on a real disk: torn writes
  };
  // Returns the first thing that could not be put back (the test's folder
  // was changed behind this Env's back).
  Status SimulateCrash(UnsyncedBytes unsynced = UnsyncedBytes::kDropped, uint32_t seed = 0);

  // ---- the clock
  void SetNowMicros(int64_t now_micros);  // and from now on the clock is manual
  void AdvanceMicros(int64_t micros);

  // ---- Env
  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path, WriteMode mode) override;
  Result<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  bool Exists(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Result<std::string> ResolvePath(const std::string& path) override;
  Status CreateDir(const std::string& dir) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Result<std::vector<std::string>> ListFilesRecursively(const std::string& dir) override;
  Status SyncDir(const std::string& dir) override;
  int64_t NowMicros() override;
  MonotonicTime MonotonicNow() override;

 private:
  class TrackedWritableFile;
  class TrackedReadableFile;

  // A file written through this Env: its size and how much of it is durable.
  struct FileState {
    uint64_t size = 0;
    uint64_t durable = 0;
  };
  // A change of names not yet durable, and what undoing it needs.
  struct NameChange {
    enum class Kind { kCreateFile, kCreateDir, kRename, kRemove } kind;
    std::string path;                      // created, removed, or renamed from
    std::string to;                        // renamed to
    std::optional<std::string> content;    // of a removed file, or of the file a rename replaced
    std::vector<std::string> unsynced;     // folders whose sync makes it durable
  };
  struct Rule {
    EnvCall call;
    std::string under;
    int nth, error, count;
    int seen = 0;
  };

  // Counts a call and says whether it may go ahead: Ok, or the error it fails with.
  Status Admit(EnvCall call, const std::string& path);  // under mu_
  // A call that changes nothing this Env keeps track of: admitted, then made on the target.
  template <typename Call>
  auto Pass(EnvCall call, const std::string& path, Call&& make) -> decltype(make()) {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Admit(call, path));
    return make();
  }
  // What a crash now would leave of the file at `path`: its durable bytes.
  Result<std::string> DurableContent(const std::string& path);  // under mu_
  Status Undo(const NameChange& change);                        // under mu_
  Status WriteWhole(const std::string& path, const std::string& content);  // under mu_

  Env* const target_;
  mutable std::mutex mu_;  // guards all below, and orders every call
  int64_t calls_ = 0;
  std::optional<int64_t> crash_after_;
  std::vector<Rule> rules_;
  std::map<std::string, std::shared_ptr<FileState>> files_;  // by path, normalised
  std::vector<NameChange> changes_;                           // oldest first

  std::atomic<bool> manual_clock_{false};
  std::atomic<int64_t> now_micros_{0};
  std::atomic<int64_t> monotonic_micros_{0};
};

}  // namespace sluice
