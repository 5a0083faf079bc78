#include "jinja/builtins.h"

#include "jinja/call_context.h"
#include "jinja/environment.h"

namespace sluice::jinja {
namespace {

// The entries of dict()'s or namespace()'s arguments, in order.
Result<Dict> EntriesOf(const CallArgs& args, CallContext& ctx, std::string_view function) {
  if (args.positional.size() > 1) {
    return ctx.Error(fmt::format("{}() takes at most 1 positional argument, {} given", function, args.positional.size()));
  }
  Dict dict;
  if (!args.positional.empty()) {
    const Value& source = args.positional[0];
    if (source.is_dict()) {
      dict = source.as_dict();
    } else if (source.is_list()) {
      for (const Value& pair : source.as_list()) {
        if (!pair.is_list() || pair.as_list().size() != 2 || !pair.as_list()[0].is_string()) {
          return ctx.Error(fmt::format("{}() takes a dict or a list of (string key, value) pairs", function));
        }
        dict.Set(pair.as_list()[0].as_string(), pair.as_list()[1]);
      }
    } else {
      return ctx.Error(fmt::format("{}() takes a dict or a list of pairs, not {}", function, source.TypeName()));
    }
  }
  for (const auto& [key, value] : args.keyword) dict.Set(key, value);
  return dict;
}

Result<int64_t> IntArgument(const Value& v, CallContext& ctx) {
  if (v.is_int()) return v.as_int();
  if (v.is_bool()) return int64_t{v.as_bool()};
  return ctx.Error(fmt::format("range() takes integers, not {}", v.TypeName()));
}

}  // namespace

Value RangeFunction() {
  return Value::FromFunction("range", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
    if (args.positional.empty() || args.positional.size() > 3 || !args.keyword.empty()) {
      return ctx.Error("range() takes 1 to 3 integers");
    }
    int64_t start = 0;
    int64_t stop = 0;
    int64_t step = 1;
    if (args.positional.size() == 1) {
      ASSIGN_OR_RETURN(stop, IntArgument(args.positional[0], ctx));
    } else {
      ASSIGN_OR_RETURN(start, IntArgument(args.positional[0], ctx));
      ASSIGN_OR_RETURN(stop, IntArgument(args.positional[1], ctx));
      if (args.positional.size() == 3) {
        ASSIGN_OR_RETURN(step, IntArgument(args.positional[2], ctx));
      }
    }
    if (step == 0) return ctx.Error("range() step must not be zero");
    // The count first, in unsigned arithmetic: stop - start may not fit in int64.
    uint64_t count = 0;
    if (step > 0 && stop > start) {
      count = (static_cast<uint64_t>(stop) - static_cast<uint64_t>(start) - 1) / static_cast<uint64_t>(step) + 1;
    } else if (step < 0 && stop < start) {
      count = (static_cast<uint64_t>(start) - static_cast<uint64_t>(stop) - 1) / (0 - static_cast<uint64_t>(step)) + 1;
    }
    const size_t max_items = ctx.environment().limits().max_list_items;
    if (count > max_items) return ctx.Error(fmt::format("range() of {} items, more than {}", count, max_items));
    List items;
    items.reserve(count);
    int64_t v = start;
    for (uint64_t i = 0; i < count; ++i, v += (i < count ? step : 0)) items.emplace_back(v);
    return Value::FromList(std::move(items));
  });
}

Value DictFunction() {
  return Value::FromFunction("dict", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
    ASSIGN_OR_RETURN(Dict dict, EntriesOf(args, ctx, "dict"));
    return Value::FromDict(std::move(dict));
  });
}

Value NamespaceFunction() {
  return Value::FromFunction("namespace", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
    ASSIGN_OR_RETURN(Dict dict, EntriesOf(args, ctx, "namespace"));
    return Value::Namespace(std::move(dict));
  });
}

}  // namespace sluice::jinja
