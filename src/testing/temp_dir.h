// A temporary folder for one test (or one fixture), removed with everything
// in it when the object goes. Each one is fresh (mkdtemp), so tests that run
// in parallel, or the same test run twice, never share one.
#pragma once

#include <string>

namespace sluice::testing {

class TempDir {
 public:
  // <base>/<prefix>-XXXXXX, under `base` when given, else $TMPDIR, else
  // /tmp. Throws std::runtime_error naming the folder if it cannot be made.
  explicit TempDir(const std::string& prefix = "sluice-test", const std::string& base = "");
  // Removes the folder and its contents; errors are ignored (a test's own
  // assertions say what failed, and the system cleans temp folders anyway).
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace sluice::testing
