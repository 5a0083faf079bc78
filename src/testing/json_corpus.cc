#include "testing/json_corpus.h"

#include <algorithm>
#include <stdexcept>

#include "testing/source_tree.h"

namespace sluice::testing {

namespace fs = std::filesystem;

std::string JsonCorpusDir() {
  return (fs::path(SourceDir()) / "../shared/testdata/json-test-suite/test_parsing").lexically_normal().string();
}

std::vector<fs::path> JsonCorpusFiles() {
  const std::string dir = JsonCorpusDir();
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) files.push_back(entry.path());
  if (ec) throw std::runtime_error("the JSON conformance corpus is missing: " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace sluice::testing
