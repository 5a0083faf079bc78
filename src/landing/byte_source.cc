#include "landing/byte_source.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace sluice {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() { if (fd_ >= 0) ::close(fd_); }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Result<size_t> ReadFd(int fd, const std::string& path, char* buf, size_t n) {
  while (true) {
    const ssize_t got = ::read(fd, buf, n);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno == EINTR) continue;
    return Status::IOError(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  }
}

class PlainSource final : public ByteSource {
 public:
  PlainSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Result<size_t> Read(char* buf, size_t n) override { return ReadFd(fd_.get(), path_, buf, n); }

 private:
  FileDescriptor fd_;
  std::string path_;
};

class GzipSource final : public ByteSource {
 public:
  GzipSource(int fd, std::string path) : fd_(fd), path_(std::move(path)), in_(1 << 16) {
    std::memset(&zs_, 0, sizeof zs_);
    inflateInit2(&zs_, 15 + 32);  // gzip header, auto-detected
  }
  ~GzipSource() override { inflateEnd(&zs_); }

  Result<size_t> Read(char* buf, size_t n) override {
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = static_cast<uInt>(n);
    while (zs_.avail_out == n) {
      if (zs_.avail_in == 0) {
        ASSIGN_OR_RETURN(size_t got, ReadFd(fd_.get(), path_, in_.data(), in_.size()));
        if (got == 0) {
          if (in_member_) return Status::Corruption(fmt::format("'{}': the gzip data is truncated", path_));
          break;
        }
        offset_ += got;
        zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
        zs_.avail_in = static_cast<uInt>(got);
      }
      in_member_ = true;
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
        inflateReset(&zs_);  // a following member, if any
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::Corruption(fmt::format("'{}': corrupt gzip data near byte {}: {}", path_,
                                              offset_ - zs_.avail_in, zs_.msg ? zs_.msg : "inflate failed"));
      }
    }
    return n - zs_.avail_out;
  }

 private:
  FileDescriptor fd_;
  std::string path_;
  std::vector<char> in_;
  z_stream zs_;
  bool in_member_ = false;
  size_t offset_ = 0;
};

class ZstdSource final : public ByteSource {
 public:
  ZstdSource(int fd, std::string path)
      : fd_(fd), path_(std::move(path)), in_(ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {}
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  Result<size_t> Read(char* buf, size_t n) override {
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos == 0) {
      if (input_.pos == input_.size) {
        ASSIGN_OR_RETURN(size_t got, ReadFd(fd_.get(), path_, in_.data(), in_.size()));
        if (got == 0) {
          if (!frame_done_) return Status::Corruption(fmt::format("'{}': the zstd data is truncated", path_));
          break;
        }
        offset_ += got;
        input_ = ZSTD_inBuffer{in_.data(), got, 0};
      }
      const size_t rc = ZSTD_decompressStream(dctx_, &out, &input_);
      if (ZSTD_isError(rc))
        return Status::Corruption(fmt::format("'{}': corrupt zstd data near byte {}: {}", path_,
                                              offset_ - (input_.size - input_.pos), ZSTD_getErrorName(rc)));
      frame_done_ = rc == 0;
    }
    return out.pos;
  }

 private:
  FileDescriptor fd_;
  std::string path_;
  std::vector<char> in_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  bool frame_done_ = true;
  size_t offset_ = 0;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound(fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  unsigned char magic[4] = {0, 0, 0, 0};
  const ssize_t got = ::pread(fd, magic, sizeof magic, 0);
  if (got < 0) {
    ::close(fd);
    return Status::IOError(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  }
  if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return std::unique_ptr<ByteSource>(new GzipSource(fd, path));
  if (got == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
    return std::unique_ptr<ByteSource>(new ZstdSource(fd, path));
  return std::unique_ptr<ByteSource>(new PlainSource(fd, path));
}

}  // namespace sluice
