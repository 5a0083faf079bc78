// Where a test finds what it runs and reads: the repository (examples/,
// scripts/, the JSON corpus beside it) and the `sluice` binary.
//
// CTest sets $SLUICE_SOURCE_DIR and $SLUICE_BIN (sluice_test() in the
// top-level CMakeLists.txt); the values CMake compiled into this library are
// the fallback, so that a test binary also runs by hand.
#pragma once

#include <string>

namespace sluice::testing {

// The repository's root. Throws std::runtime_error when neither the
// variable nor the compiled-in value is there.
std::string SourceDir();
// The `sluice` binary to run. Throws like SourceDir.
std::string SluiceBin();

}  // namespace sluice::testing
