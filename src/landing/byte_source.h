// Reading a file's content whatever its compression.
//
// OpenByteSource looks at the first bytes, not the file name: gzip (1f 8b)
// and zstd (28 b5 2f fd) are decompressed as they are read, anything else is
// read as is. Concatenated gzip members and zstd frames are read in sequence.
// Memory use is a fixed buffer, whatever the file's size.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "base/env.h"
#include "base/status.h"

namespace sluice {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes of uncompressed content; 0 at the end.
  // Corrupt compressed data is a Corruption error naming the file.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

// NotFound if there is no such file.
Result<std::unique_ptr<ByteSource>> OpenByteSource(Env* env, const std::string& path);

}  // namespace sluice
