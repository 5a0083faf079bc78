#include "models/docs_blocks.h"

#include <cctype>

#include <fmt/format.h>

#include "base/text.h"

namespace sluice::models {
namespace {

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

void SkipSpaces(std::string_view s, size_t* i) {
  while (*i < s.size() && std::isspace(static_cast<unsigned char>(s[*i]))) ++*i;
}

// A block tag `{%[-] word [name] [-]%}` at text[at]: its word and name, and
// where it ends; false if text[at] starts no such tag.
struct Tag {
  std::string word, name;
  size_t end = 0;
};
bool ReadTag(std::string_view text, size_t at, Tag* tag) {
  size_t i = at + 2;
  if (i < text.size() && text[i] == '-') ++i;
  SkipSpaces(text, &i);
  size_t start = i;
  while (i < text.size() && IsNameChar(text[i])) ++i;
  tag->word = std::string(text.substr(start, i - start));
  SkipSpaces(text, &i);
  start = i;
  while (i < text.size() && IsNameChar(text[i])) ++i;
  tag->name = std::string(text.substr(start, i - start));
  SkipSpaces(text, &i);
  if (i < text.size() && text[i] == '-') ++i;
  if (text.substr(i, 2) != "%}") return false;
  tag->end = i + 2;
  return true;
}

FilePosition PositionAt(const std::string& file, std::string_view text, size_t offset) {
  FilePosition p{file, 1, 1};
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

// Reads a quoted string at s[*i]; false if there is none.
bool ReadQuoted(std::string_view s, size_t* i, std::string* out) {
  SkipSpaces(s, i);
  if (*i >= s.size() || (s[*i] != '\'' && s[*i] != '"')) return false;
  const char quote = s[(*i)++];
  const size_t end = s.find(quote, *i);
  if (end == std::string_view::npos) return false;
  *out = std::string(s.substr(*i, end - *i));
  *i = end + 1;
  return true;
}

}  // namespace

void ParseDocBlocks(const std::string& file, std::string_view text, std::vector<DocBlock>* out,
                    ProjectProblems* problems) {
  size_t at = 0;
  while ((at = text.find("{%", at)) != std::string_view::npos) {
    Tag open;
    if (!ReadTag(text, at, &open) || open.word != "docs") {
      at += 2;
      continue;
    }
    const FilePosition where = PositionAt(file, text, at);
    if (open.name.empty()) {
      problems->Add(where, "a docs block needs a name: {% docs name %}");
      at = open.end;
      continue;
    }
    size_t close_at = open.end;
    Tag close;
    bool closed = false;
    while ((close_at = text.find("{%", close_at)) != std::string_view::npos) {
      if (ReadTag(text, close_at, &close) && close.word == "enddocs") {
        closed = true;
        break;
      }
      close_at += 2;
    }
    if (!closed) {
      problems->Add(where, fmt::format("docs block '{}' has no {{% enddocs %}}", open.name));
      return;
    }
    out->push_back(DocBlock{open.name, std::string(TrimWhitespace(text.substr(open.end, close_at - open.end))), where});
    at = close.end;
  }
}

std::string ResolveDocs(std::string_view description, const std::map<std::string, const DocBlock*>& docs,
                        const FilePosition& at, ProjectProblems* problems) {
  std::string out;
  size_t i = 0;
  while (i < description.size()) {
    const size_t open = description.find("{{", i);
    const size_t close = open == std::string_view::npos ? open : description.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(description.substr(i, open - i));
    const std::string_view inner = description.substr(open + 2, close - open - 2);
    size_t j = 0;
    if (!inner.empty() && inner[0] == '-') ++j;
    SkipSpaces(inner, &j);
    std::string first, second;
    bool is_doc = false;
    if (inner.substr(j, 3) == "doc") {
      j += 3;
      SkipSpaces(inner, &j);
      if (j < inner.size() && inner[j] == '(') {
        ++j;
        is_doc = ReadQuoted(inner, &j, &first);
        SkipSpaces(inner, &j);
        if (is_doc && j < inner.size() && inner[j] == ',') {
          ++j;
          is_doc = ReadQuoted(inner, &j, &second);
          SkipSpaces(inner, &j);
        }
        is_doc = is_doc && j < inner.size() && inner[j] == ')';
      }
    }
    if (!is_doc) {
      out.append(description.substr(open, close + 2 - open));
    } else {
      const std::string name = second.empty() ? first : second;
      auto it = docs.find(name);
      if (it == docs.end()) problems->Add(at, fmt::format("the description uses doc('{}'), and no docs block is named '{}'", name, name));
      else out += it->second->text;
    }
    i = close + 2;
  }
  if (i < description.size()) out.append(description.substr(i));
  return out;
}

}  // namespace sluice::models
