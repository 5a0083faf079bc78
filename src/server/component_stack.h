// Components started in order and stopped in the reverse order, the same
// way on every path: a start that fails part-way, a signal, a destructor.
// Not thread-safe: the thread that starts the components stops them.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace sluice {

class ComponentStack {
 public:
  ComponentStack() = default;
  ComponentStack(const ComponentStack&) = delete;
  ComponentStack& operator=(const ComponentStack&) = delete;
  ~ComponentStack() { StopAll(); }

  // Runs `start`; when it succeeds, `stop` (if any) runs at StopAll, before
  // the stops of the components started earlier. Returns start's status.
  Status Start(std::string name, const std::function<Status()>& start, std::function<void()> stop = {});
  // Stops every started component, the last started first. Idempotent.
  void StopAll();

 private:
  std::vector<std::pair<std::string, std::function<void()>>> started_;
};

}  // namespace sluice
