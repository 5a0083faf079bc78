// The includes of src/ held against src/LAYERS.
//
// An include is resolved as the compiler would find it: next to the file
// (quoted includes only), then under src/, then under tests/ (the test
// targets' include path). One that resolves to none of them (the standard
// library, a third-party or generated header) is not checked.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "layers.h"

namespace sluice::layer_check {

struct Include {
  int line = 0;
  std::string spelled;  // as written between the quotes or brackets
  bool angled = false;
};

// Every `#include` line of a C++ file, in order.
std::vector<Include> ScanIncludes(std::string_view text);

// The files of a repository, by path from its root ("src/base/log.h",
// "tests/pg_harness.h"). Files under src/ are checked and need their text;
// the others only need to exist, for resolving.
using SourceTree = std::map<std::string, std::string>;

struct CheckResult {
  // "src/FILE:LINE: #include "X" points up: …", by file and line, then the
  // layer file's allowances that excuse nothing.
  std::vector<std::string> problems;
  int files = 0;
  int includes = 0;  // those that resolved to a file of the tree
};

// `layers_name` is how messages refer to the layer file ("src/LAYERS").
CheckResult CheckIncludes(const Layers& layers, std::string_view layers_name, const SourceTree& tree);

}  // namespace sluice::layer_check
