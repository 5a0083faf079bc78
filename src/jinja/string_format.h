// Python's two string formattings, for templates that build SQL with them:
// str.format ("{}_{:>4}".format(a, b), also the `format` method) and
// printf-style ("%s_%05.2f" % (a, b), also Jinja's `format` filter).
// Format specs follow Python's ([[fill]align][sign][#][0][width][.precision][type]);
// a `,` grouping or an unknown type is an error, never ignored.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"
#include "jinja/value.h"

namespace sluice::jinja {

// str.format(*args, **kwargs). `max_size` bounds widths and the result.
Result<Value> BraceFormat(std::string_view format, const CallArgs& args, size_t max_size);
// format % args: a list supplies the values in order, a dict %(name)s
// fields, anything else the one value.
Result<Value> PercentFormat(std::string_view format, const Value& args, size_t max_size);

}  // namespace sluice::jinja
