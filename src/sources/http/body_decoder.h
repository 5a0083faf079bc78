// Request bodies as sent (identity, gzip, zstd) → the bytes they stand for.
//
// Decompression is always capped: a small body that expands past the cap
// (a "zip bomb") fails with 413 as soon as the output passes the cap, so
// memory stays bounded by the cap however the input was crafted.
// Thread-safe: no shared state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sources/common/request_error.h"

namespace sluice {

enum class ContentEncoding { kIdentity, kGzip, kZstd };

// The value of a Content-Encoding header: empty, "identity", "gzip"
// ("x-gzip") or "zstd", case-insensitive. nullopt for anything else,
// including stacked encodings ("gzip, zstd").
std::optional<ContentEncoding> ParseContentEncoding(std::string_view header);

// Replaces *body by its decoded bytes. Errors: 413 (reason body_too_large)
// when the decoded bytes exceed `max_bytes`; 400 (malformed_body) for
// corrupt or truncated compressed data. On error *body is unspecified.
[[nodiscard]] RequestOutcome DecodeBody(ContentEncoding encoding, std::string* body, size_t max_bytes);

}  // namespace sluice
