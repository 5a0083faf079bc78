// The in-process fixture of the HTTP source's tests: a catalog with two
// event types, two API keys, a lander that records what it is given and
// reports from its own thread (like the real one), and a source on an
// ephemeral port.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "base/poll_until.h"
#include "config/config.h"
#include "sources/http/http_source.h"
#include "testing/http_client.h"

namespace sluice::testing {

inline constexpr const char* kAllKey = "key-all-types";
inline constexpr const char* kOrderKey = "key-orders-only";


class TestLander : public EventLander {
 public:
  struct Call {
    std::string type;
    std::vector<IncomingEvent> events;
  };

  TestLander();
  ~TestLander() override;

  void Land(const EventSpec& event, IncomingEvents events, LandedCallback done) override;
  bool Ready() const override { return ready_.load(); }

  void SetReady(bool ready) { ready_.store(ready); }
  void SetResult(Status status);
  // While held, done callbacks wait; Release runs them.
  void Hold();
  void Release();
  size_t waiting() const;
  std::vector<Call> calls() const;
  size_t event_count() const;

 private:
  void Loop();

  std::atomic<bool> ready_{true};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Status result_;
  bool hold_ = false;
  bool stop_ = false;
  std::deque<LandedCallback> queue_;
  std::vector<Call> calls_;
  std::thread thread_;
};

// Order (tenant at customer.tenant) and Refund; keys kAllKey (all types) and
// kOrderKey (Order only); http.max_body 64 KiB, http.max_event 4 KiB.
Config TestConfig();

class HttpSourceTest : public ::testing::Test {
 protected:
  void SetUp() override { config_ = TestConfig(); }
  void StartSource(HttpSourceOptions options = {});
  int port() const { return source_->port(); }

  // POST `body` as `content_type` to /v1/events/`type` with the all-types key.
  std::optional<ClientResponse> Post(const std::string& type, const std::string& body,
                                     const std::string& content_type = "application/x-ndjson",
                                     Headers extra = {{"Authorization", std::string("Bearer ") + kAllKey}});
  std::optional<ClientResponse> Get(const std::string& target);

  Config config_;
  TestLander lander_;
  MetricsRegistry metrics_;
  std::unique_ptr<HttpSource> source_;  // last: stops before the lander goes
};

}  // namespace sluice::testing
