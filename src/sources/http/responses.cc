#include "sources/http/responses.h"

#include <simdjson.h>

#include <fmt/format.h>

namespace sluice {
namespace {

namespace http = boost::beast::http;

// Length of the valid UTF-8 sequence starting at s[i], or 0 if none.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  return simdjson::validate_utf8(s.data() + i, n) ? n : 0;
}

}  // namespace

std::string JsonStringLiteral(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const size_t n = Utf8SequenceLength(text, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out.push_back(c);
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

HttpResponse TextResponse(int status, std::string body, std::string_view content_type, unsigned http_version) {
  HttpResponse res{static_cast<http::status>(status), http_version};
  res.set(http::field::server, "sluice");
  res.set(http::field::content_type, boost::beast::string_view(content_type.data(), content_type.size()));
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse JsonResponse(int status, std::string body, unsigned http_version) {
  return TextResponse(status, std::move(body), "application/json", http_version);
}

HttpResponse ErrorResponse(const RequestError& error, unsigned http_version) {
  std::string body = fmt::format(R"({{"error":{},"reason":{})", JsonStringLiteral(error.message), JsonStringLiteral(error.reason));
  if (error.line > 0) body += fmt::format(R"(,"line":{})", error.line);
  if (error.index >= 0) body += fmt::format(R"(,"index":{})", error.index);
  body += "}";
  HttpResponse res = JsonResponse(error.status, std::move(body), http_version);
  if (error.status == 503) res.set(http::field::retry_after, "1");
  if (error.status == 401) res.set(http::field::www_authenticate, "Bearer");
  if (error.status == 405 && !error.allow.empty()) res.set(http::field::allow, error.allow);
  return res;
}

HttpResponse AcceptedResponse(size_t accepted, unsigned http_version) {
  return JsonResponse(202, fmt::format(R"({{"accepted":{}}})", accepted), http_version);
}

}  // namespace sluice
