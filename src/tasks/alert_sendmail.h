// Hands one message to a sendmail-compatible program: `<program> -i --
// <recipient>…`, the message on its stdin.
//
// The program is started with posix_spawn in a process group of its own,
// with a clean signal mask and no descriptors but stdin, stdout and stderr
// (stdout and stderr are captured together, to quote in errors). Ok only
// when it exits with status 0. Otherwise:
//   NotFound     the program cannot be started (missing, not executable);
//   Unavailable  it exited non-zero or was killed by a signal (the message
//                quotes the start of its output), or it did not finish by
//                `deadline` — then its whole process group is killed.
//                `deadline` is read again while waiting, so one moved
//                earlier (sluice stopping) takes effect at once.
// `deadline` is on `env`'s monotonic clock. Safe to call from several
// threads. SIGPIPE is blocked on the calling thread while writing, so a
// program that exits early cannot kill sluice.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/status.h"

namespace sluice {

Status RunSendmail(Env* env, const std::string& program, const std::vector<std::string>& recipients,
                   std::string_view message, const std::function<MonotonicTime()>& deadline);

// "a@x, b@y" → {"a@x", "b@y"}: alerts.email.to may list several addresses.
std::vector<std::string> SplitRecipients(std::string_view to);

}  // namespace sluice
