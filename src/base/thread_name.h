// Names the calling thread, so that `top -H`, `ps -L` and `perf` show which
// of sluice's threads is busy (Linux keeps at most 15 characters).
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace sluice {

inline void NameThisThread(std::string_view name) {
  const std::string shortened(name.substr(0, 15));
  pthread_setname_np(pthread_self(), shortened.c_str());
}

}  // namespace sluice
