// A minimal blocking HTTP/1.1 client for the serve suites: one request per
// connection (Connection: close), loopback only, with a deadline.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace sluice::testing {

struct HttpResponse {
  int status = 0;  // 0: no response (connection refused, reset or timed out)
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
};

HttpResponse HttpRequest(int port, const std::string& method, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         const std::string& body = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace sluice::testing
