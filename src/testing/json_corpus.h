// The public JSON conformance corpus (nst/JSONTestSuite's test_parsing, see
// ../shared/testdata/README.md) that every JSON entry point is tested
// against: files starting y_ must parse, n_ must be rejected, i_ are
// implementation-defined.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sluice::testing {

// ../shared/testdata/json-test-suite/test_parsing beside the repository
// (SourceDir()).
std::string JsonCorpusDir();
// Every file of the corpus, sorted by name, so that a failure names the same
// file first on every run. Throws std::runtime_error when the folder is
// missing (a corpus test must never pass by finding nothing).
std::vector<std::filesystem::path> JsonCorpusFiles();

}  // namespace sluice::testing
