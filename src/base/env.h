// Env: the file system and the clock behind one interface, in the spirit of
// LevelDB's Env. Code that touches files or reads the time (landing/,
// loader/, tasks/) goes through an Env it is given, so tests can swap in one
// that injects failures (a full disk, an I/O error) and simulates a power cut
// that loses whatever was not yet made durable (src/testing/).
//
// Durability, as the code relies on it:
//   - bytes appended to a file survive a crash once WritableFile::Sync()
//     (fdatasync) has returned ok;
//   - a file's name (created, renamed, removed) and a folder's name survive a
//     crash once the folder that holds the name has been synced (SyncDir);
//     CreateDirDurably() does that for folders it creates.
//
// Errors come back as Status with a message that names the operation and the
// path, e.g. "cannot write '/data/landing/…': disk full": a full disk (ENOSPC)
// is Unavailable (retryable), a missing file NotFound, an existing one
// AlreadyExists, anything else IOError.
//
// Ownership: Env::Default() lives as long as the process; an Env passed to a
// component must outlive it. File objects are owned by whoever opened them
// and close their file when destroyed.
//
// Thread safety: an Env's methods may be called from any threads at once. A
// file object is used by one thread at a time; it may be handed to another
// thread (the landing writer syncs several files at once on helper threads),
// and different files may be used concurrently.
#pragma once

#include <sys/uio.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice {

// A point on the monotonic clock: for deadlines and back-off, never shown
// as a date. It is std::chrono::steady_clock's, so a deadline can be handed
// to a condition variable.
using MonotonicTime = std::chrono::steady_clock::time_point;

// A file open for writing. Every write goes to the end of the file, also
// after Truncate().
class WritableFile {
 public:
  virtual ~WritableFile() = default;  // closes the file if Close() was not called

  // Appends `pieces` in order with one vectored write (more only past
  // IOV_MAX pieces, or when the system writes less than asked).
  virtual Status AppendPieces(std::span<const iovec> pieces) = 0;
  Status Append(std::string_view data) {
    const iovec piece{const_cast<char*>(data.data()), data.size()};
    return AppendPieces({&piece, 1});
  }
  // fdatasync: every byte appended so far, and the file's size, survive a crash.
  virtual Status Sync() = 0;
  // Cuts the file to `size` bytes (a failed batch's unacknowledged bytes).
  // Not durable before the next Sync().
  virtual Status Truncate(uint64_t size) = 0;
  virtual Status Close() = 0;

  virtual const std::string& path() const = 0;
};

// A file open for reading: sequential reads from the start, and reads at an
// offset that leave the sequential position alone.
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;

  // Up to `n` bytes from the current position; 0 at the end.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // Up to `n` bytes at `offset` (pread); fewer only at the end.
  virtual Result<size_t> ReadAt(uint64_t offset, char* buf, size_t n) = 0;

  virtual const std::string& path() const = 0;
};

enum class WriteMode {
  kCreateNew,   // a new file: AlreadyExists if one is there
  kTruncate,    // a new file, or an existing one emptied
  kAppendOnly,  // an existing file, to append to (NotFound if missing)
};

class Env {
 public:
  virtual ~Env() = default;

  // The real file system and clocks (POSIX calls). Never deleted.
  static Env* Default();

  // ---- files
  virtual Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path, WriteMode mode) = 0;
  virtual Result<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // True if anything (file or folder) has that name; false also when it
  // cannot be looked up.
  virtual bool Exists(const std::string& path) = 0;
  // Replaces `to` if it exists. Both names must be in the same file system.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // NotFound if there is no such file.
  virtual Status RemoveFile(const std::string& path) = 0;
  // Absolute, with `.`, `..` and symbolic links resolved as far as the path
  // exists (std::filesystem::weakly_canonical).
  virtual Result<std::string> ResolvePath(const std::string& path) = 0;

  // ---- folders
  // Creates one folder; ok if it exists. Its parent must exist.
  virtual Status CreateDir(const std::string& dir) = 0;
  // The names in `dir` (files and folders, no "." or ".."), in no order.
  // NotFound if `dir` does not exist.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // The paths of every regular file beneath `dir`, sorted. NotFound if
  // `dir` does not exist.
  virtual Result<std::vector<std::string>> ListFilesRecursively(const std::string& dir) = 0;
  // fsync of the folder: names created, renamed or removed in it survive a crash.
  virtual Status SyncDir(const std::string& dir) = 0;

  // ---- the clock
  // Wall-clock time: microseconds since 1970-01-01 00:00:00 UTC.
  virtual int64_t NowMicros() = 0;
  // For deadlines and back-off: never goes back.
  virtual MonotonicTime MonotonicNow() = 0;
};

// Creates `dir` and every missing parent, syncing the parent of each folder
// it creates, so that the folders survive a crash once it returns. The
// deepest folder of the path that exists already is synced into its parent
// again when it lies below `within`: an earlier call may have created it and
// failed to sync its parent (a full disk), and nothing else would ever make
// it durable. `within` ("" for none) is a folder known to be durable, such
// as the landing zone's root.
Status CreateDirDurably(Env* env, const std::string& dir, const std::string& within = "");

// The whole content of a (small) file.
Result<std::string> ReadFileToString(Env* env, const std::string& path);

// The Status of a failed system call `action` ("cannot write") on `path`
// with errno `err`, mapped as the header says. For Env implementations.
Status FileSystemError(std::string_view action, const std::string& path, int err);

}  // namespace sluice
