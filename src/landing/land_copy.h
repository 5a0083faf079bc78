// Copying a file's content into the landing zone, compressed, while
// computing the checksum that makes loads exactly-once.
#pragma once

#include <cstdint>
#include <string>

#include "base/env.h"
#include "base/status.h"
#include "landing/landed_file_writer.h"

namespace sluice {

struct CopiedContent {
  std::string checksum;  // XXH3-128 of the uncompressed content, 32 hex digits
  uint64_t bytes = 0;    // uncompressed
};

// Streams the (possibly compressed) file at `path` into `writer`; the caller
// then Finish()es or Abort()s the writer.
Result<CopiedContent> CopyIntoLanding(Env* env, const std::string& path, LandedFileWriter* writer);

// The checksum alone, without writing anything.
Result<std::string> ContentChecksum(Env* env, const std::string& path);

}  // namespace sluice
