// The Python methods templates call on strings, lists and dicts:
//   str:  upper lower strip lstrip rstrip split rsplit replace startswith
//         endswith format join title capitalize find count isdigit isalpha
//         isalnum isspace isupper islower splitlines
//   list: append extend insert pop remove index count reverse copy
//   dict: items keys values get update pop setdefault copy
// Errors are InvalidArgument without a position (the renderer adds it).
// Changing a frozen list or dict is an error.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/status.h"
#include "jinja/limits.h"
#include "jinja/value.h"

namespace sluice::jinja {

bool HasMethod(const Value& receiver, std::string_view name);
// `limits` bound the strings and lists the method builds.
Result<Value> CallMethod(const Value& receiver, std::string_view name, const CallArgs& args, const Limits& limits);

}  // namespace sluice::jinja
