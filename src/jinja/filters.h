// Jinja's builtin filters (`x | name(args)`) that dbt projects use, and
// dbt's own as_bool, as_number, as_text and as_native:
//   text:     lower upper capitalize title trim replace indent format
//             string safe tojson
//   numbers:  int float abs round as_number
//   any:      default (d) length (count) as_bool as_text as_native
//   lists:    first last list unique sort reverse join map select reject
//             selectattr rejectattr sum min max items dictsort
// Every filter but `default` refuses an undefined input. Errors are
// InvalidArgument without a position (the renderer adds it and the filter's
// name): "unknown filter 'slugify'", "cannot compare 'str' and 'int'".
#pragma once

#include <string_view>

#include "base/status.h"
#include "jinja/limits.h"
#include "jinja/value.h"

namespace sluice::jinja {

bool HasFilter(std::string_view name);
// Whether the filter takes an undefined input instead of refusing it.
bool FilterAcceptsUndefined(std::string_view name);
Result<Value> ApplyFilter(std::string_view name, const Value& input, const CallArgs& args, const Limits& limits);

// `value`'s attribute or item at a dotted path ("address.city", "0"), as
// the attribute= arguments of sort, map, selectattr… read it; undefined
// (named by the path) when missing.
Value LookupPath(const Value& value, std::string_view path);

}  // namespace sluice::jinja
