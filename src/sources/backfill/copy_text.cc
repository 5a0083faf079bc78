#include "sources/backfill/copy_text.h"

namespace sluice {
namespace {

bool IsOctal(char c) { return c >= '0' && c <= '7'; }
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\\' || i + 1 == raw.size()) {
      out.push_back(c);
      continue;
    }
    const char e = raw[++i];
    switch (e) {
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'v': out.push_back('\v'); break;
      case 'x': {
        int v = 0, digits = 0;
        while (digits < 2 && i + 1 < raw.size() && HexValue(raw[i + 1]) >= 0) v = v * 16 + HexValue(raw[++i]), ++digits;
        if (digits == 0) out.push_back('x');
        else out.push_back(static_cast<char>(v));
        break;
      }
      default:
        if (IsOctal(e)) {
          int v = e - '0', digits = 1;
          while (digits < 3 && i + 1 < raw.size() && IsOctal(raw[i + 1])) v = v * 8 + (raw[++i] - '0'), ++digits;
          out.push_back(static_cast<char>(v));
        } else {
          out.push_back(e);  // \\ and any other escaped character stand for themselves
        }
    }
  }
  return out;
}

}  // namespace

void ParseCopyTextLine(std::string_view line, CopyFields* fields) {
  fields->clear();
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    const std::string_view raw = line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
    if (raw == "\\N") fields->emplace_back();
    else fields->emplace_back(Decode(raw));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
}

}  // namespace sluice
