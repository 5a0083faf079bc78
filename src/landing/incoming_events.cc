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
