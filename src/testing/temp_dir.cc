#include "testing/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

namespace sluice::testing {

TempDir::TempDir(const std::string& prefix, const std::string& base) {
  const char* env = std::getenv("TMPDIR");
  const std::string parent = !base.empty() ? base : env && *env ? env : "/tmp";
  std::string pattern = fmt::format("{}/{}-XXXXXX", parent, prefix);
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error(fmt::format("mkdtemp {}: {}", pattern, std::strerror(errno)));
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace sluice::testing
