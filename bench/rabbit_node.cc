#include "rabbit_node.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "proc_cpu.h"

namespace sluice::bench {

Result<std::unique_ptr<RabbitNode>> RabbitNode::Start(const std::string& script, const std::string& dir,
                                                      const std::string& log) {
  ASSIGN_OR_RETURN(auto server, ScriptServer::Start(script, dir, log, "rabbitmq-node.sh"));
  std::unique_ptr<RabbitNode> node(new RabbitNode(std::move(server)));
  node->url_ = node->server_->FirstLine("url");
  node->vm_pid_ = std::atoi(node->server_->FirstLine("pid").c_str());
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

double RabbitNode::CpuSeconds() const { return vm_pid_ > 0 ? TreeCpuSeconds(vm_pid_) : 0; }

}  // namespace sluice::bench
