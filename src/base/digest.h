// Content digests as lowercase hex: md5 where a format asks for it (dbt's
// test names, SQL's md5()), XXH3 where only sluice reads it.
//
// Thread-safe; never throws.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

std::string Md5Hex(std::string_view text);
// 64-bit XXH3, 16 hex digits.
std::string Xxh3Hex(std::string_view text);

}  // namespace sluice
