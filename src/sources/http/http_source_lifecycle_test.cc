// The HTTP source as a server: Start's refusals, TLS, concurrent clients,
// slow and hostile clients, and the StopAccepting → Stop order that lets
// in-flight requests finish.
#include <thread>

#include "sources/http/http_source_fixture.h"
#include "testing/temp_dir.h"
#include "testing/tls_certificate.h"

namespace sluice::testing {
namespace {

TEST_F(HttpSourceTest, WithoutKeysOnlyLoopbackIsAllowed) {
  config_.http.keys.clear();
  config_.http.host = "0.0.0.0";
  HttpSource open_to_all(config_.http, config_.catalog, &lander_, &metrics_);
  const Status st = open_to_all.Start();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("loopback"), std::string::npos) << st.message();

  config_.http.host = "127.0.0.2";  // all of 127.0.0.0/8 is loopback
  HttpSource loopback(config_.http, config_.catalog, &lander_, &metrics_);
  ASSERT_TRUE(loopback.Start().ok());
  loopback.Stop();

  config_.http.host = "127.0.0.1";
  StartSource();
  auto r = Post("Order", "{}", "application/json", {});  // no key needed
  EXPECT_EQ(r->status, 202) << r->body;
}

TEST_F(HttpSourceTest, WithKeysAnyAddressMayBeUsed) {
  config_.http.host = "0.0.0.0";
  StartSource();
  EXPECT_EQ(Post("Order", "{}")->status, 202);
}

TEST_F(HttpSourceTest, StartFailsOnAnAddressInUse) {
  StartSource();
  config_.http.port = port();
  HttpSource second(config_.http, config_.catalog, &lander_, &metrics_);
  const Status st = second.Start();
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.ToString();
}

TEST_F(HttpSourceTest, ServesTlsWhenCertAndKeyAreSet) {
  const TempDir dir;
  const auto tls = MakeTestCertificate(dir.path());
  ASSERT_TRUE(tls) << "openssl could not make a certificate";
  config_.http.tls_cert = tls->cert;
  config_.http.tls_key = tls->key;
  StartSource();
  TestClient client(port(), tls->cert);
  ASSERT_TRUE(client.connected());
  const Headers headers = {{"X-API-Key", kAllKey}, {"Content-Type", "application/json"}};
  for (int i = 0; i < 3; ++i) {  // keep-alive over TLS too
    auto r = client.Send("POST", "/v1/events/Order", headers, R"({"id":"tls"})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 202);
  }
  EXPECT_EQ(lander_.event_count(), 3u);
  // Plain HTTP to the TLS port gets no HTTP answer.
  TestClient plain(port());
  ASSERT_TRUE(plain.connected());
  EXPECT_FALSE(plain.Send("GET", "/healthz", {}));
}

TEST_F(HttpSourceTest, TlsFilesThatDoNotLoadFailStart) {
  const TempDir dir;
  const auto tls = MakeTestCertificate(dir.path());
  ASSERT_TRUE(tls);
  for (const auto& [cert, key] : std::vector<std::pair<std::string, std::string>>{
           {dir.path() + "/missing.pem", tls->key}, {tls->cert, dir.path() + "/missing.pem"}, {tls->key, tls->key}}) {
    config_.http.tls_cert = cert;
    config_.http.tls_key = key;
    HttpSource source(config_.http, config_.catalog, &lander_, &metrics_);
    const Status st = source.Start();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << cert << " " << key << ": " << st.ToString();
  }
}

TEST_F(HttpSourceTest, ConcurrentClientsAreAllAnswered) {
  StartSource();
  constexpr int kClients = 8, kRequests = 25;
  std::atomic<int> accepted{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      TestClient client(port());
      const Headers headers = {{"X-API-Key", kAllKey}, {"Content-Type", "application/x-ndjson"}};
      for (int i = 0; i < kRequests; ++i) {
        auto r = client.Send("POST", "/v1/events/Order", headers,
                             fmt::format("{{\"c\":{},\"i\":{}}}\n{{\"c\":{},\"i\":{}}}\n", c, i, c, i));
        if (r && r->status == 202) ++accepted;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(accepted.load(), kClients * kRequests);
  EXPECT_EQ(lander_.event_count(), 2u * kClients * kRequests);
}

TEST_F(HttpSourceTest, StalledClientsAreCutOffAndOthersStillServed) {
  HttpSourceOptions options;
  // Long enough that a loaded machine's pause between a client's connect and
  // its first bytes does not make it an idle connection instead.
  options.read_timeout = std::chrono::seconds(2);
  StartSource(options);
  TestClient stalled_header(port());
  ASSERT_TRUE(stalled_header.WriteRaw("POST /v1/events/Order HTTP/1.1\r\nHost: x\r\n"));
  TestClient stalled_body(port());
  ASSERT_TRUE(stalled_body.WriteRaw(std::string("POST /v1/events/Order HTTP/1.1\r\nHost: x\r\nX-API-Key: ") + kAllKey +
                                    "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":"));
  TestClient idle(port());
  EXPECT_EQ(Get("/healthz")->status, 200);
  EXPECT_TRUE(stalled_header.WaitClosed());
  EXPECT_TRUE(stalled_body.WaitClosed());
  EXPECT_TRUE(idle.WaitClosed());  // an idle keep-alive connection too
  EXPECT_TRUE(lander_.calls().empty());
  EXPECT_TRUE(PollUntil([&] {
    return metrics_.RenderPrometheus().find(R"(sluice_http_errors_total{reason="read_timeout"} 2)") != std::string::npos;
  }));
}

TEST_F(HttpSourceTest, HostileRequestsGetErrorsNotCrashes) {
  StartSource();
  {
    TestClient client(port());
    ASSERT_TRUE(client.WriteRaw("GET /healthz HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"));
    auto r = client.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
  }
  for (const std::string& raw : std::vector<std::string>{"NOT HTTP AT ALL\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                                "POST /v1/events/Order HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                                "POST /v1/events/Order HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                                std::string("\0\x01\x02\xff\r\n\r\n", 8)}) {
    TestClient client(port());
    ASSERT_TRUE(client.WriteRaw(raw));
    auto r = client.ReadResponse();
    ASSERT_TRUE(r) << raw;
    EXPECT_EQ(r->status, 400) << raw;
    EXPECT_TRUE(client.WaitClosed());
  }
  EXPECT_EQ(Get("/healthz")->status, 200);
}

TEST_F(HttpSourceTest, StopAcceptingRefusesNewWorkAndStopFinishesInFlightRequests) {
  StartSource();
  lander_.Hold();
  TestClient in_flight(port());
  ASSERT_TRUE(in_flight.WriteRaw(std::string("POST /v1/events/Order HTTP/1.1\r\nHost: x\r\nX-API-Key: ") + kAllKey +
                                 "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
  ASSERT_TRUE(PollUntil([&] { return lander_.waiting() == 1; }));

  source_->StopAccepting();
  auto r = Post("Order", "{}");
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->Header("retry-after"), "1");
  EXPECT_NE(r->body.find("stopping"), std::string::npos);
  EXPECT_EQ(Get("/readyz")->status, 503);
  EXPECT_EQ(Get("/healthz")->status, 200);

  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    source_->Stop();
    stopped = true;
  });
  EXPECT_FALSE(stopped.load());  // it waits for the held request
  lander_.Release();
  r = in_flight.ReadResponse();
  stopper.join();  // hangs (and the test times out) if Stop dropped the request
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_FALSE(r->keep_alive);
  EXPECT_TRUE(stopped.load());
  EXPECT_FALSE(TestClient(port()).connected());  // the listener is closed
  source_->Stop();  // idempotent
}

}  // namespace
}  // namespace sluice::testing
