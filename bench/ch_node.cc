#include "ch_node.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "proc_cpu.h"

namespace sluice::bench {
namespace {

bool Executable(const std::string& path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }

std::string OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    if (!dir.empty() && Executable(dir + "/" + name)) return dir + "/" + name;
  return "";
}

}  // namespace

std::string FindClickHouseServer() {
  if (const char* env = std::getenv("CLICKHOUSE_SERVER"); env && *env) return Executable(env) ? env : "";
  if (std::string p = OnPath("clickhouse-server"); !p.empty()) return p;
  if (Executable("/usr/sbin/clickhouse-server")) return "/usr/sbin/clickhouse-server";
  if (std::string p = OnPath("clickhouse"); !p.empty()) return p + " server";
  return "";
}

Result<std::unique_ptr<ChNode>> ChNode::Start(const std::string& script, const std::string& dir,
                                              const std::string& log) {
  ASSIGN_OR_RETURN(auto server, ScriptServer::Start(script, dir, log, "clickhouse-node.sh"));
  std::unique_ptr<ChNode> node(new ChNode(std::move(server)));
  node->url_ = node->server_->FirstLine("url");
  node->pid_ = std::atoi(node->server_->FirstLine("node1/pid").c_str());
  if (node->url_.empty() || node->pid_ <= 0)
    return Status::Internal(fmt::format("clickhouse-node.sh start left no url or node1/pid in {}", dir));
  return node;
}

double ChNode::CpuSeconds() const { return TreeCpuSeconds(pid_); }

}  // namespace sluice::bench
