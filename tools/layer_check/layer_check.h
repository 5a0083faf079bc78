// The layer check of a repository: src/LAYERS, then every include of src/.
#pragma once

#include <ostream>
#include <string>

#include "include_check.h"

namespace sluice::layer_check {

// The C++ files under ROOT/src and ROOT/tests (only src/'s with their text).
SourceTree ReadSourceTree(const std::string& root);

// Prints each problem on a line of its own, then a summary; 0 when there
// are none, 1 when there are, 2 when ROOT/src/LAYERS cannot be used.
int RunLayerCheck(const std::string& root, std::ostream& out);

}  // namespace sluice::layer_check
