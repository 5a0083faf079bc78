// A minimal blocking HTTP/1.1 client for the benchmark's own requests to
// `sluice serve` on 127.0.0.1: one keep-alive connection, a request at a
// time, bodies with Content-Length (what serve answers with). A dependency
// of the bench alone; the collector is measured, not reused.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice::bench {

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpConnection {
 public:
  explicit HttpConnection(int port) : port_(port) {}
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  ~HttpConnection() { Close(); }

  // Sends one request (connecting first when needed) and reads the answer.
  // On an error the connection is closed; the next request reconnects.
  Result<HttpResponse> Request(std::string_view method, std::string_view path, std::string_view content_type,
                               std::string_view body);
  void Close();

 private:
  Status Connect();
  Result<HttpResponse> Exchange(std::string_view request);

  int port_;
  int fd_ = -1;
  std::string pending_;  // bytes read past the last answer
};

}  // namespace sluice::bench
