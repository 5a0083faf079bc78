// The responses the HTTP source sends: JSON bodies, error shapes, headers.
//
// Every error is `{"error": MESSAGE, "reason": REASON}`, plus "line" or
// "index" when it is about one event of the body. 503s carry
// `Retry-After: 1`, 401s `WWW-Authenticate: Bearer`, 405s `Allow`.
// User data in messages is escaped, and bytes that are not valid UTF-8
// become U+FFFD, so a body is always valid JSON.
#pragma once

#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "sources/common/request_error.h"

namespace sluice {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;


HttpResponse JsonResponse(int status, std::string body, unsigned http_version);
HttpResponse TextResponse(int status, std::string body, std::string_view content_type, unsigned http_version);
HttpResponse ErrorResponse(const RequestError& error, unsigned http_version);
// 202 {"accepted": N}
HttpResponse AcceptedResponse(size_t accepted, unsigned http_version);

}  // namespace sluice
