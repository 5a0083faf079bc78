#include "rabbit_node.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "child_run.h"
#include "proc_cpu.h"

namespace sluice::bench {
namespace {

// What the signal handler runs: `script down dir`, prepared beforehand since
// a handler may only call async-signal-safe functions (fork, execv, waitpid).
std::string g_script, g_dir;
char* g_down_argv[4] = {nullptr, nullptr, nullptr, nullptr};

void StopBrokerAndDie(int sig) {
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
    action.sa_handler = StopBrokerAndDie;
    action.sa_flags = SA_RESETHAND;
  } else {
    action.sa_handler = SIG_DFL;
  }
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

Status RabbitNode::RunScript(const std::string& command) const {
  return RunChildChecked({script_, command, dir_}, "/", log_, "rabbitmq-node.sh " + command).status();
}

Result<std::unique_ptr<RabbitNode>> RabbitNode::Start(const std::string& script, const std::string& dir,
                                                      const std::string& log) {
  std::unique_ptr<RabbitNode> node(new RabbitNode(script, dir, log));
  // Set before the start, so that an interrupt during it stops the broker too.
  SetStopOnSignal(true, script, dir);
  node->running_ = true;
  RETURN_IF_ERROR(node->RunScript("start"));
  node->url_ = FirstLine(dir + "/url");
  node->vm_pid_ = std::atoi(FirstLine(dir + "/pid").c_str());
  if (node->url_.empty())
    return Status::Internal(fmt::format("rabbitmq-node.sh start left no url in {}", dir));
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir + "/rabbitmq-home/plugins", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("rabbit-", 0) == 0 && name.size() > 7 && std::isdigit(static_cast<unsigned char>(name[7])))
      node->version_ = name.substr(7);
  }
  return node;
}

RabbitNode::~RabbitNode() {
  if (running_) (void)Stop(/*keep_files=*/true);
}

Status RabbitNode::Stop(bool keep_files) {
  if (!running_) return Status::Ok();
  running_ = false;
  Status st = RunScript(keep_files ? "down" : "stop");
  SetStopOnSignal(false, "", "");
  return st;
}

double RabbitNode::CpuSeconds() const { return vm_pid_ > 0 ? TreeCpuSeconds(vm_pid_) : 0; }

}  // namespace sluice::bench
