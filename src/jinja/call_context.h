// What a native Function gets besides its arguments: the call's position
// for errors and logs, dbt's return(), and a way back into the template's
// names and callables (adapter.dispatch finds and calls macros with it).
//
// A CallContext lives only for the call it is passed to, on the thread
// rendering; a function must not keep it.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "jinja/position.h"
#include "jinja/value.h"

namespace sluice::jinja {

class Environment;
class Renderer;

class CallContext {
 public:
  // `file` empty: a call made by Environment::Call, with no position.
  CallContext(Renderer* renderer, std::string_view file, Position pos, std::string_view callee)
      : renderer_(renderer), file_(file), pos_(pos), callee_(callee) {}
  CallContext(const CallContext&) = delete;
  CallContext& operator=(const CallContext&) = delete;

  // InvalidArgument "file:line:col: message", at the call. Return it as is.
  Status Error(std::string_view message);
  // Writes `message` to the environment's log (dbt's log()), with the
  // call's position; `info` for what dbt shows on the console.
  void Log(std::string_view message, bool info = false) const;
  // dbt's return(): the innermost macro being rendered ends once this call
  // returns, and its call evaluates to `value` instead of its text. Outside
  // a macro the call is an error.
  void Return(Value value);
  // Calls a macro, function or callable object as the template would here
  // (same locals, same depth and step bounds).
  Result<Value> Call(const Value& callee, const CallArgs& args);
  // `name` as the template sees it here: its variables, the render's
  // locals, then the globals; nullptr when nothing has that name.
  const Value* Lookup(std::string_view name) const;
  const Environment& environment() const;

  // "file:line:col" of the call ("" when Environment::Call made it).
  std::string position() const;
  // The name the call was made through ("ref", "adapter.dispatch").
  std::string_view callee() const { return callee_; }

 private:
  friend class Renderer;

  Renderer* renderer_;
  std::string_view file_;
  Position pos_;
  std::string_view callee_;
  std::string positioned_error_;  // the message Error() or Call() produced, passed through unchanged
};

}  // namespace sluice::jinja
