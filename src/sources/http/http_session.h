// One HTTP/1.1 connection (plain or TLS): reads requests, hands them to the
// RequestHandler, writes the responses in order, keeps the connection alive.
//
// Limits that keep slow or hostile clients from holding the server: each
// request (header and body) must arrive within `read_timeout` of the wait
// for it starting, a response must be taken within `write_timeout`, headers
// are capped at `header_limit` bytes (431) and bodies at `max_body` (413).
// Protocol errors answer 400 and close. The connection closes after any
// error response it cannot resynchronise from, and once the server stops
// accepting.
//
// A session lives on its own strand. Each request is counted in
// InFlightRequests from the moment its body is read until its response is
// written, which is what HttpSource::Stop waits for.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "sources/http/request_handler.h"

namespace sluice {

class InFlightRequests {
 public:
  void Begin() { count_.fetch_add(1); }
  void End() {
    if (count_.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(mu_);
      idle_.notify_all();
    }
  }
  void WaitIdle() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return count_.load() == 0; });
  }

 private:
  std::atomic<int> count_{0};  // seq_cst: ordered against RequestHandler::stopping()
  std::mutex mu_;
  std::condition_variable idle_;
};

// What every session shares. Owned by HttpSource; outlives every session.
struct SessionContext {
  RequestHandler* handler = nullptr;
  InFlightRequests* in_flight = nullptr;
  size_t max_body = 16u << 20;
  size_t header_limit = 16u << 10;
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
};

// Starts serving an accepted connection; `tls` null for plain HTTP. The
// session keeps itself alive through its pending operations.
void StartSession(boost::asio::ip::tcp::socket socket, const SessionContext* context,
                  boost::asio::ssl::context* tls);

}  // namespace sluice
