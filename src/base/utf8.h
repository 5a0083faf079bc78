// UTF-8 text made safe for places that demand it (JSON, PostgreSQL text,
// email), and JSON string literals. Bad bytes are replaced, never dropped,
// so the reader sees that something was there.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// `text` with every byte that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF included)
// replaced by U+FFFD.
std::string ValidUtf8(std::string_view text);

// A JSON string literal of `text`: quoted, `"` and `\` escaped, control
// characters as \n, \r, \t or \u00XX, invalid UTF-8 as U+FFFD. Always valid JSON.
std::string JsonQuote(std::string_view text);

}  // namespace sluice
