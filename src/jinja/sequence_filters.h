// The filters on lists (and dicts and strings as sequences), used by the
// filter table in filters.cc. Internal to the jinja library; each has the
// filter table's signature.
#pragma once

#include "base/status.h"
#include "jinja/limits.h"
#include "jinja/value.h"

namespace sluice::jinja {

Result<Value> FirstFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> LastFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> ListFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> LengthFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> UniqueFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> SortFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> ReverseFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> JoinFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> MapFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> SelectFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> RejectFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> SelectAttrFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> RejectAttrFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> SumFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> MinFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> MaxFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> ItemsFilter(const Value& input, const CallArgs& args, const Limits& limits);
Result<Value> DictSortFilter(const Value& input, const CallArgs& args, const Limits& limits);

// The items of a list, the keys of a dict, the characters of a string.
Result<List> SequenceItems(const Value& input);

}  // namespace sluice::jinja
