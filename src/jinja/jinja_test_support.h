// What the jinja tests share: render a source in one call, and see an
// error as text so that a test can compare it whole.
#pragma once

#include <string>
#include <string_view>

#include "jinja/environment.h"

namespace sluice::jinja {

// The output of `source` (named "t.sql") rendered with `locals`, or
// "ERROR: <message>" when parsing or rendering fails.
inline std::string RenderText(const Environment& env, std::string_view source, const Dict& locals = {}) {
  auto tmpl = env.Parse(source, "t.sql");
  if (!tmpl.ok()) return "ERROR: " + tmpl.status().message();
  auto out = env.Render(**tmpl, locals);
  if (!out.ok()) return "ERROR: " + out.status().message();
  return *out;
}

inline std::string RenderText(std::string_view source, const Dict& locals = {}) {
  static const Environment env;
  return RenderText(env, source, locals);
}

}  // namespace sluice::jinja
