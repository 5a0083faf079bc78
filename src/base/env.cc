#include "base/env.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "base/clock.h"

namespace sluice {
namespace fs = std::filesystem;

Status FileSystemError(std::string_view action, const std::string& path, int err) {
  std::string message = fmt::format("{} '{}': {}", action, path, err == ENOSPC ? "disk full" : std::strerror(err));
  switch (err) {
    case ENOSPC: return Status::Unavailable(std::move(message));
    case ENOENT: return Status::NotFound(std::move(message));
    case EEXIST: return Status::AlreadyExists(std::move(message));
    default: return Status::IOError(std::move(message));
  }
}

namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status AppendPieces(std::span<const iovec> pieces) override {
    std::vector<iovec> rest;  // a copy to advance through, made only after a write of part of a piece
    size_t first = 0;
    while (first < pieces.size()) {
      const int count = static_cast<int>(std::min<size_t>(pieces.size() - first, IOV_MAX));
      ssize_t n = ::writev(fd_, pieces.data() + first, count);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return FileSystemError("cannot write", path_, errno);
      const bool wrote_nothing = n == 0;
      while (first < pieces.size() && static_cast<size_t>(n) >= pieces[first].iov_len) {
        n -= static_cast<ssize_t>(pieces[first].iov_len);
        ++first;
      }
      if (n > 0) {
        if (rest.empty()) {
          rest.assign(pieces.begin(), pieces.end());
          pieces = rest;
        }
        rest[first].iov_base = static_cast<char*>(rest[first].iov_base) + n;
        rest[first].iov_len -= static_cast<size_t>(n);
      } else if (wrote_nothing && first < pieces.size()) {
        return FileSystemError("cannot write", path_, EIO);  // a regular file never takes nothing
      }
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return FileSystemError("cannot sync", path_, errno);
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return FileSystemError("cannot truncate", path_, errno);
    return Status::Ok();
  }

  Status Close() override {
    const int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return FileSystemError("cannot close", path_, errno);
    return Status::Ok();
  }

  const std::string& path() const override { return path_; }

 private:
  int fd_;
  const std::string path_;
};

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixReadableFile() override { ::close(fd_); }

  Result<size_t> Read(char* buf, size_t n) override {
    while (true) {
      const ssize_t got = ::read(fd_, buf, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR) return FileSystemError("cannot read", path_, errno);
    }
  }

  Result<size_t> ReadAt(uint64_t offset, char* buf, size_t n) override {
    size_t done = 0;
    while (done < n) {
      const ssize_t got = ::pread(fd_, buf + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return FileSystemError("cannot read", path_, errno);
      if (got == 0) break;
      done += static_cast<size_t>(got);
    }
    return done;
  }

  const std::string& path() const override { return path_; }

 private:
  const int fd_;
  const std::string path_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path, WriteMode mode) override {
    int flags = O_WRONLY | O_APPEND | O_CLOEXEC;
    switch (mode) {
      case WriteMode::kCreateNew: flags |= O_CREAT | O_EXCL; break;
      case WriteMode::kTruncate: flags |= O_CREAT | O_TRUNC; break;
      case WriteMode::kAppendOnly: break;
    }
    const int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return FileSystemError(mode == WriteMode::kAppendOnly ? "cannot open" : "cannot create", path, errno);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path));
  }

  Result<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return FileSystemError("cannot open", path, errno);
    return std::unique_ptr<ReadableFile>(new PosixReadableFile(fd, path));
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return FileSystemError("cannot read the size of", path, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  bool Exists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0)
      return FileSystemError(fmt::format("cannot rename '{}' to", from), to, errno);
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return FileSystemError("cannot remove", path, errno);
    return Status::Ok();
  }

  Result<std::string> ResolvePath(const std::string& path) override {
    std::error_code ec;
    const fs::path resolved = fs::weakly_canonical(path, ec);
    if (ec) return FileSystemError("cannot resolve", path, ec.value());
    return resolved.string();
  }

  Status CreateDir(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return FileSystemError("cannot create folder", dir, errno);
    return Status::Ok();
  }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      names.push_back(it->path().filename().string());
    if (ec) return FileSystemError("cannot list", dir, ec.value());
    return names;
  }

  Result<std::vector<std::string>> ListFilesRecursively(const std::string& dir) override {
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (it->is_regular_file(type_ec)) files.push_back(it->path().string());
    }
    if (ec) return FileSystemError("cannot list", dir, ec.value());
    std::sort(files.begin(), files.end());
    return files;
  }

  Status SyncDir(const std::string& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return FileSystemError("cannot open folder", dir, errno);
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return FileSystemError("cannot sync folder", dir, err);
    return Status::Ok();
  }

  int64_t NowMicros() override { return sluice::NowMicros(); }
  MonotonicTime MonotonicNow() override { return std::chrono::steady_clock::now(); }
};

}  // namespace

Env* Env::Default() {
  static Env* const env = new PosixEnv;  // never deleted: threads may use it until the process exits
  return env;
}

Status CreateDirDurably(Env* env, const std::string& dir, const std::string& within) {
  if (dir.empty()) return Status::Ok();
  const std::string parent = fs::path(dir).parent_path().string();
  if (env->Exists(dir)) {
    const fs::path relative = fs::path(dir).lexically_relative(within);
    const bool below_within = !within.empty() && !relative.empty() && *relative.begin() != ".." && relative != ".";
    return below_within ? env->SyncDir(parent) : Status::Ok();
  }
  if (parent != dir) RETURN_IF_ERROR(CreateDirDurably(env, parent, within));
  RETURN_IF_ERROR(env->CreateDir(dir));
  return env->SyncDir(parent.empty() ? "." : parent);
}

Result<std::string> ReadFileToString(Env* env, const std::string& path) {
  ASSIGN_OR_RETURN(auto file, env->OpenReadable(path));
  std::string text;
  char buf[64 << 10];
  while (true) {
    ASSIGN_OR_RETURN(size_t got, file->Read(buf, sizeof buf));
    if (got == 0) return text;
    text.append(buf, got);
  }
}

}  // namespace sluice
