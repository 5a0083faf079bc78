// src/LAYERS read into rules: which level each folder of src/ is on, and
// the exceptions (private sub-folders, test support, named allowances).
// The file's format is explained at the top of src/LAYERS itself.
//
// Paths here are relative to src/ ("sources/common/event_parser.h"); a file
// outside src/ is written from there ("../tests/pg_harness.h").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::layer_check {

// `allow: FROM -> TO`: an include from a file matching FROM of a file
// matching TO is not checked. Each is a path or a folder, `*` matching any
// run of characters.
struct Allow {
  int line = 0;  // in the layer file
  std::string from;
  std::string to;
};

// Where a file belongs.
struct Unit {
  std::string folder;       // "sources/http"; for a private sub-folder "warehouse/sqlite"
  int level = 0;            // 1-based, lowest first
  bool is_private = false;  // only its own files may include it
  std::string parent;       // a private sub-folder's parent, whose level and files it shares
  bool tests_only = false;  // test support: only test files may include it
};

class Layers {
 public:
  // The unit of a file under src/ ("config/config.h"); nullopt when no
  // level names its folder.
  std::optional<Unit> UnitOf(std::string_view path) const;
  // A test file (its name matches a `test-files:` pattern).
  bool IsTestFile(std::string_view path) const;
  const std::vector<Allow>& allows() const { return allows_; }

 private:
  friend struct LayersParser;
  std::vector<std::vector<std::string>> levels_;  // [0] is the lowest
  std::vector<std::string> private_parents_;      // "warehouse" for `private: warehouse/*`
  std::vector<std::string> shared_;               // sub-folders of a private parent that belong to it
  std::vector<std::string> tests_only_;
  std::vector<std::string> test_file_patterns_;
  std::vector<Allow> allows_;
};

struct ParsedLayers {
  Layers layers;
  std::vector<std::string> errors;  // "NAME:LINE: what is wrong"; empty when the file is usable
};

// `name` is how messages refer to the file ("src/LAYERS").
ParsedLayers ParseLayers(std::string_view text, std::string_view name);

// `*` matches any run of characters, `/` included; everything else itself.
bool GlobMatch(std::string_view pattern, std::string_view text);
// The pattern names the path itself or a folder above it.
bool PathMatches(std::string_view pattern, std::string_view path);

}  // namespace sluice::layer_check
