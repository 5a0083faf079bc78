// The global functions every template has, as Jinja's: range(), dict() and
// namespace(). Environment's constructor installs them; SetGlobal may
// replace them.
#pragma once

#include "jinja/value.h"

namespace sluice::jinja {

// range(stop), range(start, stop[, step]): a list, at most
// Limits::max_list_items long.
Value RangeFunction();
// dict(mapping_or_pairs, **kwargs): a new dict.
Value DictFunction();
// namespace(mapping, **kwargs): an object whose attributes {% set ns.x %}
// may change; carries values out of a loop's scope.
Value NamespaceFunction();

}  // namespace sluice::jinja
