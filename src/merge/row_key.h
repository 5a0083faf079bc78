// The byte encoding of a row's key, for hashing and comparing keys in memory
// (the chunk deduper, and the key sets corrections and rebuilds recompute).
// Two rows have equal encodings exactly when their key values are equal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/value.h"

namespace sluice {

// Appends the encoding of `row`'s values at `keys` to *out.
inline void AppendRowKey(const Value* row, const std::vector<int>& keys, const std::string& arena, std::string* out) {
  for (int k : keys) {
    const Value& v = row[static_cast<size_t>(k)];
    out->push_back(static_cast<char>(v.kind));
    if (v.kind == Value::Kind::kText) {
      const std::string_view t = v.text(arena);
      const uint32_t n = static_cast<uint32_t>(t.size());
      out->append(reinterpret_cast<const char*>(&n), sizeof n).append(t);
    } else if (v.kind == Value::Kind::kInt) {
      out->append(reinterpret_cast<const char*>(&v.int_value), sizeof v.int_value);
    } else if (v.kind == Value::Kind::kReal) {
      out->append(reinterpret_cast<const char*>(&v.real_value), sizeof v.real_value);
    }
  }
}

}  // namespace sluice
