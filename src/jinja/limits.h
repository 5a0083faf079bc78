// Bounds that keep a hostile or broken template from crashing or hanging
// the process: each is an error naming the limit, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice::jinja {

struct Limits {
  // Blocks and expression levels nested in one template (parser recursion;
  // a parenthesis counts about three).
  int max_nesting = 200;
  // Macros calling macros (recursion), across Environment::Call too.
  int max_call_depth = 100;
  // Statements and expressions being evaluated inside one another on one
  // thread, macro calls included: bounds the stack a render uses.
  int max_render_depth = 1000;
  // Bytes of one render's output, and of any one string it builds.
  size_t max_output_bytes = size_t{64} << 20;
  // Items of any one list a render builds (range(), *, append…).
  size_t max_list_items = 1'000'000;
  // Loop iterations plus calls in one render: bounds the work of a
  // template whose loops or recursion would otherwise run for hours.
  int64_t max_steps = 10'000'000;
};

}  // namespace sluice::jinja
