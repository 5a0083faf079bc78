// CPU time of processes from /proc, for work that runs outside the bench
// and its children: the PostgreSQL server's processes, which do much of the
// work on that backend but are not children of the bench.
#pragma once

#include <vector>

namespace sluice::bench {

// The ids of the processes whose parent is `parent` (zombies included).
std::vector<int> ChildPids(int parent);

// CPU seconds (user + system) used so far by `root` and its children: the
// root's own time and that of the children it has reaped (cutime, cstime),
// plus the time of the children alive now. Every process that ever ran
// under `root` is counted once, as long as `root` reaps its children, which
// a PostgreSQL postmaster does. 0 when `root` is gone.
double TreeCpuSeconds(int root);

}  // namespace sluice::bench
