#include "base/log.h"

#include <mutex>

#include <spdlog/sinks/stdout_sinks.h>

namespace sluice {

std::shared_ptr<spdlog::logger> Log(const std::string& component) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (auto existing = spdlog::get(component)) return existing;
  static auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(component, sink);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace sluice
