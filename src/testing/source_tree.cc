#include "testing/source_tree.h"

#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#ifndef SLUICE_TEST_BIN
#define SLUICE_TEST_BIN ""
#endif
#ifndef SLUICE_TEST_SOURCE_DIR
#define SLUICE_TEST_SOURCE_DIR ""
#endif

namespace sluice::testing {

namespace {

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  if (v != nullptr && *v != '\0') return v;
  if (fallback != nullptr && *fallback != '\0') return fallback;
  throw std::runtime_error(fmt::format("${} is not set: run the tests through CTest", name));
}

}  // namespace

std::string SourceDir() { return EnvOr("SLUICE_SOURCE_DIR", SLUICE_TEST_SOURCE_DIR); }
std::string SluiceBin() { return EnvOr("SLUICE_BIN", SLUICE_TEST_BIN); }

}  // namespace sluice::testing
