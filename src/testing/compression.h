// Compressed test inputs: what an application would send with
// Content-Encoding gzip or zstd, or drop into the landing zone as .gz or
// .zst. One gzip member or one zstd frame per call; concatenating two
// results gives two members (frames), which readers must also accept.
// Failures throw std::runtime_error.
#pragma once

#include <string>
#include <string_view>

namespace sluice::testing {

std::string Gzip(std::string_view content);  // level 6, with the gzip header and trailer
std::string Zstd(std::string_view content);  // level 3

}  // namespace sluice::testing
