#include "serve_harness.h"

#include <signal.h>

#include <regex>

namespace sluice::testing {

Server::Server(const Workspace& ws) : process_({SluiceBin(), "-c", ws.config_path(), "serve"}, RunOptions{}) {
  static const std::regex kListening(R"(listening on http://127\.0\.0\.1:(\d+))");
  PollUntil(
      [&] {
        std::smatch m;
        const std::string out = process_.Stdout();
        if (std::regex_search(out, m, kListening)) port_ = std::stoi(m[1]);
        return port_ > 0 || !process_.Running();
      },
      std::chrono::seconds(60));
}

int Stop(Server& server) {
  server.process().Kill(SIGTERM);
  return server.process().Wait(std::chrono::seconds(60)).exit_code;
}

}  // namespace sluice::testing
