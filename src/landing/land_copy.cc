#include "landing/land_copy.h"

#include <xxhash.h>

#include <vector>

#include "landing/byte_source.h"

namespace sluice {
namespace {

template <typename Fn>
Result<CopiedContent> StreamContent(Env* env, const std::string& path, Fn&& fn) {
  ASSIGN_OR_RETURN(auto source, OpenByteSource(env, path));
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  std::vector<char> buf(1 << 20);
  CopiedContent copied;
  Status status;
  while (true) {
    auto got = source->Read(buf.data(), buf.size());
    if (!got.ok()) {
      status = got.status();
      break;
    }
    if (*got == 0) break;
    XXH3_128bits_update(state, buf.data(), *got);
    copied.bytes += *got;
    status = fn(buf.data(), *got);
    if (!status.ok()) break;
  }
  const XXH128_hash_t digest = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  if (!status.ok()) return status;
  copied.checksum = fmt::format("{:016x}{:016x}", digest.high64, digest.low64);
  return copied;
}

}  // namespace

Result<CopiedContent> CopyIntoLanding(Env* env, const std::string& path, LandedFileWriter* writer) {
  return StreamContent(env, path, [&](const char* data, size_t n) { return writer->Write(std::string_view(data, n)); });
}

Result<std::string> ContentChecksum(Env* env, const std::string& path) {
  ASSIGN_OR_RETURN(CopiedContent copied, StreamContent(env, path, [](const char*, size_t) { return Status::Ok(); }));
  return copied.checksum;
}

}  // namespace sluice
