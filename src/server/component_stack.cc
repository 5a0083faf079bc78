#include "server/component_stack.h"

#include "base/log.h"

namespace sluice {

Status ComponentStack::Start(std::string name, const std::function<Status()>& start, std::function<void()> stop) {
  Status st = start();
  if (!st.ok()) return st;
  Log("serve")->debug("started {}", name);
  started_.emplace_back(std::move(name), std::move(stop));
  return Status::Ok();
}

void ComponentStack::StopAll() {
  while (!started_.empty()) {
    auto [name, stop] = std::move(started_.back());
    started_.pop_back();
    if (stop) stop();
    Log("serve")->debug("stopped {}", name);
  }
}

}  // namespace sluice
