#include "jinja/py_string.h"

#include <algorithm>

namespace sluice::jinja {

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::vector<size_t> CodePointOffsets(std::string_view s) {
  std::vector<size_t> offsets;
  offsets.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsContinuation(s[i])) offsets.push_back(i);
  }
  offsets.push_back(s.size());
  return offsets;
}

size_t CodePointLength(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return !IsContinuation(c); }));
}

std::vector<int64_t> SliceIndices(int64_t length, std::optional<int64_t> start, std::optional<int64_t> stop,
                                  int64_t step) {
  auto clamp = [&](std::optional<int64_t> v, int64_t fallback) -> int64_t {
    if (!v) return fallback;
    int64_t x = *v;
    if (x < 0) {
      x += length;
      if (x < 0) x = step < 0 ? -1 : 0;
    } else if (x >= length) {
      x = step < 0 ? length - 1 : length;
    }
    return x;
  };
  const int64_t from = clamp(start, step < 0 ? length - 1 : 0);
  const int64_t to = clamp(stop, step < 0 ? -1 : length);
  std::vector<int64_t> indices;
  if (step > 0) {
    for (int64_t i = from; i < to; i += step) indices.push_back(i);
  } else {
    for (int64_t i = from; i > to; i += step) indices.push_back(i);
  }
  return indices;
}

std::string PyUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Upper(c);
  return out;
}

std::string PyLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

std::string PyCapitalize(std::string_view s) {
  std::string out = PyLower(s);
  if (!out.empty()) out[0] = Upper(out[0]);
  return out;
}

std::string PyTitle(std::string_view s) {
  std::string out(s);
  bool after_letter = false;
  for (char& c : out) {
    if (IsAsciiLetter(c)) {
      c = after_letter ? Lower(c) : Upper(c);
      after_letter = true;
    } else {
      // Non-ASCII bytes are letters to Python more often than not: keep the word going.
      after_letter = static_cast<unsigned char>(c) >= 0x80 || (c >= '0' && c <= '9' && after_letter);
    }
  }
  return out;
}

std::string_view PyStrip(std::string_view s, const std::string* chars, bool left, bool right) {
  auto strip = [&](char c) { return chars == nullptr ? IsAsciiSpace(c) : chars->find(c) != std::string::npos; };
  if (left) {
    while (!s.empty() && strip(s.front())) s.remove_prefix(1);
  }
  if (right) {
    while (!s.empty() && strip(s.back())) s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string> PySplit(std::string_view s, const std::string* sep, int64_t max_split, bool from_right) {
  std::vector<std::string> parts;
  if (sep == nullptr) {
    // Runs of whitespace; with a limit, the rest is kept whole (left-stripped).
    std::vector<std::string_view> words;
    std::string_view rest = s;
    if (!from_right) {
      while (true) {
        rest = PyStrip(rest, nullptr, true, false);
        if (rest.empty()) break;
        if (max_split >= 0 && static_cast<int64_t>(words.size()) == max_split) {
          words.push_back(rest);
          break;
        }
        size_t end = 0;
        while (end < rest.size() && !IsAsciiSpace(rest[end])) ++end;
        words.push_back(rest.substr(0, end));
        rest.remove_prefix(end);
      }
    } else {
      while (true) {
        rest = PyStrip(rest, nullptr, false, true);
        if (rest.empty()) break;
        if (max_split >= 0 && static_cast<int64_t>(words.size()) == max_split) {
          words.push_back(rest);
          break;
        }
        size_t start = rest.size();
        while (start > 0 && !IsAsciiSpace(rest[start - 1])) --start;
        words.push_back(rest.substr(start));
        rest.remove_suffix(rest.size() - start);
      }
      std::reverse(words.begin(), words.end());
    }
    for (std::string_view w : words) parts.emplace_back(w);
    return parts;
  }
  const std::string& separator = *sep;
  if (!from_right) {
    size_t start = 0;
    while (true) {
      size_t at = s.find(separator, start);
      if (at == std::string_view::npos || (max_split >= 0 && static_cast<int64_t>(parts.size()) == max_split)) {
        parts.emplace_back(s.substr(start));
        break;
      }
      parts.emplace_back(s.substr(start, at - start));
      start = at + separator.size();
    }
    return parts;
  }
  size_t end = s.size();
  while (true) {
    size_t at = end >= separator.size() ? s.rfind(separator, end - separator.size()) : std::string_view::npos;
    if (at == std::string_view::npos || (max_split >= 0 && static_cast<int64_t>(parts.size()) == max_split)) {
      parts.emplace_back(s.substr(0, end));
      break;
    }
    parts.emplace_back(s.substr(at + separator.size(), end - at - separator.size()));
    end = at;
  }
  std::reverse(parts.begin(), parts.end());
  return parts;
}

std::string PyReplace(std::string_view s, std::string_view old_text, std::string_view new_text, int64_t count) {
  std::string out;
  if (old_text.empty()) {
    // Python inserts `new_text` around every character.
    const std::vector<size_t> offsets = CodePointOffsets(s);
    int64_t done = 0;
    for (size_t i = 0; i + 1 < offsets.size(); ++i) {
      if (count < 0 || done < count) {
        out += new_text;
        ++done;
      }
      out += s.substr(offsets[i], offsets[i + 1] - offsets[i]);
    }
    if (count < 0 || done < count) out += new_text;
    return out;
  }
  size_t start = 0;
  int64_t done = 0;
  while (count < 0 || done < count) {
    size_t at = s.find(old_text, start);
    if (at == std::string_view::npos) break;
    out += s.substr(start, at - start);
    out += new_text;
    start = at + old_text.size();
    ++done;
  }
  out += s.substr(start);
  return out;
}

size_t PyReplacedSize(std::string_view s, std::string_view old_text, std::string_view new_text, int64_t count) {
  size_t n = old_text.empty() ? CodePointLength(s) + 1 : PyCount(s, old_text);
  if (count >= 0) n = std::min(n, static_cast<size_t>(count));
  // Saturating: n * new_text.size() may not fit.
  if (!new_text.empty() && n > (SIZE_MAX - s.size()) / new_text.size()) return SIZE_MAX;
  return s.size() - n * old_text.size() + n * new_text.size();
}

size_t PyCount(std::string_view s, std::string_view needle) {
  if (needle.empty()) return CodePointLength(s) + 1;
  size_t n = 0;
  for (size_t at = s.find(needle); at != std::string_view::npos; at = s.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace sluice::jinja
