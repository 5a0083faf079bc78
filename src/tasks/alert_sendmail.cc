#include "tasks/alert_sendmail.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "base/text.h"

extern char** environ;

namespace sluice {
namespace {

constexpr size_t kMaxOutput = 2048;  // of the program's stdout+stderr, quoted in errors

// Closes on scope exit; -1 means closed.
struct Fd {
  int fd = -1;
  ~Fd() { Close(); }
  void Close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// While alive, SIGPIPE is blocked on this thread: a write to a pipe whose
// reader has gone fails with EPIPE instead of killing the process. A
// SIGPIPE raised meanwhile is consumed before the old mask comes back.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    const timespec zero{};
    while (sigtimedwait(&pipe_, nullptr, &zero) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_, old_;
};

int MillisUntil(MonotonicTime now, MonotonicTime deadline, int at_most) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, at_most));
}

std::string QuoteOutput(const std::string& output) {
  std::string text(TrimWhitespace(output));
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text.empty() ? "" : ": " + text;
}

}  // namespace

std::vector<std::string> SplitRecipients(std::string_view to) {
  std::vector<std::string> out;
  while (!to.empty()) {
    const size_t comma = to.find(',');
    const std::string_view one = TrimWhitespace(to.substr(0, comma));
    if (!one.empty()) out.emplace_back(one);
    if (comma == std::string_view::npos) break;
    to.remove_prefix(comma + 1);
  }
  return out;
}

Status RunSendmail(Env* env, const std::string& program, const std::vector<std::string>& recipients,
                   std::string_view message, const std::function<MonotonicTime()>& deadline) {
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return Status::IOError(fmt::format("cannot make a pipe: {}", strerror(errno)));
  Fd in_read{in_pipe[0]}, in_write{in_pipe[1]};
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Status::IOError(fmt::format("cannot make a pipe: {}", strerror(errno)));
  Fd out_read{out_pipe[0]}, out_write{out_pipe[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_read.fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.fd, 1);
  posix_spawn_file_actions_adddup2(&actions, out_write.fd, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
  // Sockets and files other threads opened without O_CLOEXEC stay ours.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif

  // Its own process group, so a timeout kills whatever it started too; and
  // none of the signal settings of `sluice serve` (which blocks SIGINT and
  // SIGTERM to sigwait for them).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigemptyset(&defaults);
  for (const int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<std::string> args = {program, "-i", "--"};
  args.insert(args.end(), recipients.begin(), recipients.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawned != 0)
    return Status::NotFound(fmt::format("cannot run sendmail program '{}': {}", program, strerror(spawned)));
  in_read.Close();
  out_write.Close();
  fcntl(in_write.fd, F_SETFL, O_NONBLOCK);
  fcntl(out_read.fd, F_SETFL, O_NONBLOCK);

  SigpipeBlock sigpipe_block;
  size_t written = 0;
  std::string output;
  int wait_status = 0;
  bool timed_out = false;
  if (message.empty()) in_write.Close();
  for (;;) {
    const pid_t reaped = waitpid(pid, &wait_status, WNOHANG);
    if (reaped == pid) break;
    if (reaped < 0 && errno != EINTR)
      return Status::Unavailable(
          fmt::format("cannot learn how sendmail program '{}' exited: {}", program, strerror(errno)));
    const MonotonicTime give_up = deadline();
    const MonotonicTime now = env->MonotonicNow();
    if (now >= give_up) {
      kill(-pid, SIGKILL);
      while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
      }
      timed_out = true;
      break;
    }
    // Without a descriptor for the child's exit, look again every 10 ms.
    pollfd fds[2];
    nfds_t n = 0;
    if (in_write.fd >= 0) fds[n++] = {in_write.fd, POLLOUT, 0};
    if (out_read.fd >= 0) fds[n++] = {out_read.fd, POLLIN, 0};
    if (poll(fds, n, MillisUntil(now, give_up, 10)) < 0 && errno != EINTR)
      return Status::IOError(fmt::format("poll: {}", strerror(errno)));
    if (in_write.fd >= 0) {
      const ssize_t w = write(in_write.fd, message.data() + written, message.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (written == message.size() || (w < 0 && errno != EAGAIN && errno != EINTR)) in_write.Close();
    }
    while (out_read.fd >= 0) {
      char buf[4096];
      const ssize_t r = read(out_read.fd, buf, sizeof buf);
      if (r > 0) {
        output.append(buf, std::min(static_cast<size_t>(r), kMaxOutput - std::min(kMaxOutput, output.size())));
        continue;
      }
      if (r == 0 || (errno != EAGAIN && errno != EINTR)) out_read.Close();
      break;
    }
  }
  // What it wrote just before exiting.
  for (char buf[4096]; out_read.fd >= 0 && output.size() < kMaxOutput;) {
    const ssize_t r = read(out_read.fd, buf, sizeof buf);
    if (r <= 0) break;
    output.append(buf, std::min(static_cast<size_t>(r), kMaxOutput - output.size()));
  }

  if (timed_out)
    return Status::Unavailable(fmt::format("sendmail program '{}' did not exit in time; killed it{}", program,
                                           QuoteOutput(output)));
  if (WIFSIGNALED(wait_status))
    return Status::Unavailable(fmt::format("sendmail program '{}' was killed by signal {} ({}){}", program,
                                           WTERMSIG(wait_status), strsignal(WTERMSIG(wait_status)),
                                           QuoteOutput(output)));
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) != 0)
    return Status::Unavailable(fmt::format("sendmail program '{}' exited with status {}{}", program,
                                           WEXITSTATUS(wait_status), QuoteOutput(output)));
  return Status::Ok();
}

}  // namespace sluice
