// A throwaway server run by one of the tests' scripts (scripts/pg-cluster.sh,
// scripts/rabbitmq-node.sh): `SCRIPT start DIR` starts it in a folder of its
// own and writes what a client needs there (dsn, url, pid); `down` stops it
// keeping its files, `stop` stops it and removes them.
//
// The server is stopped whatever happens: Stop() at the end of a run, the
// destructor on an early return (keeping the files), and SIGINT/SIGTERM
// while it runs (`down`, then the signal's default action). One at a time:
// the signal handler knows one server.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"

namespace sluice::bench {

class ScriptServer {
 public:
  // Runs `script start dir`, its output appended to `log`; fails (with the
  // end of the log) when the script does. `name` is for messages.
  static Result<std::unique_ptr<ScriptServer>> Start(const std::string& script, const std::string& dir,
                                                     const std::string& log, const std::string& name);
  ScriptServer(const ScriptServer&) = delete;
  ScriptServer& operator=(const ScriptServer&) = delete;
  ~ScriptServer();  // still running: `down`

  const std::string& dir() const { return dir_; }
  // The first line of a file the script wrote in the server's folder.
  std::string FirstLine(const std::string& name) const;
  // Stops the server; removes its files unless `keep_files`.
  Status Stop(bool keep_files);

 private:
  ScriptServer(std::string script, std::string dir, std::string log, std::string name)
      : script_(std::move(script)), dir_(std::move(dir)), log_(std::move(log)), name_(std::move(name)) {}
  Status RunScript(const std::string& command) const;

  std::string script_, dir_, log_, name_;
  bool running_ = false;
};

}  // namespace sluice::bench
