#include "report.h"

#include <fstream>
#include <iostream>

#include <fmt/format.h>

namespace sluice::bench {

void Say(const std::string& line) { std::cout << line << std::endl; }

std::string Mib(int64_t kib) { return fmt::format("{:.1f} MiB", static_cast<double>(kib) / 1024.0); }

std::string Gb(uint64_t bytes) { return fmt::format("{:.2f} GB", static_cast<double>(bytes) / 1e9); }

const char* Verdict(bool pass) { return pass ? "PASS" : "MISS"; }

double Rate(int64_t n, double seconds) { return seconds > 0 ? static_cast<double>(n) / seconds : 0.0; }

void SayPhase(std::string_view name, double wall, double cpu, double other_cores, const std::string& extra) {
  Say(fmt::format("  {:<14} wall {:8.2f} s   cpu {:8.2f} s   other load {:4.2f} cores   {}", name, wall, cpu,
                  other_cores, extra));
}

std::string RssNote(const ChildRun& run) {
  std::string note = "peak RSS " + Mib(run.max_rss_kib);
  if (run.rss_is_upper_bound())
    note += fmt::format(" (an upper bound: the bench held {} at fork)", Mib(run.parent_rss_kib));
  return note;
}

std::string LastLine(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

}  // namespace sluice::bench
