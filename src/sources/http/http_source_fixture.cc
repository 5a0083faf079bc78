#include "sources/http/http_source_fixture.h"

#include "sources/http/api_keys.h"

namespace sluice::testing {

TestLander::TestLander() : thread_([this] { Loop(); }) {}

TestLander::~TestLander() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    hold_ = false;
  }
  cv_.notify_all();
  thread_.join();
}

void TestLander::Land(const EventSpec& event, IncomingEvents events, LandedCallback done) {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.push_back({event.name, events.List()});
  queue_.push_back(std::move(done));
  cv_.notify_all();
}

void TestLander::SetResult(Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  result_ = std::move(status);
}

void TestLander::Hold() {
  std::lock_guard<std::mutex> lock(mu_);
  hold_ = true;
}

void TestLander::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = false;
  }
  cv_.notify_all();
}

size_t TestLander::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

std::vector<TestLander::Call> TestLander::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

size_t TestLander::event_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& c : calls_) n += c.events.size();
  return n;
}

// Reports from this thread, as the real lander reports from a landing thread.
void TestLander::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || (!hold_ && !queue_.empty()); });
    if (queue_.empty() && stop_) return;
    LandedCallback done = std::move(queue_.front());
    queue_.pop_front();
    const Status result = result_;
    lock.unlock();
    done(result);
    lock.lock();
  }
}

Config TestConfig() {
  const std::string yaml = fmt::format(R"(
data_dir: data
http:
  listen: 127.0.0.1:0
  max_body: 64KiB
  max_event: 4KiB
auth:
  keys:
    - {{name: all, sha256: {}}}
    - {{name: orders, sha256: {}, types: [Order]}}
events:
  Order:
    table: orders
    key: [id]
    version: v
    tenant: customer.tenant
    columns:
      id: {{path: id, type: string}}
      v: {{path: v, type: string}}
  Refund:
    table: refunds
    key: [id]
    version: v
    columns:
      id: {{path: id, type: string}}
      v: {{path: v, type: string}}
)",
                                       Sha256Hex(kAllKey), Sha256Hex(kOrderKey));
  auto config = ParseConfig(yaml, "/tmp/sluice-http-test/sluice.yaml");
  if (!config.ok()) ADD_FAILURE() << config.status().message();
  return config.ok() ? *config : Config{};
}

void HttpSourceTest::StartSource(HttpSourceOptions options) {
  source_ = std::make_unique<HttpSource>(config_.http, config_.catalog, &lander_, &metrics_, options);
  const Status st = source_->Start();
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_GT(source_->port(), 0);
}

std::optional<ClientResponse> HttpSourceTest::Post(const std::string& type, const std::string& body,
                                                   const std::string& content_type, Headers extra) {
  TestClient client(port());
  if (!client.connected()) return std::nullopt;
  extra.emplace_back("Content-Type", content_type);
  return client.Send("POST", "/v1/events/" + type, extra, body);
}

std::optional<ClientResponse> HttpSourceTest::Get(const std::string& target) {
  TestClient client(port());
  if (!client.connected()) return std::nullopt;
  return client.Send("GET", target, {});
}

}  // namespace sluice::testing
