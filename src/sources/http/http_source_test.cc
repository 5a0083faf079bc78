// The HTTP source in process, request by request: every status code and
// body of the protocol, keep-alive, compressed bodies, /healthz /readyz
// /metrics.
#include <filesystem>

#include "sources/http/http_source_fixture.h"
#include "testing/compression.h"
#include "testing/files.h"
#include "testing/json_corpus.h"

namespace sluice::testing {
namespace {

const Headers kAuth = {{"Authorization", std::string("Bearer ") + kAllKey}};

TEST_F(HttpSourceTest, AcceptsObjectArrayAndNdjsonWith202OnlyAfterLanding) {
  StartSource();
  auto r = Post("Order", "{ \"id\": \"1\", \"customer\": {\"tenant\": \"T001\"} }", "application/json; charset=utf-8");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, R"({"accepted":1})");
  EXPECT_EQ(r->Header("content-type"), "application/json");
  r = Post("Order", R"([{"id":"2"}, {"id":"3","customer":{"tenant":42}}])", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, R"({"accepted":2})");
  r = Post("Refund", "{\"id\": \"4\"}\r\n\r\n{\"id\":\"5\"}\n{\"id\":\"6\"}", "application/x-ndjson");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, R"({"accepted":3})");

  const auto calls = lander_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].type, "Order");
  EXPECT_EQ(calls[0].events[0].line, R"({"id":"1","customer":{"tenant":"T001"}})");
  EXPECT_EQ(calls[0].events[0].tenant, "T001");
  EXPECT_EQ(calls[1].events[0].tenant, "_none");
  EXPECT_EQ(calls[1].events[1].line, R"({"id":"3","customer":{"tenant":42}})");
  EXPECT_EQ(calls[1].events[1].tenant, "42");
  EXPECT_EQ(calls[2].type, "Refund");
  ASSERT_EQ(calls[2].events.size(), 3u);
  EXPECT_EQ(calls[2].events[0].line, "{\"id\": \"4\"}");
}

TEST_F(HttpSourceTest, MissingOrUnknownKeyIs401AndATypeTheKeyMayNotPostIs403) {
  StartSource();
  auto r = Post("Order", "{}", "application/json", {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->body.find(R"("reason":"missing_key")"), std::string::npos) << r->body;
  EXPECT_EQ(r->Header("www-authenticate"), "Bearer");
  r = Post("Order", "{}", "application/json", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->body.find(R"("reason":"unknown_key")"), std::string::npos) << r->body;
  r = Post("Order", "{}", "application/json", {{"X-API-Key", kOrderKey}});
  EXPECT_EQ(r->status, 202) << r->body;
  r = Post("Refund", "{}", "application/json", {{"X-API-Key", kOrderKey}});
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find(R"("reason":"type_not_allowed")"), std::string::npos) << r->body;
  r = Post("Refund", "{}", "application/json", {{"X-API-Key", kAllKey}});
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(lander_.calls().size(), 2u);
}

TEST_F(HttpSourceTest, UnknownTypesAndPathsAre404WrongMethodsAre405) {
  StartSource();
  auto r = Post("Nope", "{}", "application/json");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, R"({"error":"unknown event type 'Nope'","reason":"unknown_type"})");
  EXPECT_EQ(Get("/nowhere")->status, 404);
  EXPECT_EQ(Post("Order/extra", "{}", "application/json")->status, 404);
  r = Get("/v1/events/Order");
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->Header("allow"), "POST");
  TestClient client(port());
  r = client.Send("POST", "/healthz", {});
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->Header("allow"), "GET");
}

TEST_F(HttpSourceTest, MalformedBodyIs400NamingTheLineAndLandsNothing) {
  StartSource();
  auto r = Post("Order", "{\"id\":1}\n{\"id\":\n{\"id\":3}\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find(R"("line":2)"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find(R"("error":"line 2: invalid JSON)"), std::string::npos) << r->body;
  r = Post("Order", R"([{"id":1}, 7])", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find(R"("index":1)"), std::string::npos) << r->body;
  r = Post("Order", "{\"id\":\"\xff\"}\n");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find(R"("line":1)"), std::string::npos) << r->body;
  EXPECT_TRUE(lander_.calls().empty());
}

TEST_F(HttpSourceTest, OversizedBodiesAndEventsAre413) {
  StartSource();
  // Declared too large: answered from the headers, without reading the body.
  TestClient client(port());
  ASSERT_TRUE(client.WriteRaw("POST /v1/events/Order HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              "Authorization: Bearer " + std::string(kAllKey) + "\r\nContent-Length: 10000000\r\n\r\n"));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_FALSE(r->keep_alive);
  EXPECT_TRUE(client.WaitClosed());
  // Small on the wire, too large once decompressed.
  std::string lines;
  while (lines.size() <= config_.http.max_body) lines += "{\"id\":\"" + std::string(100, 'x') + "\"}\n";
  for (auto [encoding, compress] : {std::pair{"gzip", &Gzip}, std::pair{"zstd", &Zstd}}) {
    r = Post("Order", compress(lines), "application/x-ndjson",
             {{"Authorization", std::string("Bearer ") + kAllKey}, {"Content-Encoding", encoding}});
    EXPECT_EQ(r->status, 413) << encoding;
    EXPECT_NE(r->body.find(R"("reason":"body_too_large")"), std::string::npos) << r->body;
  }
  // One event over http.max_event.
  r = Post("Order", "{}\n{\"id\":\"" + std::string(5000, 'x') + "\"}\n");
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find(R"("reason":"event_too_large","line":2)"), std::string::npos) << r->body;
  EXPECT_TRUE(lander_.calls().empty());
}

TEST_F(HttpSourceTest, UnsupportedContentTypeOrEncodingIs415) {
  StartSource();
  EXPECT_EQ(Post("Order", "{}", "text/plain")->status, 415);
  TestClient client(port());
  auto r = client.Send("POST", "/v1/events/Order", kAuth, "{}");  // no Content-Type at all
  EXPECT_EQ(r->status, 415);
  EXPECT_NE(r->body.find("unsupported_content_type"), std::string::npos);
  r = Post("Order", "{}", "application/json", {{"X-API-Key", kAllKey}, {"Content-Encoding", "br"}});
  EXPECT_EQ(r->status, 415);
  EXPECT_NE(r->body.find("unsupported_encoding"), std::string::npos);
}

TEST_F(HttpSourceTest, GzipZstdAndChunkedBodiesAreAccepted) {
  StartSource();
  const std::string lines = "{\"id\":\"a\"}\n{\"id\":\"b\"}\n";
  for (auto [encoding, compress] : {std::pair{"gzip", &Gzip}, std::pair{"zstd", &Zstd}}) {
    auto r = Post("Order", compress(lines), "application/x-ndjson", {{"X-API-Key", kAllKey}, {"Content-Encoding", encoding}});
    EXPECT_EQ(r->status, 202) << encoding << " " << r->body;
  }
  TestClient client(port());
  ASSERT_TRUE(client.WriteRaw(std::string("POST /v1/events/Order HTTP/1.1\r\nHost: x\r\nX-API-Key: ") + kAllKey +
                              "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "b\r\n{\"id\":\"c\"}\n\r\nb\r\n{\"id\":\"d\"}\n\r\n0\r\n\r\n"));
  auto r = client.ReadResponse();
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, R"({"accepted":2})");
  const auto calls = lander_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[1].events[1].line, R"({"id":"b"})");
}

// Chunk extensions are bounded like headers: a long one is refused with 400
// (not read into memory and accepted), a short one is taken.
TEST_F(HttpSourceTest, ChunkExtensionsAreBoundedLikeHeaders) {
  StartSource();
  const std::string head = std::string("POST /v1/events/Order HTTP/1.1\r\nHost: x\r\nX-API-Key: ") + kAllKey +
                           "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n";
  {
    TestClient client(port());
    ASSERT_TRUE(client.WriteRaw(head + "b;name=value\r\n{\"id\":\"c\"}\n\r\n0\r\n\r\n"));
    auto r = client.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 202) << r->body;
  }
  for (const size_t length : {size_t{5000}, size_t{1} << 20}) {  // over the limit; past the read buffer too
    TestClient client(port());
    (void)client.WriteRaw(head + "b;" + std::string(length, 'x') + "\r\n{\"id\":\"d\"}\n\r\n0\r\n\r\n");
    auto r = client.ReadResponse();
    ASSERT_TRUE(r) << length;
    EXPECT_EQ(r->status, 400) << length;
    EXPECT_NE(r->body.find("chunk"), std::string::npos) << r->body;
    EXPECT_TRUE(client.WaitClosed()) << length;
  }
  EXPECT_EQ(lander_.calls().size(), 1u);  // only the short extension's event landed
}

TEST_F(HttpSourceTest, TypeFromXEventTypeHeader) {
  StartSource();
  TestClient client(port());
  auto r = client.Send("POST", "/v1/events",
                       {{"X-API-Key", kAllKey}, {"X-Event-Type", "Refund"}, {"Content-Type", "application/json"}}, "{}");
  EXPECT_EQ(r->status, 202) << r->body;
  r = client.Send("POST", "/v1/events", {{"X-API-Key", kAllKey}, {"Content-Type", "application/json"}}, "{}");
  EXPECT_EQ(r->status, 400);
  ASSERT_EQ(lander_.calls().size(), 1u);
  EXPECT_EQ(lander_.calls()[0].type, "Refund");
}

TEST_F(HttpSourceTest, NotReadyLanderOrLandingFailureIs503WithRetryAfter) {
  StartSource();
  EXPECT_EQ(Get("/readyz")->status, 200);
  lander_.SetReady(false);
  auto r = Post("Order", "{}");
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->Header("retry-after"), "1");
  EXPECT_EQ(Get("/readyz")->status, 503);
  EXPECT_EQ(Get("/healthz")->status, 200);  // alive, just not ready
  lander_.SetReady(true);
  lander_.SetResult(Status::Unavailable("disk full"));
  r = Post("Order", "{}");
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->Header("retry-after"), "1");
  EXPECT_NE(r->body.find("disk full"), std::string::npos) << r->body;
}

TEST_F(HttpSourceTest, HealthReadinessAndPrometheusMetrics) {
  StartSource();
  auto r = Get("/healthz");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"status":"ok"})");
  EXPECT_EQ(Get("/readyz?verbose=1")->status, 200);
  ASSERT_EQ(Post("Order", "{\"id\":\"x\"}\n{}\n")->status, 202);
  ASSERT_EQ(Post("Order", "{}", "application/json", {})->status, 401);
  r = Get("/metrics");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("content-type"), "text/plain; version=0.0.4");
  for (const std::string expected : {R"(sluice_http_events_accepted_total{type="Order"} 2)",
                                     R"(sluice_http_bytes_accepted_total{type="Order"} 12)",
                                     R"(sluice_http_requests_total{status="202"} 1)",
                                     R"(sluice_http_requests_total{status="401"} 1)",
                                     R"(sluice_http_errors_total{reason="missing_key"} 1)",
                                     "sluice_http_request_duration_seconds_bucket{le=\"+Inf\"}"}) {
    EXPECT_NE(r->body.find(expected), std::string::npos) << expected << "\n" << r->body;
  }
}

TEST_F(HttpSourceTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartSource();
  TestClient client(port());
  const Headers headers = {{"X-API-Key", kAllKey}, {"Content-Type", "application/x-ndjson"}};
  for (int i = 0; i < 5; ++i) {
    auto r = client.Send("POST", "/v1/events/Order", headers, "{\"n\":" + std::to_string(i) + "}\n");
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 202);
    EXPECT_TRUE(r->keep_alive);
    // An error that leaves the stream in sync keeps the connection too.
    r = client.Send("POST", "/v1/events/Order", {}, "{}");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_TRUE(r->keep_alive);
    ASSERT_EQ(client.Send("GET", "/healthz", {})->status, 200);
  }
  EXPECT_EQ(lander_.event_count(), 5u);
}

TEST_F(HttpSourceTest, ExpectContinueGetsA100BeforeTheBody) {
  StartSource();
  TestClient client(port());
  const std::string body = "{\"id\":\"late\"}\n";
  ASSERT_TRUE(client.WriteRaw(std::string("POST /v1/events/Order HTTP/1.1\r\nHost: x\r\nX-API-Key: ") + kAllKey +
                              "\r\nContent-Type: application/x-ndjson\r\nExpect: 100-continue\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n"));
  auto interim = client.ReadResponse(/*skip_interim=*/false);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.WriteRaw(body));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
}

TEST_F(HttpSourceTest, EveryConformanceFileOverHttpNRejectedYObjectsAccepted) {
  config_.http.max_body = config_.http.max_event = 1u << 20;  // the corpus has 100 KB files
  StartSource();
  TestClient client(port());
  int n = 0, y = 0;
  for (const auto& path : JsonCorpusFiles()) {
    const std::string name = path.filename().string();
    const std::string content = ReadFile(path.string());
    const size_t first = content.find_first_not_of(" \t\r\n");
    auto r = client.Send("POST", "/v1/events/Order",
                         {{"X-API-Key", kAllKey}, {"Content-Type", "application/json"}}, content);
    ASSERT_TRUE(r) << name;  // the connection survives every body
    if (name[0] == 'n') {
      ++n;
      EXPECT_EQ(r->status, 400) << name << " " << r->body;
    } else if (name[0] == 'y' && first != std::string::npos && content[first] == '{') {
      ++y;
      EXPECT_EQ(r->status, 202) << name << " " << r->body;
    } else {
      EXPECT_TRUE(r->status == 202 || r->status == 400 || r->status == 413) << name;
    }
  }
  EXPECT_GT(n, 150);
  EXPECT_GT(y, 10);
}

}  // namespace
}  // namespace sluice::testing
