// What the serve suites share: a running `sluice serve` child and the port it
// printed once it accepts requests. The server uses the workspace's
// sluice.yaml, so it runs against whichever backend the workspace targets
// (on PostgreSQL: the workspace's schema, see Workspace); two Servers of two
// Workspaces sharing a schema (WorkspaceOptions::pg_schema) share one
// warehouse, each with its own landing folder.
#pragma once

#include "cli_harness.h"

namespace sluice::testing {

class Server {
 public:
  // Starts `sluice -c <config> serve` and waits (60 s at most) for its
  // "listening on" line; port() is 0 if it never came (the child failed).
  explicit Server(const Workspace& ws);
  int port() const { return port_; }
  ChildProcess& process() { return process_; }

 private:
  ChildProcess process_;
  int port_ = 0;
};

// SIGTERM, then the exit code once it has exited (60 s at most; -1 when it
// did not exit cleanly: killed, or the wait timed out).
int Stop(Server& server);

}  // namespace sluice::testing
