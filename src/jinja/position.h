// Where something is in a template, and errors that say so.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "base/status.h"

namespace sluice::jinja {

struct Position {
  int line = 1;    // from 1
  int column = 1;  // from 1, in bytes
};

// "file:line:col".
inline std::string FormatPosition(std::string_view file, Position pos) {
  return fmt::format("{}:{}:{}", file, pos.line, pos.column);
}

// InvalidArgument "file:line:col: message": the one shape of every error a
// template causes, parsing or rendering.
inline Status ErrorAt(std::string_view file, Position pos, std::string_view message) {
  return Status::InvalidArgument(fmt::format("{}: {}", FormatPosition(file, pos), message));
}

}  // namespace sluice::jinja
