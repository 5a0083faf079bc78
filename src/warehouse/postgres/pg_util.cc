#include <simdjson.h>

#include "catalog/ddl.h"
#include "warehouse/postgres/pg_internal.h"

namespace sluice {

std::string PgTable(const std::string& schema, std::string_view name) {
  return QuoteIdent(schema) + "." + QuoteIdent(name);
}

Status PgLock(PgConnection* conn, const std::string& name) {
  return conn->Query("SELECT pg_advisory_xact_lock(hashtext($1))", {name}).status();
}

std::string PgSafeText(std::string_view text) {
  if (text.find('\0') == std::string_view::npos && simdjson::validate_utf8(text.data(), text.size()))
    return std::string(text);
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (c == 0 || length == 0 || i + length > text.size() ||
        !simdjson::validate_utf8(text.data() + i, length)) {
      out.append(kReplacement);
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::optional<std::string> JsonbRefusal(std::string_view json) {
  for (size_t at = json.find("\\u0000"); at != std::string_view::npos; at = json.find("\\u0000", at + 1)) {
    size_t backslashes = 0;  // \\u0000 is a backslash and the text "u0000", not an escape
    while (at > backslashes && json[at - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0)
      return std::string("the event holds \\u0000, which PostgreSQL's jsonb cannot store");
  }
  return std::nullopt;
}

void PgAbandon(PgConnection* conn, bool in_copy) {
  if (conn->Broken()) return;
  if (in_copy) {
    PQputCopyEnd(conn->get(), "abandoned");
    while (PGresult* r = PQgetResult(conn->get())) PQclear(r);
  }
  (void)conn->Exec("ROLLBACK");
}

}  // namespace sluice
