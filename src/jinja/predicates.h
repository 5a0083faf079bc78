// Jinja's tests, the `x is name(args)` of templates (and of the select,
// reject, selectattr and rejectattr filters):
//   defined undefined none string number integer float boolean true false
//   mapping iterable sequence callable odd even divisibleby lower upper
//   eq equalto == ne != lt < le <= gt > ge >= greaterthan lessthan in sameas
// Errors are InvalidArgument without a position: "unknown test 'x'", or an
// argument the test cannot use.
#pragma once

#include <string_view>

#include "base/status.h"
#include "jinja/value.h"

namespace sluice::jinja {

bool HasTest(std::string_view name);
Result<bool> ApplyTest(std::string_view name, const Value& value, const CallArgs& args);

}  // namespace sluice::jinja
