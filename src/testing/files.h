// Whole files in and out, for tests: what a test writes as input and reads
// back as output. Failures throw std::runtime_error naming the path (a test
// that cannot set itself up has nothing to assert), except where a function
// says it answers instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::testing {

// The bytes of the file; throws when it cannot be read.
std::string ReadFile(const std::string& path);
// Replaces the file with `content`, making missing parent folders; throws
// when it cannot be written.
void WriteFile(const std::string& path, std::string_view content);
// Regular files under `dir`, recursively, as paths relative to it, sorted;
// empty when `dir` does not exist.
std::vector<std::string> ListFiles(const std::string& dir);
// Size of a file, or -1 when it does not exist.
int64_t FileSize(const std::string& path);

}  // namespace sluice::testing
