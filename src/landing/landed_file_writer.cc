#include "landing/landed_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace sluice {

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("cannot open folder '{}': {}", dir, std::strerror(errno)));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IOError(fmt::format("cannot fsync folder '{}': {}", dir, std::strerror(err)));
  return Status::Ok();
}

LandedFileWriter::~LandedFileWriter() { Abort(); }

void LandedFileWriter::Abort() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_path_.c_str());
    fd_ = -1;
  }
  ZSTD_freeCCtx(cctx_);
  cctx_ = nullptr;
}

Status LandedFileWriter::Open(const std::string& dir, int level) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create folder '{}': {}", dir, ec.message()));
  dir_ = dir;
  std::random_device rd;
  temp_path_ = fmt::format("{}/.tmp-{:016x}", dir, (static_cast<uint64_t>(rd()) << 32) | rd());
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) return Status::IOError(fmt::format("cannot create '{}': {}", temp_path_, std::strerror(errno)));
  cctx_ = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);  // torn or corrupt files are detected on read
  out_.resize(ZSTD_CStreamOutSize());
  return Status::Ok();
}

Status LandedFileWriter::WriteOut(ZSTD_EndDirective mode, std::string_view data) {
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  while (true) {
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    const size_t remaining = ZSTD_compressStream2(cctx_, &out, &in, mode);
    if (ZSTD_isError(remaining)) return Status::Internal(fmt::format("zstd: {}", ZSTD_getErrorName(remaining)));
    size_t written = 0;
    while (written < out.pos) {
      const ssize_t n = ::write(fd_, out_.data() + written, out.pos - written);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return (errno == ENOSPC ? Status::Unavailable("disk full") : Status::IOError("write failed"))
            .WithContext(fmt::format("'{}': {}", temp_path_, std::strerror(errno)));
      }
      written += static_cast<size_t>(n);
    }
    const bool done = mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size;
    if (done) return Status::Ok();
  }
}

Status LandedFileWriter::Write(std::string_view data) { return WriteOut(ZSTD_e_continue, data); }

Status LandedFileWriter::Finish(const std::string& name) {
  RETURN_IF_ERROR(WriteOut(ZSTD_e_end, {}));
  if (::fdatasync(fd_) != 0)
    return Status::IOError(fmt::format("cannot sync '{}': {}", temp_path_, std::strerror(errno)));
  ::close(fd_);
  fd_ = -1;
  const std::string final_path = dir_ + "/" + name;
  if (::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp_path_.c_str());
    return Status::IOError(fmt::format("cannot rename '{}' to '{}': {}", temp_path_, final_path, std::strerror(err)));
  }
  return SyncDir(dir_);
}

}  // namespace sluice
