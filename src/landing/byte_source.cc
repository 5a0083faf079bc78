#include "landing/byte_source.h"

#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <vector>

namespace sluice {
namespace {

class PlainSource final : public ByteSource {
 public:
  explicit PlainSource(std::unique_ptr<ReadableFile> file) : file_(std::move(file)) {}
  Result<size_t> Read(char* buf, size_t n) override { return file_->Read(buf, n); }

 private:
  std::unique_ptr<ReadableFile> file_;
};

class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ReadableFile> file)
      : file_(std::move(file)), path_(file_->path()), in_(1 << 16) {
    std::memset(&zs_, 0, sizeof zs_);
    inflateInit2(&zs_, 15 + 32);  // gzip header, auto-detected
  }
  ~GzipSource() override { inflateEnd(&zs_); }

  Result<size_t> Read(char* buf, size_t n) override {
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = static_cast<uInt>(n);
    while (zs_.avail_out == n) {
      if (zs_.avail_in == 0) {
        ASSIGN_OR_RETURN(size_t got, file_->Read(in_.data(), in_.size()));
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
  std::unique_ptr<ReadableFile> file_;
  const std::string& path_;
  std::vector<char> in_;
  z_stream zs_;
  bool in_member_ = false;
  size_t offset_ = 0;
};

class ZstdSource final : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ReadableFile> file)
      : file_(std::move(file)), path_(file_->path()), in_(ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {}
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  Result<size_t> Read(char* buf, size_t n) override {
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos == 0) {
      if (input_.pos == input_.size) {
        ASSIGN_OR_RETURN(size_t got, file_->Read(in_.data(), in_.size()));
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
  std::unique_ptr<ReadableFile> file_;
  const std::string& path_;
  std::vector<char> in_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  bool frame_done_ = true;
  size_t offset_ = 0;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenByteSource(Env* env, const std::string& path) {
  ASSIGN_OR_RETURN(auto file, env->OpenReadable(path));
  unsigned char magic[4] = {0, 0, 0, 0};
  ASSIGN_OR_RETURN(const size_t got, file->ReadAt(0, reinterpret_cast<char*>(magic), sizeof magic));
  if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
    return std::unique_ptr<ByteSource>(new GzipSource(std::move(file)));
  if (got == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
    return std::unique_ptr<ByteSource>(new ZstdSource(std::move(file)));
  return std::unique_ptr<ByteSource>(new PlainSource(std::move(file)));
}

}  // namespace sluice
