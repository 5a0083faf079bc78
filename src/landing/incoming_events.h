// The events of one request, held as the bytes they land as.
//
// Every event is one line of JSON followed by '\n', in the order received,
// all in one buffer: a 1,000-event request costs one allocation, not a
// thousand, and reaches its open file with one write. Consecutive events
// bound for the same tenant folder form a run, the unit the landing writer
// appends to a partition's open file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// One event, copied out (for tests and diagnostics; the hot path uses runs).
struct IncomingEvent {
  std::string tenant;
  std::string line;  // without its '\n'
};

class IncomingEvents {
 public:
  struct Run {
    size_t begin = 0;    // offset into text()
    size_t end = 0;      // one past the last run's '\n'
    std::string tenant;  // partition folder, already safe for a path ("_none" when absent)
  };

  void Reserve(size_t bytes) { text_.reserve(bytes); }
  // `line` must hold no '\n' (the parser guarantees it).
  void Add(std::string_view line, std::string_view tenant);
  // Appends every event of `other`, runs and all (the AMQP source gathers
  // many messages' events into one landing).
  void Append(const IncomingEvents& other);
  void Clear();

  size_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Bytes of event text, without the line ends.
  size_t event_bytes() const { return text_.size() - count_; }
  const std::string& text() const { return text_; }
  const std::vector<Run>& runs() const { return runs_; }

  std::vector<IncomingEvent> List() const;

 private:
  std::string text_;
  std::vector<Run> runs_;
  size_t count_ = 0;
};

}  // namespace sluice
