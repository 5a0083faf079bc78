// The benchmark's report: one line per phase, in the same columns for every
// part (SQLite and PostgreSQL), and the small formatting helpers they share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "child_run.h"

namespace sluice::bench {

// Prints a line to stdout and flushes it, so progress shows while phases run.
void Say(const std::string& line);

std::string Mib(int64_t kib);
std::string Gb(uint64_t bytes);
const char* Verdict(bool pass);
double Rate(int64_t n, double seconds);

// "  sluice load    wall   13.41 s   cpu   10.60 s   other load 0.01 cores   …"
void SayPhase(std::string_view name, double wall, double cpu, double other_cores, const std::string& extra);

// "peak RSS 80.0 MiB", marked as an upper bound when it may be the bench's own.
std::string RssNote(const ChildRun& run);

// The last non-empty line of a file (a child's closing log line).
std::string LastLine(const std::string& path);

}  // namespace sluice::bench
