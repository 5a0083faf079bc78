// Splits a ByteSource into NDJSON lines, streaming.
//
// Lines end at '\n'; a trailing '\r' is dropped; the last line needs no
// newline. Each line handed out is followed in memory by at least
// kLinePadding readable bytes, so simdjson can parse it in place. A line
// longer than the limit is reported (with its first bytes) and skipped
// rather than buffered, so memory stays bounded whatever the input.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "landing/byte_source.h"

namespace sluice {

inline constexpr size_t kLinePadding = 64;  // >= SIMDJSON_PADDING
inline constexpr size_t kDefaultMaxLine = 16u << 20;

struct Line {
  std::string_view text;
  int64_t number = 0;     // 1-based
  bool too_long = false;  // text is only the line's first bytes
};

class LineReader {
 public:
  explicit LineReader(std::unique_ptr<ByteSource> source, size_t max_line = kDefaultMaxLine);

  // Next line, or false at the end. The view is valid until the next call.
  Result<bool> Next(Line* line);

 private:
  Status Fill();  // reads more, keeping the unconsumed tail

  std::unique_ptr<ByteSource> source_;
  size_t max_line_;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  int64_t number_ = 0;
  std::string head_;  // the first bytes of a line that was too long
};

}  // namespace sluice
