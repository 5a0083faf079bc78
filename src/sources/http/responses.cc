#include "sources/http/responses.h"

#include <fmt/format.h>

#include "base/utf8.h"

namespace sluice {
namespace {

namespace http = boost::beast::http;

}  // namespace

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
  std::string body = fmt::format(R"({{"error":{},"reason":{})", JsonQuote(error.message), JsonQuote(error.reason));
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
