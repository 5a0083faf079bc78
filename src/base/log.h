// One logger per component, all writing to stderr through spdlog, each line
// tagged with the component's name: "[2026-11-24 13:00:00.123] [landing] [warning] …".
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace sluice {

std::shared_ptr<spdlog::logger> Log(const std::string& component);

}  // namespace sluice
