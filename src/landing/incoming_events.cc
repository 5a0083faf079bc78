#include "landing/incoming_events.h"

namespace sluice {

void IncomingEvents::Add(std::string_view line, std::string_view tenant) {
  const size_t begin = text_.size();
  text_.append(line).push_back('\n');
  ++count_;
  if (!runs_.empty() && runs_.back().tenant == tenant) {
    runs_.back().end = text_.size();
  } else {
    runs_.push_back({begin, text_.size(), std::string(tenant)});
  }
}

void IncomingEvents::Append(const IncomingEvents& other) {
  const size_t offset = text_.size();
  text_.append(other.text_);
  count_ += other.count_;
  for (const Run& run : other.runs_) {
    if (!runs_.empty() && runs_.back().tenant == run.tenant && runs_.back().end == run.begin + offset) {
      runs_.back().end = run.end + offset;
    } else {
      runs_.push_back({run.begin + offset, run.end + offset, run.tenant});
    }
  }
}

void IncomingEvents::Clear() {
  text_.clear();
  runs_.clear();
  count_ = 0;
}

std::vector<IncomingEvent> IncomingEvents::List() const {
  std::vector<IncomingEvent> out;
  out.reserve(count_);
  for (const Run& run : runs_) {
    std::string_view rest(text_.data() + run.begin, run.end - run.begin);
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      out.push_back({run.tenant, std::string(rest.substr(0, nl))});
      rest.remove_prefix(nl + 1);
    }
  }
  return out;
}

}  // namespace sluice
