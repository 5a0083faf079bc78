#include "proc_cpu.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace sluice::bench {
namespace {

struct ProcStat {
  int ppid = 0;
  double own_cpu = 0;       // utime + stime
  double children_cpu = 0;  // cutime + cstime: children it has reaped
};

// Reads /proc/PID/stat; false when the process is gone.
bool ReadProcStat(int pid, ProcStat* out) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE* f = std::fopen(path, "r");
  if (!f) return false;
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  // The command name is in parentheses and may hold spaces: fields start
  // after the last ')'. Field 3 is the state, 4 ppid, 14–17 utime, stime,
  // cutime, cstime (proc(5)).
  const std::string text(buf, n);
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return false;
  char state = 0;
  long long ppid = 0, ignored = 0;
  unsigned long long utime = 0, stime = 0;
  long long cutime = 0, cstime = 0;
  const int got = std::sscanf(text.c_str() + close + 1,
                              " %c %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %llu %llu %lld %lld", &state,
                              &ppid, &ignored, &ignored, &ignored, &ignored, &ignored, &ignored, &ignored, &ignored,
                              &ignored, &utime, &stime, &cutime, &cstime);
  if (got != 15) return false;
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  out->ppid = static_cast<int>(ppid);
  out->own_cpu = static_cast<double>(utime + stime) / tick;
  out->children_cpu = static_cast<double>(cutime + cstime) / tick;
  return true;
}

}  // namespace

std::vector<int> ChildPids(int parent) {
  std::vector<int> pids;
  DIR* proc = ::opendir("/proc");
  if (!proc) return pids;
  while (const dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    ProcStat stat;
    if (ReadProcStat(static_cast<int>(pid), &stat) && stat.ppid == parent) pids.push_back(static_cast<int>(pid));
  }
  ::closedir(proc);
  return pids;
}

double TreeCpuSeconds(int root) {
  ProcStat stat;
  if (!ReadProcStat(root, &stat)) return 0;
  double total = stat.own_cpu + stat.children_cpu;
  for (int child : ChildPids(root)) {
    ProcStat c;
    if (ReadProcStat(child, &c)) total += c.own_cpu + c.children_cpu;
  }
  return total;
}

}  // namespace sluice::bench
