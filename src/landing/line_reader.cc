#include "landing/line_reader.h"

#include <cstring>

namespace sluice {

namespace {
constexpr size_t kChunk = 1 << 20;
}

LineReader::LineReader(std::unique_ptr<ByteSource> source, size_t max_line)
    : source_(std::move(source)), max_line_(max_line), buf_(kChunk + kLinePadding) {}

Status LineReader::Fill() {
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buf_.size() - end_ < kChunk / 2 + kLinePadding) buf_.resize(buf_.size() * 2);
  ASSIGN_OR_RETURN(size_t got, source_->Read(buf_.data() + end_, buf_.size() - kLinePadding - end_));
  if (got == 0) eof_ = true;
  end_ += got;
  return Status::Ok();
}

Result<bool> LineReader::Next(Line* line) {
  size_t scanned = begin_;
  while (true) {
    const char* start = buf_.data() + begin_;
    const void* nl = std::memchr(buf_.data() + scanned, '\n', end_ - scanned);
    if (nl != nullptr || (eof_ && end_ > begin_)) {
      const size_t len = nl ? static_cast<const char*>(nl) - start : end_ - begin_;
      line->text = std::string_view(start, len);
      if (!line->text.empty() && line->text.back() == '\r') line->text.remove_suffix(1);
      line->number = ++number_;
      line->too_long = line->text.size() > max_line_;
      if (line->too_long) line->text = line->text.substr(0, std::min<size_t>(max_line_, 1024));
      begin_ += len + (nl ? 1 : 0);
      return true;
    }
    if (eof_) return false;
    if (end_ - begin_ > max_line_) {
      // Hand out the first bytes and drop the rest of this line as it streams by.
      line->text = std::string_view(start, std::min<size_t>(max_line_, 1024));
      line->number = ++number_;
      line->too_long = true;
      std::string head(line->text);
      begin_ = end_;
      while (true) {
        RETURN_IF_ERROR(Fill());
        const void* skip_nl = std::memchr(buf_.data() + begin_, '\n', end_ - begin_);
        if (skip_nl) { begin_ = static_cast<const char*>(skip_nl) - buf_.data() + 1; break; }
        begin_ = end_;
        if (eof_) break;
      }
      // The head was overwritten by Fill; keep a copy where the view can point.
      head_ = std::move(head);
      line->text = head_;
      return true;
    }
    scanned = end_;
    const size_t offset = scanned - begin_;
    RETURN_IF_ERROR(Fill());
    scanned = begin_ + offset;
  }
}

}  // namespace sluice
