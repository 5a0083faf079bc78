// Python's str operations on UTF-8 text, as templates expect them: lengths,
// indexes and slices count code points, not bytes; case changes are ASCII
// only (other letters are kept as they are).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::jinja {

// Byte offsets of each code point, plus s.size() at the end.
std::vector<size_t> CodePointOffsets(std::string_view s);
size_t CodePointLength(std::string_view s);

// Python's slice.indices(): the positions a[start:stop:step] takes from a
// sequence of `length` items. `step` must not be 0.
std::vector<int64_t> SliceIndices(int64_t length, std::optional<int64_t> start, std::optional<int64_t> stop,
                                  int64_t step);

std::string PyUpper(std::string_view s);
std::string PyLower(std::string_view s);
// Python's str.capitalize(): the first character upper case, the rest lower.
std::string PyCapitalize(std::string_view s);
// Python's str.title(): a letter after a non-letter upper case, others lower.
std::string PyTitle(std::string_view s);
// Python's strip family: `chars` null strips whitespace.
std::string_view PyStrip(std::string_view s, const std::string* chars, bool left, bool right);
// Python's str.split(): `sep` null splits on runs of whitespace and drops
// empty parts; `max_split` < 0 is no limit. `from_right` is rsplit().
std::vector<std::string> PySplit(std::string_view s, const std::string* sep, int64_t max_split, bool from_right);
// Python's str.replace(); `count` < 0 replaces all.
std::string PyReplace(std::string_view s, std::string_view old_text, std::string_view new_text, int64_t count);
// The size PyReplace would produce, computed first so a template cannot
// make a string of terabytes.
size_t PyReplacedSize(std::string_view s, std::string_view old_text, std::string_view new_text, int64_t count);
// Occurrences of `needle`, not overlapping (Python's str.count).
size_t PyCount(std::string_view s, std::string_view needle);
bool IsAsciiSpace(char c);

}  // namespace sluice::jinja
