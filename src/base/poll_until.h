// How tests wait for something to happen: check a condition every few
// milliseconds until it holds or a deadline passes. Never a bare sleep.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace sluice {

// Returns the condition's last value: true as soon as it holds, false if
// `timeout` passed first.
inline bool PollUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the poll interval, inside the deadline
  }
  return condition();
}

}  // namespace sluice
