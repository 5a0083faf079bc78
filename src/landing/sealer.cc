#include "landing/sealer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "landing/land_copy.h"
#include "landing/landed_file_writer.h"
#include "landing/layout.h"

namespace sluice {
namespace fs = std::filesystem;

namespace {

// Truncates `path` after its last newline; returns the bytes dropped.
Result<int64_t> DropTornTail(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  struct stat st {};
  ::fstat(fd, &st);
  off_t end = st.st_size;
  std::vector<char> buf(64 << 10);
  off_t keep = 0;
  while (end > 0) {
    const off_t start = std::max<off_t>(0, end - static_cast<off_t>(buf.size()));
    const ssize_t got = ::pread(fd, buf.data(), static_cast<size_t>(end - start), start);
    if (got <= 0) break;
    const void* nl = memrchr(buf.data(), '\n', static_cast<size_t>(got));
    if (nl) {
      keep = start + (static_cast<const char*>(nl) - buf.data()) + 1;
      break;
    }
    end = start;
  }
  const int64_t dropped = st.st_size - keep;
  if (dropped > 0 && (::ftruncate(fd, keep) != 0 || ::fdatasync(fd) != 0)) {
    const int err = errno;
    ::close(fd);
    return Status::IOError(fmt::format("cannot truncate '{}': {}", path, std::strerror(err)));
  }
  ::close(fd);
  return dropped;
}

}  // namespace

Status Sealer::Seal(const std::string& open_path) {
  const std::string sealed = SealedPathFor(landing_dir_, open_path);
  if (sealed.empty()) return Status::Internal(fmt::format("'{}' is not an open landing file", open_path));
  const fs::path relative_open = fs::path(open_path).lexically_relative(landing_dir_ + "/" + std::string(kOpenFolder));
  const std::string event_type = relative_open.begin()->string();

  LandedFileWriter writer;
  RETURN_IF_ERROR(writer.Open(fs::path(sealed).parent_path().string()));
  ASSIGN_OR_RETURN(CopiedContent copied, CopyIntoLanding(open_path, &writer));
  if (copied.bytes == 0) {
    writer.Abort();
  } else {
    RETURN_IF_ERROR(writer.Finish(fs::path(sealed).filename().string()));
    const std::string landed_as = fs::path(sealed).lexically_relative(data_dir_).string();
    RETURN_IF_ERROR(queue_->Add(event_type, landed_as, copied.checksum, copied.bytes));
  }
  if (::unlink(open_path.c_str()) != 0 && errno != ENOENT)
    return Status::IOError(fmt::format("cannot remove '{}': {}", open_path, std::strerror(errno)));
  return SyncDir(fs::path(open_path).parent_path().string());
}

Result<RecoveryReport> Sealer::RecoverOpenFiles() {
  RecoveryReport report;
  const fs::path open_root = landing_dir_ + "/" + std::string(kOpenFolder);
  std::error_code ec;
  if (!fs::exists(open_root, ec)) return report;
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(open_root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".ndjson") files.push_back(it->path().string());
  }
  if (ec) return Status::IOError(fmt::format("cannot list '{}': {}", open_root.string(), ec.message()));
  for (const auto& file : files) {
    ASSIGN_OR_RETURN(int64_t dropped, DropTornTail(file));
    report.torn_bytes_dropped += dropped;
    RETURN_IF_ERROR(Seal(file));
    ++report.files_sealed;
  }
  return report;
}

}  // namespace sluice
