#include "sources/http/body_decoder.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <memory>

#include <fmt/format.h>

namespace sluice {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

RequestError TooLarge(size_t max_bytes) {
  return {413, reason::kBodyTooLarge,
          fmt::format("the decompressed body is larger than http.max_body ({} bytes)", max_bytes)};
}

RequestError Corrupt(std::string_view what) {
  return {400, reason::kMalformedBody, fmt::format("cannot decompress the body: {}", what)};
}

// Output grows geometrically but never past max_bytes + 1: one byte over the
// cap is enough to know the body is too large.
class CappedOutput {
 public:
  CappedOutput(size_t input_size, size_t max_bytes) : max_bytes_(max_bytes) {
    out_.resize(std::min(Limit(), std::max<size_t>(64u << 10, input_size * 4)));
  }
  size_t Limit() const { return max_bytes_ == SIZE_MAX ? max_bytes_ : max_bytes_ + 1; }
  // Makes room for more output; false once the cap is passed.
  bool Reserve() {
    if (produced_ < out_.size()) return true;
    if (produced_ > max_bytes_) return false;
    out_.resize(std::min(Limit(), std::max<size_t>(out_.size() * 2, 64u << 10)));
    return produced_ < out_.size();
  }
  char* next() { return out_.data() + produced_; }
  size_t room() const { return out_.size() - produced_; }
  void Advance(size_t n) { produced_ += n; }
  bool over() const { return produced_ > max_bytes_; }
  std::string Take() && {
    out_.resize(produced_);
    return std::move(out_);
  }

 private:
  size_t max_bytes_;
  size_t produced_ = 0;
  std::string out_;
};

RequestOutcome Gunzip(std::string* body, size_t max_bytes) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Corrupt("zlib could not start");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  CappedOutput out(body->size(), max_bytes);
  const auto* in = reinterpret_cast<const Bytef*>(body->data());
  size_t in_left = body->size();
  if (in_left == 0) return Corrupt("the gzip stream is empty");
  while (true) {
    if (!out.Reserve()) return TooLarge(max_bytes);
    // zlib counts in uInt: feed and drain in pieces it can count.
    const uInt in_chunk = static_cast<uInt>(std::min<size_t>(in_left, UINT_MAX));
    const uInt out_chunk = static_cast<uInt>(std::min<size_t>(out.room(), UINT_MAX));
    zs.next_in = const_cast<Bytef*>(in);
    zs.avail_in = in_chunk;
    zs.next_out = reinterpret_cast<Bytef*>(out.next());
    zs.avail_out = out_chunk;
    const int ret = inflate(&zs, Z_NO_FLUSH);
    const size_t consumed = in_chunk - zs.avail_in;
    in += consumed;
    in_left -= consumed;
    out.Advance(out_chunk - zs.avail_out);
    if (out.over()) return TooLarge(max_bytes);
    if (ret == Z_STREAM_END) {
      if (in_left == 0) break;
      // Concatenated gzip members are one body (RFC 1952 allows them).
      if (inflateReset(&zs) != Z_OK) return Corrupt("zlib could not reset");
      continue;
    }
    if (ret == Z_BUF_ERROR) {  // no progress possible
      if (in_left == 0) return Corrupt("the gzip stream is truncated");
      if (zs.avail_out > 0) return Corrupt("the gzip stream makes no progress");
      continue;  // output full: grow
    }
    if (ret != Z_OK) return Corrupt(fmt::format("invalid gzip data ({})", zs.msg ? zs.msg : "unknown error"));
  }
  *body = std::move(out).Take();
  return std::nullopt;
}

RequestOutcome Unzstd(std::string* body, size_t max_bytes) {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!dctx) return Corrupt("zstd could not start");
  CappedOutput out(body->size(), max_bytes);
  ZSTD_inBuffer in{body->data(), body->size(), 0};
  if (in.size == 0) return Corrupt("the zstd stream is empty");
  while (true) {
    if (!out.Reserve()) return TooLarge(max_bytes);
    ZSTD_outBuffer ob{out.next(), out.room(), 0};
    const size_t ret = ZSTD_decompressStream(dctx.get(), &ob, &in);
    if (ZSTD_isError(ret)) return Corrupt(fmt::format("invalid zstd data ({})", ZSTD_getErrorName(ret)));
    out.Advance(ob.pos);
    if (out.over()) return TooLarge(max_bytes);
    const bool input_done = in.pos == in.size;
    if (ret == 0 && input_done) break;  // the last frame is complete
    // With room left in the output, zstd has flushed all it could: if it
    // still wants input and there is none, the stream was cut short.
    if (input_done && ob.pos < ob.size) return Corrupt("the zstd stream is truncated");
  }
  *body = std::move(out).Take();
  return std::nullopt;
}

}  // namespace

std::optional<ContentEncoding> ParseContentEncoding(std::string_view header) {
  header = Trim(header);
  if (header.empty() || EqualsIgnoreCase(header, "identity")) return ContentEncoding::kIdentity;
  if (EqualsIgnoreCase(header, "gzip") || EqualsIgnoreCase(header, "x-gzip")) return ContentEncoding::kGzip;
  if (EqualsIgnoreCase(header, "zstd")) return ContentEncoding::kZstd;
  return std::nullopt;
}

RequestOutcome DecodeBody(ContentEncoding encoding, std::string* body, size_t max_bytes) {
  switch (encoding) {
    case ContentEncoding::kIdentity:
      if (body->size() > max_bytes) return TooLarge(max_bytes);
      return std::nullopt;
    case ContentEncoding::kGzip:
      return Gunzip(body, max_bytes);
    case ContentEncoding::kZstd:
      return Unzstd(body, max_bytes);
  }
  return Corrupt("unknown encoding");
}

}  // namespace sluice
