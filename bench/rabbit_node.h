// A throwaway RabbitMQ broker for the benchmark, run by the tests' own
// scripts/rabbitmq-node.sh (a fresh node in a folder, on free loopback
// ports, its own epmd; the URL is in DIR/url).
//
// The broker is stopped whatever happens (script_server.h). Stop with
// keep_files leaves the node's data (`scripts/rabbitmq-node.sh up DIR`
// starts it again); without, the folder is removed.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "script_server.h"

namespace sluice::bench {

class RabbitNode {
 public:
  // Runs `script start dir`, its output appended to `log`. Fails (with the
  // end of the log) when the script does: no rabbitmq-server, no free port.
  static Result<std::unique_ptr<RabbitNode>> Start(const std::string& script, const std::string& dir,
                                                   const std::string& log);
  RabbitNode(const RabbitNode&) = delete;
  RabbitNode& operator=(const RabbitNode&) = delete;

  const std::string& url() const { return url_; }
  const std::string& version() const { return version_; }
  int vm_pid() const { return vm_pid_; }  // the Erlang VM (beam.smp)

  Status Stop(bool keep_files) { return server_->Stop(keep_files); }

  // CPU seconds used so far by the broker's VM (all its threads).
  double CpuSeconds() const;

 private:
  explicit RabbitNode(std::unique_ptr<ScriptServer> server) : server_(std::move(server)) {}

  std::unique_ptr<ScriptServer> server_;  // stopped (files kept) when this is destroyed running
  std::string url_, version_;
  int vm_pid_ = 0;
};

}  // namespace sluice::bench
