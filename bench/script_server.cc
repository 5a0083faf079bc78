#include "script_server.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "child_run.h"

namespace sluice::bench {
namespace {

// What the signal handler runs: `script down dir`, prepared beforehand since
// a handler may only call async-signal-safe functions (fork, execv, waitpid).
std::string g_script, g_dir;
char* g_down_argv[4] = {nullptr, nullptr, nullptr, nullptr};

void StopServerAndDie(int sig) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execv(g_down_argv[0], g_down_argv);
    _exit(127);
  }
  if (pid > 0) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void SetStopOnSignal(bool on, const std::string& script, const std::string& dir) {
  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  if (on) {
    g_script = script;
    g_dir = dir;
    static char down[] = "down";
    g_down_argv[0] = g_script.data();
    g_down_argv[1] = down;
    g_down_argv[2] = g_dir.data();
    action.sa_handler = StopServerAndDie;
    action.sa_flags = SA_RESETHAND;
  } else {
    action.sa_handler = SIG_DFL;
  }
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

Result<std::unique_ptr<ScriptServer>> ScriptServer::Start(const std::string& script, const std::string& dir,
                                                          const std::string& log, const std::string& name) {
  std::unique_ptr<ScriptServer> server(new ScriptServer(script, dir, log, name));
  // Set before the start, so that an interrupt during it stops the server too.
  SetStopOnSignal(true, script, dir);
  server->running_ = true;
  RETURN_IF_ERROR(server->RunScript("start"));
  return server;
}

ScriptServer::~ScriptServer() {
  if (running_) (void)Stop(/*keep_files=*/true);
}

Status ScriptServer::RunScript(const std::string& command) const {
  return RunChildChecked({script_, command, dir_}, "/", log_, name_ + " " + command).status();
}

std::string ScriptServer::FirstLine(const std::string& name) const {
  std::ifstream in(dir_ + "/" + name);
  std::string line;
  std::getline(in, line);
  return line;
}

Status ScriptServer::Stop(bool keep_files) {
  if (!running_) return Status::Ok();
  running_ = false;
  Status st = RunScript(keep_files ? "down" : "stop");
  SetStopOnSignal(false, "", "");
  return st;
}

}  // namespace sluice::bench
