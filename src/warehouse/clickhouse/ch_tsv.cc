#include "warehouse/clickhouse/ch_tsv.h"

namespace sluice {

void AppendTsvField(std::string_view text, std::string* out) {
  size_t plain = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* escaped = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                          : c == '\0' ? "\\0" : nullptr;
    if (escaped == nullptr) continue;
    out->append(text.substr(plain, i - plain));
    out->append(escaped);
    plain = i + 1;
  }
  out->append(text.substr(plain));
}

std::optional<std::vector<TsvRow>> ParseTsv(std::string_view text) {
  std::vector<TsvRow> rows;
  TsvRow row;
  std::string field;
  bool null = false;
  size_t i = 0;
  const auto end_field = [&] {
    if (null && field.empty()) row.emplace_back();
    else row.emplace_back(std::move(field));
    field.clear();
    null = false;
  };
  while (i < text.size()) {
    const char c = text[i++];
    if (c == '\t') {
      end_field();
    } else if (c == '\n') {
      end_field();
      if (!rows.empty() && row.size() != rows.front().size()) return std::nullopt;
      rows.push_back(std::move(row));
      row.clear();
    } else if (c == '\\') {
      if (i >= text.size()) return std::nullopt;
      const char e = text[i++];
      switch (e) {
        case 'N':  // NULL when it is the whole field
          if (field.empty() && (i == text.size() || text[i] == '\t' || text[i] == '\n')) null = true;
          else field += 'N';
          break;
        case 't': field += '\t'; break;
        case 'n': field += '\n'; break;
        case 'r': field += '\r'; break;
        case '0': field += '\0'; break;
        case 'b': field += '\b'; break;
        case 'f': field += '\f'; break;
        case 'a': field += '\a'; break;
        case 'v': field += '\v'; break;
        default: field += e; break;  // \\ \' and any other escaped character stand for themselves
      }
    } else {
      field += c;
    }
  }
  if (!row.empty() || !field.empty() || null) return std::nullopt;  // output always ends with a newline
  return rows;
}

std::string ChStringLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string ChIdent(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`' || c == '\\') out += '\\';
    out += c;
  }
  return out + "`";
}

}  // namespace sluice
