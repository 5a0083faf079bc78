// Webhook URLs taken apart, and refused with a message naming the URL and
// what is wrong with it.
#include "base/webhook_url.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace sluice {
namespace {

TEST(ParseWebhookUrl, AcceptsHttpAndHttpsWithTheSchemesDefaultPortAndPath) {
  struct Case {
    std::string url, host, target, host_header;
    bool tls;
    int port;
  };
  const Case cases[] = {
      {"http://127.0.0.1:9000/hooks/sluice", "127.0.0.1", "/hooks/sluice", "127.0.0.1:9000", false, 9000},
      {"https://hooks.example.com", "hooks.example.com", "/", "hooks.example.com", true, 443},
      {"HTTP://Example.COM?team=data", "example.com", "/?team=data", "example.com", false, 80},
      {"https://example.com:8443/a/b?c=d#frag", "example.com", "/a/b?c=d", "example.com:8443", true, 8443},
      {"http://[::1]:9000/x", "::1", "/x", "[::1]:9000", false, 9000},
      {"http://example.com:80/", "example.com", "/", "example.com", false, 80},
  };
  for (const Case& c : cases) {
    auto url = ParseWebhookUrl(c.url);
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    EXPECT_EQ(url->host, c.host) << c.url;
    EXPECT_EQ(url->target, c.target) << c.url;
    EXPECT_EQ(url->HostHeader(), c.host_header) << c.url;
    EXPECT_EQ(url->tls, c.tls) << c.url;
    EXPECT_EQ(url->port, c.port) << c.url;
  }
}

TEST(ParseWebhookUrl, RefusesBadUrlsNamingTheUrlAndWhatIsWrong) {
  const std::pair<std::string, std::string> cases[] = {
      {"ftp://example.com/x", "webhook URL 'ftp://example.com/x' must be an http:// or https:// URL"},
      {"example.com/hook", "webhook URL 'example.com/hook' must be an http:// or https:// URL"},
      {"http:///hook", "webhook URL 'http:///hook' has no host"},
      {"http://example.com:/x", "has an empty port after ':'"},
      {"http://example.com:0/x", "has a bad port '0' (1 to 65535)"},
      {"http://example.com:65536/x", "has a bad port '65536' (1 to 65535)"},
      {"http://example.com:80a/x", "has a bad port '80a' (1 to 65535)"},
      {"http://example.com/a b", "contains a space or a control character"},
      {"http://user:secret@example.com/x", "has user info"},
      {"http://exa$mple.com/x", "has a bad character '$' in its host"},
      {"http://::1:9000/x", "write an IPv6 address in brackets"},
      {"http://[::1/x", "without its closing ']'"},
      {"http://caf\xC3\xA9.example/x", "non-ASCII host"},
      {"", "webhook URL is empty"},
  };
  for (const auto& [url, message] : cases) {
    const Status st = ParseWebhookUrl(url).status();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << url;
    EXPECT_NE(st.message().find(message), std::string::npos) << url << " → " << st.message();
  }
}

}  // namespace
}  // namespace sluice
